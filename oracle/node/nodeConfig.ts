import { readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { getAddress, isAddress } from "ethers";
import { z } from "zod";
import { OracleConfigError } from "../errors/OracleError.js";
import { defaultProposalAuthLimits } from "../auth/ProposalAuthenticator.js";
import { defaultCheckLimits } from "../checks/ProposalChecker.js";
import { defaultSendPolicy } from "../submit/TransactionSender.js";

const port = z.number().int().min(0).max(65_535);
const address = z
  .string()
  .refine((a) => /^0x[0-9a-fA-F]{40}$/.test(a) && isAddress(a), "not an address (or a bad checksum)")
  .transform((a) => getAddress(a));

/** Whose proposals the node acts on. Required: a node without an engine identity does not start. */
const authSchema = z
  .object(
    {
      /** Engine addresses (from the engine's keystore) whose signed proposals this node accepts. */
      engines: z
        .array(address)
        .min(1, "at least one engine address: the node acts only on proposals its engine signed")
        .max(16)
        .transform((a) => [...new Set(a)]),
      /** Oldest request accepted, by the time the engine signed it (ms); also how long nonces are kept. */
      maxRequestAgeMs: z.number().int().positive().max(3_600_000),
      /** How far ahead of this node's clock a request may be stamped (ms). */
      maxClockSkewMs: z.number().int().nonnegative().max(300_000),
      /** Cap on remembered nonces. */
      maxNonces: z.number().int().positive().max(10_000_000),
    },
    {
      required_error:
        "required: { engines: [<engine address>] } — the node acts only on proposals signed by its engine",
    },
  )
  .strict()
  .partial({ maxRequestAgeMs: true, maxClockSkewMs: true, maxNonces: true });

const venueSchema = z.discriminatedUnion("kind", [
  z
    .object({
      kind: z.literal("ccxt"),
      exchange: z.string().min(1),
      baseUrl: z.string().url().optional(),
      symbols: z.record(z.string().regex(/^\d+$/), z.string().min(1)),
      quoteCurrency: z.string().min(1),
      assetDecimals: z.number().int().min(0).max(36),
      /** Passed to the ccxt exchange as `options` (e.g. which market types to load). */
      exchangeOptions: z.record(z.unknown()).optional(),
    })
    .strict(),
  /** A simulator's JSON snapshot file (local runs and tests only). */
  z.object({ kind: z.literal("file"), path: z.string().min(1) }).strict(),
]);

/** The node's JSON config file. Every object is strict: an unknown (misspelt) key is an error. */
export const nodeConfigSchema = z
  .object({
    name: z.string().min(1).max(64).optional(),
    rpcUrl: z.string().url(),
    deploymentFile: z.string().min(1),
    /** Optional NATS subject namespace (default `<chainId>-<registry>`). */
    deploymentId: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/)
      .optional(),
    keystoreFile: z.string().min(1),
    /** File holding the keystore password; else SIGIL_ORACLE_KEYSTORE_PASSWORD. */
    keystorePasswordFile: z.string().min(1).optional(),
    natsServers: z.array(z.string().min(1)).min(1),
    http: z.object({ host: z.string().default("127.0.0.1"), port }).strict(),
    dataDir: z.string().min(1),
    failoverMs: z.number().int().positive().default(3_000),
    auth: authSchema,
    checks: z
      .object({
        minDeadlineSeconds: z.number().int().nonnegative(),
        maxDeadlineSeconds: z.number().int().positive(),
        maxFutureSkewSeconds: z.number().int().nonnegative(),
        maxReportAgeSeconds: z.number().int().positive(),
        tickerDeviationBps: z.number().int().min(0).max(10_000),
        navToleranceBps: z.number().int().min(0).max(10_000),
        recomputeToleranceBps: z.number().int().min(0).max(10_000),
      })
      .strict()
      .partial()
      .default({}),
    submission: z
      .object({
        stuckAfterMs: z.number().int().positive(),
        feeBumpPercent: z.number().int().min(10).max(500),
        pollMs: z.number().int().positive(),
        backoffInitialMs: z.number().int().positive(),
        backoffMaxMs: z.number().int().positive(),
      })
      .strict()
      .partial()
      .default({}),
    venue: venueSchema,
    /** Re-compute signals from their input snapshots (else bounds checks only, flags bit 0 clear). */
    recompute: z
      .object({
        /** The engine's snapshot endpoint (`GET <url>/<hash>.json`)… */
        snapshotUrl: z.string().url().optional(),
        /** …or a directory of `<hash>.json` files. */
        snapshotDir: z.string().min(1).optional(),
        /** Model artefacts for model-driven decisions. */
        artefactRoot: z.string().min(1).optional(),
        /** Quote currency of the deployment's assets as the engine names them (default USDT). */
        quote: z.string().min(1).default("USDT"),
      })
      .strict()
      .refine((r) => (r.snapshotUrl === undefined) !== (r.snapshotDir === undefined), {
        message: "exactly one of snapshotUrl and snapshotDir",
      })
      .optional(),
  })
  .strict();

export type NodeConfigFile = z.input<typeof nodeConfigSchema>;

export type NodeConfig = Readonly<
  Omit<z.output<typeof nodeConfigSchema>, "checks" | "submission" | "auth"> & {
    checks: typeof defaultCheckLimits;
    submission: typeof defaultSendPolicy;
    auth: { engines: string[]; maxRequestAgeMs: number; maxClockSkewMs: number; maxNonces: number };
  }
>;

/** Environment variables that override the file (deployment-specific values and secrets' locations). */
export const ENV = {
  rpcUrl: "SIGIL_ORACLE_RPC_URL",
  deploymentFile: "SIGIL_ORACLE_DEPLOYMENT",
  keystoreFile: "SIGIL_ORACLE_KEYSTORE",
  keystorePasswordFile: "SIGIL_ORACLE_KEYSTORE_PASSWORD_FILE",
  keystorePassword: "SIGIL_ORACLE_KEYSTORE_PASSWORD",
  natsServers: "SIGIL_ORACLE_NATS_URL",
  httpPort: "SIGIL_ORACLE_HTTP_PORT",
  dataDir: "SIGIL_ORACLE_DATA_DIR",
} as const;

function deepFreeze<T>(o: T): T {
  if (o && typeof o === "object") {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

/**
 * Parse and freeze a node config: file contents, then environment overrides; relative paths are
 * resolved against the config file's folder.
 */
export function parseNodeConfig(raw: unknown, env: NodeJS.ProcessEnv, baseDir: string): NodeConfig {
  const file = structuredClone(raw) as Record<string, unknown>;
  if (!file || typeof file !== "object" || Array.isArray(file))
    throw new OracleConfigError("config must be a JSON object");
  if (env[ENV.rpcUrl]) file.rpcUrl = env[ENV.rpcUrl];
  if (env[ENV.deploymentFile]) file.deploymentFile = env[ENV.deploymentFile];
  if (env[ENV.keystoreFile]) file.keystoreFile = env[ENV.keystoreFile];
  if (env[ENV.keystorePasswordFile]) file.keystorePasswordFile = env[ENV.keystorePasswordFile];
  if (env[ENV.natsServers]) file.natsServers = env[ENV.natsServers]!.split(",").map((s) => s.trim());
  if (env[ENV.dataDir]) file.dataDir = env[ENV.dataDir];
  if (env[ENV.httpPort]) {
    const http = (file.http ?? {}) as Record<string, unknown>;
    file.http = { ...http, port: Number(env[ENV.httpPort]) };
  }
  const parsed = nodeConfigSchema.safeParse(file);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new OracleConfigError(`invalid oracle node config: ${issues}`);
  }
  const c = parsed.data;
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  return deepFreeze({
    ...c,
    deploymentFile: abs(c.deploymentFile),
    keystoreFile: abs(c.keystoreFile),
    keystorePasswordFile: c.keystorePasswordFile ? abs(c.keystorePasswordFile) : undefined,
    dataDir: abs(c.dataDir),
    venue: c.venue.kind === "file" ? { ...c.venue, path: abs(c.venue.path) } : c.venue,
    recompute: c.recompute && {
      ...c.recompute,
      snapshotDir: c.recompute.snapshotDir && abs(c.recompute.snapshotDir),
      artefactRoot: c.recompute.artefactRoot && abs(c.recompute.artefactRoot),
    },
    auth: { ...defaultProposalAuthLimits, ...c.auth },
    checks: { ...defaultCheckLimits, ...c.checks },
    submission: { ...defaultSendPolicy, ...c.submission },
  });
}

export function loadNodeConfig(path: string, env: NodeJS.ProcessEnv = process.env): NodeConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new OracleConfigError(`cannot read config ${path}: ${(err as Error).message}`, undefined, {
      cause: err,
    });
  }
  return parseNodeConfig(raw, env, dirname(resolve(path)));
}
