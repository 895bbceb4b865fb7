import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createProvider } from "../../../oracle/chain/createProvider.js";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  encryptKeystoreJson,
  hexlify,
  type JsonRpcProvider,
  keccak256,
  parseEther,
  randomBytes,
  toUtf8Bytes,
  Wallet,
} from "ethers";
import { network } from "hardhat";
import { deploySigil, localDeployOptions, type Deployment } from "../../../scripts/deploy/deploySigil.js";
import { proposalAuthDomain } from "../../../offchain/protocol/proposalAuth.js";
import { ProposalSigner, type ProposalTarget } from "../../../offchain/protocol/ProposalSigner.js";
import type { Fill, SignalReport, Stream } from "../../../offchain/protocol/reportTypes.js";
import { packTargets } from "../../../offchain/protocol/targets.js";
import { priceToE8 } from "../../../offchain/protocol/units.js";
import { parseDeployment, type SigilDeployment } from "../../../oracle/chain/SigilDeployment.js";
import { defaultProposalAuthLimits } from "../../../oracle/auth/ProposalAuthenticator.js";
import { defaultCheckLimits } from "../../../oracle/checks/ProposalChecker.js";
import { jsonLogger, type Logger } from "../../../oracle/node/Logger.js";
import { loadKeystore } from "../../../oracle/node/loadKeystore.js";
import { OracleNode, type OracleNodeOptions } from "../../../oracle/node/OracleNode.js";
import { reportToJson } from "../../../oracle/proposals/reportSchemas.js";
import type { DecisionRecomputer } from "../../../oracle/recompute/DecisionRecomputer.js";
import { InMemoryVenue } from "../../../oracle/venue/InMemoryVenue.js";
import { operatorWallets } from "../../helpers/sigilFixture.js";
import { RpcProxy } from "./RpcProxy.js";

export const NATS_URL = process.env.SIGIL_TEST_NATS_URL ?? "nats://127.0.0.1:4222";
export const KEYSTORE_PASSWORD = "test-password-not-a-secret";

/** The engine identity every harness node is configured to accept proposals from. */
export const ENGINE_WALLET = new Wallet(keccak256(toUtf8Bytes("sigil-test-engine")));

/** Auth settings of harness nodes: the test engine, the node's default limits. */
export const TEST_AUTH = { engines: [ENGINE_WALLET.address], ...defaultProposalAuthLimits };

/** Prices of localDeployOptions' assets (what the mock feeds answer), 8 decimals. */
export const FEED_PRICES: Array<[number, bigint]> = [
  42_000, 2_300, 310, 100, 0.6, 0.55, 0.09, 38, 15, 72,
].map((p, i) => [i, priceToE8(p)] as [number, bigint]);

/**
 * A local chain served over HTTP (in-process Hardhat network behind an RPC proxy), the Sigil contracts
 * deployed with the deployer keeping governance, and n operators with encrypted keystores.
 */
export async function startOracleHarness(opts: { operators?: number; threshold?: number } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "sigil-oracle-"));
  const server = await network.createServer(
    // Same-second blocks: block time follows the wall clock instead of racing ahead one second per
    // block, so reports timed by the node's clock line up with the chain's.
    { network: "default", override: { allowBlocksWithSameTimestamp: true } },
    "127.0.0.1",
    0,
  );
  const { port } = await server.listen();
  const chainUrl = `http://127.0.0.1:${port}`;
  const conn = await network.create({ network: "localhost", override: { url: chainUrl } });
  const { ethers } = conn;
  const signers = await ethers.getSigners();
  const accounts = await Promise.all(signers.map((s) => s.getAddress()));
  const ops = operatorWallets(opts.operators ?? 3);
  const base = localDeployOptions(accounts);
  const c = await deploySigil(ethers, {
    ...base,
    // A one-second epoch: a NAV proposal waits at most a second for the cut-off.
    vault: { ...base.vault, schedule: { ...base.vault.schedule, epochDurationSeconds: 1 } },
    operators: ops.map((w) => w.address),
    threshold: opts.threshold ?? 2,
    handOverToTimelock: false,
  });
  for (const w of ops)
    await (await signers[0]!.sendTransaction({ to: w.address, value: parseEther("100") })).wait();

  // Keystores with a cheap scrypt cost (tests only; createKeystore uses ethers' default).
  const keystores: string[] = [];
  for (const [i, w] of ops.entries()) {
    const file = join(dir, `operator-${i}.json`);
    writeFileSync(
      file,
      await encryptKeystoreJson({ address: w.address, privateKey: w.privateKey }, KEYSTORE_PASSWORD, {
        scrypt: { N: 1 << 10 },
      }),
    );
    keystores.push(file);
  }
  const deploymentFile = join(dir, "deployment.json");
  writeFileSync(deploymentFile, JSON.stringify(reportToJson(c.deployment), null, 2));
  const deployment = parseDeployment(c.deployment);
  const proxy = new RpcProxy(chainUrl);
  const rpcUrl = await proxy.start();
  const deploymentId = `test-${hexlify(randomBytes(6)).slice(2)}`;
  const venue = new InMemoryVenue({ prices: FEED_PRICES, equity: 0n });
  /** The engine side: signs every proposal it sends, one envelope per node. */
  const engine = new ProposalSigner(
    ENGINE_WALLET,
    proposalAuthDomain(BigInt(deployment.chainId), deployment.registry),
  );
  const nodes: OracleNode[] = [];
  const providers: JsonRpcProvider[] = [];

  const provider = () => {
    const p = createProvider(rpcUrl, deployment.chainId, 20);
    providers.push(p);
    return p;
  };

  /** Start operator i's node (keystore decrypted like the real program does). */
  async function startNode(
    i: number,
    extra: Partial<OracleNodeOptions> & { dataDir?: string; recomputer?: DecisionRecomputer } = {},
  ) {
    const wallet = await loadKeystore(keystores[i]!, KEYSTORE_PASSWORD);
    const node = await OracleNode.start({
      provider: provider(),
      deployment,
      wallet,
      natsServers: [NATS_URL],
      deploymentId,
      http: { host: "127.0.0.1", port: 0 },
      dataDir: extra.dataDir ?? join(dir, `node-${i}`),
      checks: { ...defaultCheckLimits },
      send: { stuckAfterMs: 10_000, feeBumpPercent: 25, pollMs: 20, backoffInitialMs: 50, backoffMaxMs: 400 },
      failoverMs: 1_000,
      venue: { ticker: venue, fills: venue, balance: venue },
      auth: TEST_AUTH,
      name: `node-${i}`,
      ...(process.env.SIGIL_TEST_LOG ? { logger: jsonLogger(`node-${i}`) } : {}),
      ...extra,
    });
    nodes.push(node);
    return node;
  }

  /** Index in the (sorted) operator set of each test wallet. */
  const sortedOps = [...c.deployment.oracle.operators];
  const walletAt = (operatorIndex: number): Wallet =>
    ops.find((w) => w.address === sortedOps[operatorIndex])!;
  const keystoreIndexOf = (operatorIndex: number) => ops.indexOf(walletAt(operatorIndex));

  async function chainNow(): Promise<bigint> {
    return BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
  }

  /** A decision/valuation time neither the chain nor the nodes see as in the future. */
  async function decisionTime(): Promise<bigint> {
    const wall = BigInt(Math.floor(Date.now() / 1000));
    const chain = await chainNow();
    return (chain < wall ? chain : wall) - 1n;
  }

  async function signalProposal(
    sequence: bigint,
    weights: Array<[number, number]>,
    extra: { flags?: number; deadlineIn?: bigint; runTag?: string } = {},
  ) {
    const nowSec = BigInt(Math.floor(Date.now() / 1000));
    const report: SignalReport = {
      configDigest: await c.registry.configDigest(),
      sequence,
      deadline: nowSec + (extra.deadlineIn ?? 120n),
      signal: {
        runHash: keccak256(toUtf8Bytes(`run-${sequence}-${extra.runTag ?? ""}`)),
        inputsHash: keccak256(toUtf8Bytes(`inputs-${sequence}`)),
        modelHash: keccak256(toUtf8Bytes("model-v1")),
        timestamp: await decisionTime(),
        flags: extra.flags ?? 0,
        targets: packTargets(weights),
      },
    };
    return {
      report,
      body: {
        report: reportToJson(report),
        context: {
          inputSnapshotRef: `snapshot://${report.signal.inputsHash}`,
          referencePrices: weights.map(([asset]) => ({ asset, priceE8: FEED_PRICES[asset]![1].toString() })),
        },
      },
    };
  }

  async function executionProposal(
    sequence: bigint,
    signalSequence: bigint,
    fills: Array<{ asset: number; quantityE8: bigint; orderId: string }>,
  ) {
    const ts = await decisionTime();
    const reportFills: Fill[] = fills.map((f) => ({
      asset: f.asset,
      quantityE8: f.quantityE8,
      priceE8: FEED_PRICES[f.asset]![1],
      feeE8: 1_000n,
      orderRef: keccak256(toUtf8Bytes(`client-${f.orderId}`)),
      timestamp: ts,
    }));
    // The venue holds one trade per reported fill (a test replaces `venue.fills` entries to differ).
    for (const [i, f] of fills.entries()) {
      venue.addTrade({
        venueOrderId: `venue-${f.orderId}`,
        clientOrderId: `client-${f.orderId}`,
        ...reportFills[i]!,
      });
    }
    const report = {
      configDigest: await c.registry.configDigest(),
      sequence,
      deadline: BigInt(Math.floor(Date.now() / 1000)) + 120n,
      execution: { signalSequence, fills: reportFills },
    };
    return {
      report,
      body: {
        report: reportToJson(report),
        context: {
          orders: fills.map((f) => ({
            venueOrderId: `venue-${f.orderId}`,
            clientOrderId: `client-${f.orderId}`,
          })),
        },
      },
    };
  }

  /** A valuation time at or after the vault's epoch cut-off (waits for the wall clock, mines a block). */
  async function valuationTime(): Promise<bigint> {
    const book = await ethers.getContractAt("EpochBook", await c.vault.epochBook());
    const [, cutoff] = await book.epochState();
    for (;;) {
      const t = await decisionTime();
      if (t >= cutoff) return t;
      const wall = Math.floor(Date.now() / 1000);
      if (wall > Number(cutoff)) await ethers.provider.send("evm_mine", []);
      else await new Promise((r) => setTimeout(r, (Number(cutoff) + 1 - wall) * 1000));
    }
  }

  /** A NAV report of `venueEquity`, with the custody counters the in-memory venue's ledger shows. */
  async function navProposal(sequence: bigint, venueEquity: bigint) {
    const report = {
      configDigest: await c.registry.configDigest(),
      sequence,
      deadline: BigInt(Math.floor(Date.now() / 1000)) + 120n,
      nav: {
        epoch: await c.vault.currentEpoch(),
        vault: await c.vault.getAddress(),
        venueEquity,
        custodySent: venue.custodyValue.credited,
        custodyReturned: venue.custodyValue.debited,
        timestamp: await valuationTime(),
        venueSnapshotHash: keccak256(toUtf8Bytes(`snap-${sequence}`)),
      },
    };
    return { report, body: { report: reportToJson(report), context: {} } };
  }

  /** The engine's signed proposal to one node. */
  const post = (node: ProposalTarget, stream: Stream, body: unknown) => engine.post(node, stream, body);
  /** The engine's signed proposal to each node, in parallel. */
  const proposeTo = (nodes: readonly ProposalTarget[], stream: Stream, body: unknown) =>
    engine.postAll(nodes, stream, body);

  async function close() {
    await Promise.all(nodes.map((n) => n.stop()));
    for (const p of providers) p.destroy();
    await proxy.stop();
    await conn.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }

  return {
    dir,
    chainUrl,
    rpcUrl,
    proxy,
    conn,
    ethers,
    contracts: c,
    deployment: c.deployment as Deployment,
    sigilDeployment: deployment as SigilDeployment,
    deploymentFile,
    deploymentId,
    operators: ops,
    keystores,
    walletAt,
    keystoreIndexOf,
    venue,
    nodes,
    startNode,
    provider,
    signalProposal,
    executionProposal,
    navProposal,
    engine,
    post,
    proposeTo,
    close,
  };
}

export type OracleHarness = Awaited<ReturnType<typeof startOracleHarness>>;

/** POST exactly `body` with exactly `headers` (no signing): what a stranger or a replayer sends. */
export async function postRaw(
  url: string,
  body: string | Uint8Array,
  headers: Record<string, string> = { "content-type": "application/json" },
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(url, { method: "POST", headers, body });
  const text = await res.text();
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = { text };
  }
  return { status: res.status, body: json, headers: res.headers };
}

/** A logger that keeps every line (and prints them with SIGIL_TEST_LOG), for tests that read the log. */
export function captureLogger(name: string): {
  logger: Logger;
  lines: Array<{ level: string; msg: string } & Record<string, unknown>>;
} {
  const lines: Array<{ level: string; msg: string } & Record<string, unknown>> = [];
  const echo = process.env.SIGIL_TEST_LOG ? jsonLogger(name) : undefined;
  const keep = (level: "info" | "warn" | "error") => (msg: string, fields?: Record<string, unknown>) => {
    lines.push({ level, msg, ...fields });
    echo?.[level](msg, fields);
  };
  return { logger: { info: keep("info"), warn: keep("warn"), error: keep("error") }, lines };
}

/** Poll `cond` until true (no timing assertions: the mocha timeout is the only limit). */
export async function waitFor(cond: () => Promise<boolean> | boolean, stepMs = 25): Promise<void> {
  for (;;) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/** A counter's value from a node's registry. */
export async function metricValue(
  node: OracleNode,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const m = node.metrics.registry.getSingleMetric(name);
  if (!m) return 0;
  const data = await m.get();
  return data.values
    .filter((v) => Object.entries(labels).every(([k, val]) => String(v.labels[k]) === val))
    .reduce((s, v) => s + v.value, 0);
}
