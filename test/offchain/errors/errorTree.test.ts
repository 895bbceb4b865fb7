import { assert } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type * as SigilErrorModule from "../../../offchain/errors/SigilError.js";
import type * as OracleErrorModule from "../../../oracle/errors/OracleError.js";

const ROOT = resolve(import.meta.dirname, "../../..");
/** Where the engine, the oracle and the scripts live (the dApp has its own, browser-side errors). */
const SOURCE_DIRS = ["offchain", "oracle", "scripts"];
const BASE_FILE = "offchain/errors/SigilError.ts";
/** Entry points run on import: they must not define error classes (the walk cannot import them). */
const ENTRY_POINT = /(^|\/)(main|start|[a-z]+Main)\.ts$/;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const rel = join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(rel));
    else if (e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) out.push(rel);
  }
  return out;
}

interface ClassDecl {
  readonly name: string;
  readonly parent: string;
  readonly file: string;
}

/** Source text without comments (doc examples declare classes too). */
const code = (file: string): string =>
  readFileSync(join(ROOT, file), "utf8")
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/(^|[^:"'`])\/\/.*$/gm, "$1");

const files = SOURCE_DIRS.flatMap(sourceFiles);
const decls: ClassDecl[] = files.flatMap((file) =>
  [...code(file).matchAll(/\bclass\s+(\w+)(?:<[^>]*>)?\s+extends\s+(\w+)/g)].map((m) => ({
    name: m[1]!,
    parent: m[2]!,
    file,
  })),
);
/** Every class whose chain of `extends` (by name) reaches a built-in error: the error tree. */
const errorDecls = (() => {
  const builtIn = new Set(["Error", "TypeError", "RangeError", "SyntaxError", "AggregateError"]);
  const names = new Set<string>(builtIn);
  for (let grew = true; grew;) {
    grew = false;
    for (const d of decls)
      if (names.has(d.parent) && !names.has(d.name)) {
        names.add(d.name);
        grew = true;
      }
  }
  return decls.filter((d) => names.has(d.parent));
})();

/** Constructor arguments for classes whose constructor is not `(message, options?)`. */
const record = {
  stream: 1,
  sequence: 7n,
  configDigest: "0x" + "a".repeat(64),
  payloadHash: "0x" + "b".repeat(64),
  digest: "0x" + "c".repeat(64),
  reportJson: "{}",
  signature: "0x",
  signedAt: 0,
};
const ARGS: Readonly<Record<string, readonly unknown[]>> = {
  ApiError: [500, "TEST", "test message"],
  BadRequestError: ["test message"],
  DeploymentFileError: ["test message"],
  UnauthorizedError: ["MISSING_API_KEY", "test message"],
  NotFoundError: ["TEST", "test message"],
  TooManyRequestsError: ["RATE_LIMITED", "test message", 1],
  UnavailableError: ["TEST", "test message"],
  RateLimitedError: ["test message", 1000],
  VenueRateLimitedError: ["test message", 1000],
  OrderOutcomeUnknownError: ["test message", "client-1"],
  SchemaDriftError: ["candles/v1", "a number", "a string"],
  DataQualityError: ["test message", []],
  QuantumRunAbortedError: ["test message", 3],
  WeexApiError: [400, -1121, "test message"],
  EquivocationRefused: [record],
  ProposalRefused: ["schema", "test message"],
  ProposalUnauthenticated: ["unauthenticated", "test message"],
  SystemStartError: ["test step", "test message"],
};

describe("one error tree", () => {
  it("nothing but SigilError extends a built-in error", () => {
    const direct = errorDecls.filter((d) =>
      ["Error", "TypeError", "RangeError", "SyntaxError", "AggregateError"].includes(d.parent),
    );
    assert.deepEqual(
      direct.map((d) => `${d.file}: ${d.name} extends ${d.parent}`),
      [`${BASE_FILE}: SigilError extends Error`],
    );
  });

  it("no two error classes share a name", () => {
    const byName = new Map<string, string[]>();
    for (const d of errorDecls) byName.set(d.name, [...(byName.get(d.name) ?? []), d.file]);
    const dup = [...byName].filter(([, fs]) => fs.length > 1).map(([n, fs]) => `${n}: ${fs.join(", ")}`);
    assert.deepEqual(dup, []);
  });

  it("entry points define no error classes (they cannot be imported to check)", () => {
    assert.deepEqual(
      errorDecls.filter((d) => ENTRY_POINT.test(d.file)).map((d) => `${d.file}: ${d.name}`),
      [],
    );
  });

  it("every error class is exported, is a SigilError and carries message, details, cause, hint, retryable", async () => {
    const base = (await import(pathToFileURL(join(ROOT, BASE_FILE)).href)) as typeof SigilErrorModule;
    const { SigilError } = base;
    const { OracleError } = (await import(
      pathToFileURL(join(ROOT, "oracle/errors/OracleError.ts")).href
    )) as typeof OracleErrorModule;
    const walkable = errorDecls.filter((d) => !ENTRY_POINT.test(d.file));
    assert.isAbove(walkable.length, 60, "the scan found the error classes");
    const problems: string[] = [];
    for (const d of walkable) {
      const mod = (await import(pathToFileURL(join(ROOT, d.file)).href)) as Record<string, unknown>;
      const where = `${relative(ROOT, join(ROOT, d.file))}: ${d.name}`;
      const cls = mod[d.name] as (new (...a: unknown[]) => unknown) & { retryable?: unknown };
      if (typeof cls !== "function") {
        problems.push(`${where} is not exported`);
        continue;
      }
      if (!(cls === SigilError || cls.prototype instanceof SigilError)) {
        problems.push(`${where} is not a SigilError`);
        continue;
      }
      if (typeof cls.retryable !== "boolean") problems.push(`${where}: static retryable is not a boolean`);
      let e: unknown;
      try {
        e = new cls(...(ARGS[d.name] ?? ["test message"]));
      } catch (err) {
        problems.push(`${where}: constructing it threw ${String(err)} (add its arguments to ARGS)`);
        continue;
      }
      if (!(e instanceof SigilError) || !(e instanceof cls)) {
        problems.push(`${where}: an instance is not a SigilError`);
        continue;
      }
      if (e.name !== d.name) problems.push(`${where}: name is "${e.name}"`);
      if (typeof e.message !== "string" || e.message === "") problems.push(`${where}: no message`);
      if (typeof e.retryable !== "boolean") problems.push(`${where}: retryable is not a boolean`);
      if (e.hint !== undefined && typeof e.hint !== "string") problems.push(`${where}: hint is not a string`);
      if (typeof e.details !== "object" || e.details === null || Array.isArray(e.details))
        problems.push(`${where}: details is not a record`);
      else if (!Object.isFrozen(e.details)) problems.push(`${where}: details is not frozen`);
      if (ARGS[d.name] === undefined) {
        // `(message, options)` constructors (the oracle's: `(message, detail, options)`) keep the cause.
        const cause = new Error("root");
        const isOracle = cls === OracleError || cls.prototype instanceof OracleError;
        const withCause = new cls(
          "test message",
          ...(isOracle ? ["detail", { cause }] : [{ cause }]),
        ) as Error;
        if (withCause.cause !== cause) problems.push(`${where}: options.cause is not kept as cause`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it("a class states retryable once; an instance may override it", async () => {
    const { SigilError } = await import("../../../offchain/errors/SigilError.js");
    const { RetryableDataError, NetworkDataError, BadSymbolError } =
      await import("../../../offchain/data/errors.js");
    const { UnavailableError, NotFoundError } = await import("../../../offchain/api/errors.js");
    const { ProposalRefused, RefusalReason } = await import("../../../oracle/checks/RefusalReason.js");
    assert.isTrue(new NetworkDataError("x").retryable, "inherited from RetryableDataError");
    assert.isTrue(RetryableDataError.retryable);
    assert.isFalse(new BadSymbolError("x").retryable);
    assert.isTrue(new UnavailableError("RPC_UNAVAILABLE", "x").retryable);
    assert.isFalse(new NotFoundError("RUN_NOT_FOUND", "x").retryable);
    assert.isTrue(new ProposalRefused(RefusalReason.ReplayStoreFull, "x").retryable);
    assert.isFalse(new ProposalRefused(RefusalReason.Schema, "x").retryable);
    const e = new SigilError("x", { retryable: true, details: { a: 1 }, hint: "h", cause: 1 });
    assert.deepInclude(e, { retryable: true, hint: "h", message: "x" });
    assert.deepEqual(e.details, { a: 1 });
    assert.equal(e.cause, 1);
  });
});
