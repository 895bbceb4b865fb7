/**
 * `npm start`: the whole Sigil system on one machine, offline and without keys.
 *
 *   local chain (hardhat node child) → deploySigil → WEEX simulator (in-process, replaying data/)
 *   → demo staker deposit → NATS + three oracle node processes → engine in paper mode on an
 *   accelerated clock: decision → signal proposal → co-signed → ledger verdict → orders → fills →
 *   execution report → trade ledger; epoch end → NAV report → settlement → share price.
 *
 * The engine signs every proposal it sends the nodes with its own key (an encrypted keystore in
 * .sigil/engine/, created on the first start and reused after); the nodes accept proposals from that
 * address only, and a refusal a node logs is repeated on this console.
 *
 * State lives in .sigil/ and a restart resumes it: the chain is rebuilt from its journal (every
 * block re-mined with its own time and transactions, state roots checked; offchain/devchain), the
 * simulator from its saved accounts and orders, the engine, oracle nodes and run log from their own
 * stores, and the replay clock from the last completed trading day. Ctrl-C finishes the current
 * trading day, then stops everything in order (a second Ctrl-C stops at once).
 *
 * Flags: --fresh (wipe .sigil/), --day-ms N (wall ms per trading day, default 3000),
 * --epoch-days N (default 5), --days N (stop after N more trading days), --start YYYY-MM-DD (a new run),
 * --bounds-only (nodes do not re-compute decisions; signals carry flags bit 0 clear).
 * Env: SIGIL_RPC_PORT (the journaled JSON-RPC port clients use), SIGIL_STATE_DIR (default .sigil), SIGIL_NATS_SERVER (binary).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  Contract,
  decryptKeystoreJson,
  encryptKeystoreJson,
  JsonRpcProvider,
  keccak256,
  Network,
  parseEther,
  toUtf8Bytes,
  Wallet,
  type Log,
} from "ethers";
import { network } from "hardhat";
import { deploySigil, localDeployOptions, type Deployment } from "./deploy/deploySigil.js";
import { ChainJournal } from "../offchain/devchain/ChainJournal.js";
import { genesisOf } from "../offchain/devchain/genesisOf.js";
import { jsonRpc } from "../offchain/devchain/jsonRpc.js";
import { freePort, localNodeCommand, waitForRpc } from "../offchain/devchain/localNode.js";
import { JournalingRpcProxy } from "../offchain/devchain/JournalingRpcProxy.js";
import { replayJournal } from "../offchain/devchain/replayJournal.js";
import { CsvCandleSource } from "../offchain/backtest/CsvCandleSource.js";
import { wireDecision, wirePaper, type ExecutionWiring } from "../offchain/engine/wiring.js";
import {
  modelHashOf,
  snapshotOfDecision,
  weightsToTargets,
  type ProviderSpec,
} from "../offchain/engine/InputSnapshot.js";
import { openEngineKeystore } from "../offchain/engine/engineKeystore.js";
import { DirectorySnapshotStore, serveSnapshots, snapshotRef } from "../offchain/engine/SnapshotStore.js";
import { AssetList } from "../offchain/execution/AssetList.js";
import { executionLimits } from "../offchain/execution/ExecutionLimits.js";
import { RiskPolicyKillLevel } from "../offchain/execution/KillLevelSource.js";
import { LedgerSignalSource } from "../offchain/execution/LedgerSignalSource.js";
import type { ExecutionReportSink, NavReportSink } from "../offchain/execution/ReportSinks.js";
import { reconciliationSummary } from "../offchain/execution/Reconciliation.js";
import { VenueCredentials } from "../offchain/execution/VenueCredentials.js";
import { proposalAuthDomain } from "../offchain/protocol/proposalAuth.js";
import { ProposalSigner, type ProposalTarget } from "../offchain/protocol/ProposalSigner.js";
import { Stream, type Execution, type Nav } from "../offchain/protocol/reportTypes.js";
import { msToSeconds, priceToE8, toFixed, toTokenUnits } from "../offchain/protocol/units.js";
import { RunLogWriter } from "../offchain/runlog/RunLogWriter.js";
import { movingAverageMomentum } from "../offchain/strategy/movingAverageMomentum.js";
import { DEFAULT_STRATEGY_CONFIG } from "../offchain/strategy/StrategyConfig.js";
import type { CandleSeries } from "../offchain/types/market.js";
import { fxFormat } from "../offchain/venue/weex/fixedPoint.js";
import { loadSimState, saveSimState } from "../offchain/venue/weex/simStateFile.js";
import { WeexSimulator } from "../offchain/venue/weex/WeexSimulator.js";
import { reportToJson } from "../oracle/proposals/reportSchemas.js";
import {
  MockStable__factory,
  OracleRegistry__factory,
  SigilVault__factory,
  EpochBook__factory,
  TradeLedger__factory,
} from "../types/ethers-contracts/index.js";
import { SystemStartError } from "./SystemStartError.js";

/** The simulator's minimum order value (USDT), as WEEX enforces one; the engine treats less as dust. */
const MIN_NOTIONAL = 5;
const ROOT = resolve(import.meta.dirname, "..");
const DAY = 86_400_000;
const SYMBOLS = ["BTC", "ETH", "BNB", "SOL", "XRP", "ADA"] as const;
const QUOTE = "USDT";
const DECIMALS = 6; // MockStable
const DEMO_DEPOSIT = 100_000n * 10n ** 6n;
const SIM_ACCOUNT = {
  name: "vault",
  apiKey: "sigil-demo-key",
  secret: "sigil-demo-secret",
  passphrase: "demo",
};
// Local demo only: the oracle and engine keystores are encrypted with this, kept next to them under .sigil/.
const KEYSTORE_PASSWORD = "sigil-local-demo";

export { SystemStartError };

/** The part of the deployment record this script reads back on a restart. */
type LocalDeployment = Pick<Deployment, "chainId" | "contracts" | "assets"> & {
  parameters: { asset?: string };
};

const { values: flags } = parseArgs({
  options: {
    fresh: { type: "boolean", default: false },
    "day-ms": { type: "string", default: "3000" },
    "epoch-days": { type: "string", default: "5" },
    days: { type: "string" },
    start: { type: "string", default: "2023-01-16" },
    "bounds-only": { type: "boolean", default: false },
  },
  strict: true,
});
const STATE = resolve(process.env.SIGIL_STATE_DIR ?? join(ROOT, ".sigil"));
const dayMs = Number(flags["day-ms"]);
const epochDays = Number(flags["epoch-days"]);
const maxDays = flags.days === undefined ? Infinity : Number(flags.days);
const recompute = !flags["bounds-only"];
const MA_PARAMS = { fast: 10, slow: 50 };

// ---------------------------------------------------------------- console

const t0 = Date.now();
const short = (h: string) => (h.length > 12 ? `${h.slice(0, 6)}…${h.slice(-4)}` : h);
let marketDay = "";
function line(kind: string, text: string): void {
  const t = ((Date.now() - t0) / 1000).toFixed(1).padStart(6);
  process.stdout.write(`${t}s ${marketDay.padEnd(10)} ${kind.padEnd(9)} ${text}\n`);
}

// ---------------------------------------------------------------- processes

/** The chain stops last: everything that may still send it a transaction stops before it. */
const children: Array<{ name: string; proc: ChildProcess; last: boolean }> = [];
function child(
  name: string,
  cmd: string,
  args: string[],
  logFile: string,
  env: NodeJS.ProcessEnv = {},
  last = false,
) {
  const c = spawn(cmd, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const log = createWriteStream(logFile, { flags: "a" });
  c.stdout!.pipe(log);
  c.stderr!.pipe(log);
  children.push({ name, proc: c, last });
  c.once("exit", (code, sig) => {
    if (!stopping) line("exit", `${name} exited (${code ?? sig}); see ${logFile}`);
  });
  return c;
}

/**
 * Repeat on the console every refusal an oracle node logs (`"msg":"proposal refused"` JSON lines on its
 * stderr): who was turned away and why, e.g. a proposal that was not signed by the engine.
 */
function relayRefusals(name: string, proc: ChildProcess): void {
  createInterface({ input: proc.stderr! }).on("line", (text) => {
    let l: { msg?: unknown; stream?: unknown; reason?: unknown; proposer?: unknown; detail?: unknown };
    try {
      l = JSON.parse(text) as typeof l;
    } catch {
      return;
    }
    if (l.msg !== "proposal refused") return;
    // Printable characters only: parts of a refused request are a stranger's choice.
    const clean = (v: unknown) =>
      String(v)
        .replace(/[^\x20-\x7e]/g, "?")
        .slice(0, 120);
    const from = typeof l.proposer === "string" ? ` from ${clean(l.proposer)}` : " (unsigned)";
    const detail = typeof l.detail === "string" ? `: ${clean(l.detail)}` : "";
    line("refused", `${name} refused a ${clean(l.stream)} proposal${from}: ${clean(l.reason)}${detail}`);
  });
}

async function waitUntil<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch {
      // not up yet
    }
    if (Date.now() > end) throw new SystemStartError(what, `not ready after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function stopChildren(which: (c: (typeof children)[number]) => boolean): Promise<unknown> {
  return Promise.all(
    children.filter(which).map(
      ({ proc: c }) =>
        new Promise<void>((r) => {
          if (c.exitCode !== null || c.signalCode !== null) return r();
          const kill = setTimeout(() => c.kill("SIGKILL"), 5_000);
          c.once("exit", () => (clearTimeout(kill), r()));
          c.kill("SIGTERM");
        }),
    ),
  );
}

let stopping = false;
/** Set by the first Ctrl-C: the replay loop finishes its trading day, then stops. */
let stopRequested = false;
let replaying = false;
/** Run in reverse order before the oracle nodes and NATS stop (the engine and its servers). */
const cleanups: Array<() => Promise<void> | void> = [];
/** Run in reverse order after them and before the chain stops (the journal, the simulator's state). */
const finalCleanups: Array<() => Promise<void> | void> = [];
async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    line("stop", "stopping: engine, oracle nodes, NATS, simulator, chain journal, chain");
    for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
    await stopChildren((c) => !c.last);
    for (const c of finalCleanups.reverse())
      await Promise.resolve(c()).catch((e: unknown) => line("stop", `cleanup failed: ${String(e)}`));
    await stopChildren((c) => c.last);
    line("stop", "all children stopped");
  }
  process.exit(code);
}
function onSignal(): void {
  if (replaying && !stopRequested) {
    stopRequested = true;
    line("stop", "finishing the current trading day, then stopping (Ctrl-C again to stop now)");
    return;
  }
  void shutdown(0);
}
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);

// ---------------------------------------------------------------- state

/** What a restart needs to resume the run in STATE (written when the run's setup is complete). */
interface RunState {
  readonly version: 1;
  readonly startedAt: string;
  /** Oracle operator addresses, in the order of their directories oracle-0… */
  readonly operators: string[];
  /** Where the replay clock continues: the next trading day's close time (ms) and days done. */
  nextDayMs: number;
  daysDone: number;
  /** Highest report sequences ever proposed: never proposed again (a node may have signed them). */
  proposed: { signal: string; execution: string; nav: string };
  /** The trading day in progress, with what of it already reached the chain. */
  current?: { dayMs: number; signalSequence?: string; navEpoch?: string };
}

function writeAtomic(path: string, text: string): void {
  writeFileSync(path + ".tmp", text);
  renameSync(path + ".tmp", path); // a reader never sees a half-written file
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  if (flags.fresh) rmSync(STATE, { recursive: true, force: true });
  const runFile = join(STATE, "run.json");
  const journalFile = join(STATE, "chain.jsonl");
  const simFile = join(STATE, "weex-sim.json");
  const deploymentCopy = join(STATE, "deployment.json");
  let run: RunState | undefined;
  if (existsSync(runFile)) {
    try {
      run = JSON.parse(readFileSync(runFile, "utf8")) as RunState;
      if (
        run.version !== 1 ||
        !existsSync(journalFile) ||
        !existsSync(deploymentCopy) ||
        !existsSync(simFile)
      )
        throw new Error("incomplete");
    } catch {
      line("state", `previous run in ${STATE} is incomplete or from another version: starting fresh`);
      run = undefined;
    }
  } else if (existsSync(STATE) && readdirSync(STATE).length > 0) {
    line("state", `previous run in ${STATE} stopped before its setup completed: starting fresh`);
  }
  const resumed = run !== undefined;
  if (!resumed) rmSync(STATE, { recursive: true, force: true });
  mkdirSync(STATE, { recursive: true });

  // 1. chain: a hardhat node behind a journaling proxy; on a restart, rebuilt from the journal
  const opened = resumed ? ChainJournal.open(journalFile) : undefined;
  const genesisTime = opened?.contents.header.genesisTime ?? Math.floor(Date.now() / 1000);
  const chainPort = await freePort();
  const chainUrl = `http://127.0.0.1:${chainPort}`;
  const node = localNodeCommand(chainPort, genesisTime);
  const chainProc = child("hardhat node", node.cmd, node.args, join(STATE, "chain.log"), node.env, true);
  await waitForRpc(chainUrl, chainProc);
  let journal: ChainJournal;
  if (opened) {
    const r = await replayJournal(chainUrl, opened.contents);
    journal = opened.journal;
    line(
      "chain",
      `rebuilt from ${journalFile}: ${r.blocks} blocks, ${r.transactions} transactions in ${r.ms} ms, state roots equal${opened.contents.tornTail ? " (a torn last line was dropped)" : ""}`,
    );
  } else journal = ChainJournal.create(journalFile, await genesisOf(chainUrl));
  const proxy = await JournalingRpcProxy.start({
    upstream: chainUrl,
    journal,
    port: Number(process.env.SIGIL_RPC_PORT ?? 0),
    onError: (e) => line("fatal", `chain journal: ${e.message}`),
  });
  finalCleanups.push(() => proxy.close());
  const rpcUrl = proxy.url;
  if (resumed) {
    // The chain's clock stands where the journal ended; bring it to the wall clock (journaled too).
    const latest = await jsonRpc<{ timestamp: string }>(rpcUrl, "eth_getBlockByNumber", ["latest", false]);
    await jsonRpc(rpcUrl, "evm_mine", [
      Math.max(Math.floor(Date.now() / 1000), Number(latest.timestamp) + 1),
    ]);
  }
  line("chain", `hardhat node on ${chainUrl}, journaled JSON-RPC on ${rpcUrl}`);

  // 2. data and deployment
  const series: CandleSeries[] = await new CsvCandleSource(join(ROOT, "data")).load(
    "1d",
    SYMBOLS.map((s) => `${s}/${QUOTE}`),
  );
  const startMs = Date.parse(`${flags.start}T00:00:00Z`);
  const closeAt = (s: CandleSeries, t: number) =>
    s.candles.filter((c) => c.timestamp + DAY <= t).at(-1)?.close;

  const conn = await network.create({ network: "localhost", override: { url: rpcUrl } });
  const { ethers } = conn;
  const signers = await ethers.getSigners();
  const accounts = await Promise.all(signers.map((s) => s.getAddress()));
  // Fresh keys on a first start; on a restart, the operators' own keystores (their keys never leave them).
  const operators = run
    ? await Promise.all(
        run.operators.map(async (addr, i) => {
          const w = await decryptKeystoreJson(
            readFileSync(join(STATE, `oracle-${i}`, "keystore.json"), "utf8"),
            KEYSTORE_PASSWORD,
          );
          if (w.address !== addr)
            throw new SystemStartError("resume", `oracle-${i}'s keystore holds ${w.address}, not ${addr}`);
          return w;
        }),
      )
    : [0, 1, 2].map(() => Wallet.createRandom());
  let deployment: LocalDeployment;
  if (run) {
    deployment = JSON.parse(readFileSync(deploymentCopy, "utf8")) as LocalDeployment;
    line(
      "deploy",
      `resumed: contracts of the previous run, ledger ${short(deployment.contracts.TradeLedger!.address)}`,
    );
  } else {
    const base = localDeployOptions(accounts);
    // The replay clock runs a trading day every `dayMs`: epochs, the NAV confirmation delay and the
    // risk window (the NAV bound's and the daily-loss breaker's) are set in that accelerated time.
    const epochSeconds = Math.max(1, Math.round((epochDays * dayMs) / 1000));
    const deployed = await deploySigil(
      ethers,
      {
        ...base,
        vault: {
          ...base.vault,
          schedule: {
            ...base.vault.schedule,
            epochDurationSeconds: Math.max(1, Math.floor(epochSeconds / 2)),
            navConfirmDelaySeconds: epochSeconds,
            riskWindowSeconds: Math.max(7, epochSeconds),
          },
        },
        operators: operators.map((w) => w.address),
        threshold: 2,
        assets: SYMBOLS.map((sym) => ({
          symbol: sym,
          initialPrice: closeAt(
            series.find((s) => s.symbol === `${sym}/${QUOTE}`)!,
            startMs,
          )!,
          feedDecimals: 8,
          maxWeightBps: 4_000,
          maxDeviationBps: 200,
          maxStalenessSeconds: 3_600,
          shortable: false,
        })),
        // Governance stays with the deployer locally: the orchestrator moves the mock feeds' prices.
        handOverToTimelock: false,
      },
      "localhost",
    );
    deployment = deployed.deployment;
    writeAtomic(deploymentCopy, JSON.stringify(reportToJson(deployment), null, 2) + "\n");
    run = {
      version: 1,
      startedAt: new Date().toISOString(),
      operators: operators.map((w) => w.address),
      nextDayMs: startMs + DAY,
      daysDone: 0,
      proposed: { signal: "0", execution: "0", nav: "0" },
    };
    line("deploy", `contracts deployed, ledger ${short(deployment.contracts.TradeLedger!.address)}`);
    for (const w of operators)
      await (await signers[0]!.sendTransaction({ to: w.address, value: parseEther("100") })).wait();
  }
  const admin = signers[0]!;
  const c = {
    deployment,
    registry: OracleRegistry__factory.connect(deployment.contracts.OracleRegistry!.address, admin),
    ledger: TradeLedger__factory.connect(deployment.contracts.TradeLedger!.address, admin),
    vault: SigilVault__factory.connect(deployment.contracts.SigilVault!.address, admin),
    book: EpochBook__factory.connect(deployment.contracts.EpochBook!.address, admin),
    asset: MockStable__factory.connect(deployment.parameters.asset ?? "", admin),
  };
  mkdirSync(join(ROOT, "deployments"), { recursive: true });
  const deploymentFile = join(ROOT, "deployments/localhost.json");
  writeFileSync(deploymentFile, readFileSync(deploymentCopy));
  const feeds = c.deployment.assets.map(
    (a) => new Contract(a.feed, ["function setAnswer(int256)"], signers[0]!),
  );

  // 3. simulator: on a restart, its accounts, orders, fills and bills as they were saved
  const state: RunState = run!;
  // Written once the setup (deposit, custody) is done: from then on a restart resumes the run.
  let setupDone = resumed;
  const saveRun = () => {
    if (setupDone) writeAtomic(runFile, JSON.stringify(state, null, 2) + "\n");
  };
  /** The next sequence of a report stream: above the chain's and above anything proposed before. */
  const nextSequence = (stream: keyof RunState["proposed"], onChain: bigint): bigint => {
    const proposed = BigInt(state.proposed[stream]);
    const next = (onChain > proposed ? onChain : proposed) + 1n;
    state.proposed[stream] = next.toString();
    saveRun(); // persisted before the proposal leaves: never proposed twice under one number
    return next;
  };
  let marketTime = state.nextDayMs - DAY;
  const sim = new WeexSimulator({
    markets: series.map((s) => {
      const [b] = s.symbol.split("/");
      const p = s.candles[0]!.close;
      const step = p > 1000 ? 0.00001 : p > 10 ? 0.001 : 0.1;
      // Levels of ~$10k: a demo order walks a few of them and fills in several trades, each
      // reported as its own fill and checked by the nodes trade by trade.
      return {
        id: `${b}${QUOTE}`,
        base: b!,
        quote: QUOTE,
        tickSize: p > 10 ? 0.01 : 0.0001,
        stepSize: step,
        spot: true,
        swap: false,
        levelSize: 10_000 / p,
        minQty: step,
        minNotional: MIN_NOTIONAL,
      };
    }),
    history: Object.fromEntries(
      series.map((s) => [s.symbol.replace("/", ""), { timeframe: "1d" as const, candles: s.candles }]),
    ),
    clock: () => marketTime,
    seed: 7,
    accounts: [{ ...SIM_ACCOUNT, balances: { [QUOTE]: "0" } }],
    ws: { pingIntervalMs: 0 },
    ...(resumed ? { state: loadSimState(simFile) } : {}),
    // Saved before the venue answers whatever changed it: like a real exchange, it never forgets
    // an order it acknowledged, however the run stops.
    onStateChange: () => saveSim(),
  });
  await sim.start();
  function saveSim(): void {
    saveSimState(simFile, sim.exportState());
  }
  finalCleanups.push(async () => {
    await sim.stop();
  });
  line("venue", `WEEX simulator on ${sim.url}, replaying ${series.length} assets from data/`);

  // 4. the engine's input snapshots, served by hash to the nodes that re-compute decisions
  const snapshots = new DirectorySnapshotStore(join(STATE, "snapshots"));
  const snapshotServer = await serveSnapshots(snapshots);
  cleanups.push(() => snapshotServer.close());
  line("snapshot", `input snapshots on ${snapshotServer.url} (nodes re-compute: ${recompute})`);

  // 5. NATS and three oracle nodes
  const natsBin = process.env.SIGIL_NATS_SERVER ?? "nats-server";
  if (spawnSync(natsBin, ["--version"]).status !== 0)
    throw new SystemStartError("oracle gossip", `no NATS server binary "${natsBin}" (set SIGIL_NATS_SERVER)`);
  const natsPort = await freePort();
  child("nats", natsBin, ["-a", "127.0.0.1", "-p", String(natsPort)], join(STATE, "nats.log"));
  const venueFile = join(STATE, "venue.json");
  const assets = AssetList.fromDeployment(c.deployment, QUOTE);
  writeVenueFile();
  // The engine's identity: every proposal is signed with it, and it is the only one the nodes accept.
  const engineDir = join(STATE, "engine");
  const engineKey = await openEngineKeystore(join(engineDir, "keystore.json"), KEYSTORE_PASSWORD, {
    scryptN: 1 << 12,
  });
  if (engineKey.created)
    writeFileSync(join(engineDir, "password"), KEYSTORE_PASSWORD + "\n", { mode: 0o600 });
  const engineSigner = new ProposalSigner(
    engineKey.wallet,
    proposalAuthDomain(BigInt(c.deployment.chainId), c.deployment.contracts.OracleRegistry!.address),
  );
  line(
    "engine",
    `proposals signed by engine ${engineSigner.address} (${engineKey.created ? "new" : "existing"} keystore ${join(engineDir, "keystore.json")})`,
  );
  const nodeTargets: ProposalTarget[] = [];
  const nodeUrls: string[] = [];
  for (const [i, w] of operators.entries()) {
    const dir = join(STATE, `oracle-${i}`);
    mkdirSync(dir, { recursive: true });
    if (!resumed) {
      writeFileSync(
        join(dir, "keystore.json"),
        await encryptKeystoreJson({ address: w.address, privateKey: w.privateKey }, KEYSTORE_PASSWORD, {
          scrypt: { N: 1 << 12 },
        }),
        { mode: 0o600 },
      );
      writeFileSync(join(dir, "password"), KEYSTORE_PASSWORD + "\n", { mode: 0o600 });
    }
    const port = await freePort();
    writeFileSync(
      join(dir, "config.json"),
      JSON.stringify(
        {
          name: `oracle-${i}`,
          rpcUrl,
          deploymentFile,
          keystoreFile: "keystore.json",
          keystorePasswordFile: "password",
          natsServers: [`nats://127.0.0.1:${natsPort}`],
          http: { host: "127.0.0.1", port },
          dataDir: "data",
          failoverMs: 1_500,
          auth: { engines: [engineSigner.address] },
          submission: { pollMs: 50, backoffInitialMs: 100, backoffMaxMs: 1_000 },
          venue: { kind: "file", path: venueFile },
          ...(recompute ? { recompute: { snapshotUrl: snapshotServer.url, quote: QUOTE } } : {}),
        },
        null,
        2,
      ),
    );
    const nodeProc = child(
      `oracle-${i}`,
      process.execPath,
      [
        join(ROOT, "node_modules/tsx/dist/cli.mjs"),
        "oracle/node/main.ts",
        "--config",
        join(dir, "config.json"),
      ],
      join(dir, "node.log"),
    );
    relayRefusals(`oracle-${i}`, nodeProc);
    nodeUrls.push(`http://127.0.0.1:${port}`);
    nodeTargets.push({ url: `http://127.0.0.1:${port}`, address: w.address });
  }
  await Promise.all(
    nodeUrls.map((u) =>
      waitUntil(`oracle node ${u}`, async () => ((await fetch(`${u}/health`)).ok ? true : undefined)),
    ),
  );
  line("oracle", `3 nodes up (2-of-3): ${operators.map((w) => short(w.address)).join(" ")}`);

  // 6. engine (paper) wired to the chain, the simulator and the oracle nodes
  const provider = new JsonRpcProvider(rpcUrl, Network.from(c.deployment.chainId), {
    staticNetwork: true,
    pollingInterval: 100,
    // No cached block number: the engine reads accepted signals right after they are mined, and a
    // block number cached from a moment before would hide them until the next day.
    cacheTimeout: -1,
  });
  cleanups.push(() => provider.destroy());
  const domainDigest = async () => c.registry.configDigest();
  const chainNowS = async () => BigInt((await provider.getBlock("latest"))!.timestamp);
  /**
   * Every block is at least a second after the last, so on an accelerated clock the chain's time
   * runs ahead of the wall. A report's time is one neither the chain nor the nodes see as in the
   * future; its deadline is two minutes after the later of the two clocks.
   */
  const deadline = async () => {
    const wall = BigInt(Math.floor(Date.now() / 1000));
    const chain = await chainNowS();
    return (chain > wall ? chain : wall) + 120n;
  };
  const reportTime = async () => {
    const wall = BigInt(Math.floor(Date.now() / 1000));
    const chain = await chainNowS();
    return (chain < wall ? chain : wall) - 1n;
  };
  /** A proposal to every node, each request signed by the engine for its node. */
  const propose = async (path: "signal" | "execution" | "nav", body: unknown) =>
    engineSigner.postAll(
      nodeTargets,
      path === "signal" ? Stream.Signal : path === "execution" ? Stream.Execution : Stream.Nav,
      body,
    );
  const refusals = (rs: Array<{ status: number; body: Record<string, unknown> }>) =>
    rs.filter((r) => r.status !== 200).map((r) => `${String(r.body.refused ?? r.body.error)}`);
  async function waitLog(
    address: string,
    topic: string | string[],
    seq: bigint,
    fromBlock: number,
    timeoutMs = 20_000,
  ): Promise<Log | undefined> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      const logs = await provider.getLogs({
        address,
        topics: [topic, "0x" + seq.toString(16).padStart(64, "0")],
        fromBlock,
      });
      if (logs[0]) return logs[0];
      await new Promise((r) => setTimeout(r, 100));
    }
    return undefined;
  }
  const ledgerAddr = c.deployment.contracts.TradeLedger!.address;
  const vaultAddr = c.deployment.contracts.SigilVault!.address;
  const L = c.ledger.interface;
  const V = c.vault.interface;
  const book = c.book;

  // The sinks below need the engine's store, and the engine needs the sinks: assigned once, further down.
  // eslint-disable-next-line prefer-const
  let engine!: ExecutionWiring;
  const reports: ExecutionReportSink = {
    async submitExecution(execution: Execution): Promise<void> {
      writeVenueFile();
      const orders = engine.store.allOrders();
      const byRef = new Map(orders.map((o) => [keccak256(toUtf8Bytes(o.clientOrderId)), o]));
      const [, lastExec] = await c.ledger.sequences();
      const report = {
        configDigest: await domainDigest(),
        sequence: nextSequence("execution", lastExec),
        deadline: await deadline(),
        execution,
      };
      const context = {
        orders: execution.fills.map((f) => {
          const o = byRef.get(f.orderRef)!;
          return { venueOrderId: o.venueOrderId ?? "", clientOrderId: o.clientOrderId };
        }),
      };
      const from = await provider.getBlockNumber();
      const rs = await propose("execution", { report: reportToJson(report), context });
      const bad = refusals(rs);
      if (bad.length > 1)
        throw new SystemStartError("execution report", `refused by nodes: ${bad.join(", ")}`);
      const log = await waitLog(ledgerAddr, L.getEvent("TradeRecorded")!.topicHash, report.sequence, from);
      if (!log)
        throw new SystemStartError("execution report", `sequence ${report.sequence} not recorded on-chain`);
      const logs = await provider.getLogs({
        address: ledgerAddr,
        topics: [L.getEvent("TradeRecorded")!.topicHash, log.topics[1]!],
        fromBlock: log.blockNumber,
        toBlock: log.blockNumber,
      });
      // One line per asset: the fills recorded (one per venue trade), their total and average price.
      const byAsset = new Map<
        number,
        { n: number; qty: number; notional: number; violations: bigint; head: string }
      >();
      for (const l of logs) {
        const e = L.parseLog(l)!;
        const rec = e.args.getValue("record") as { asset: bigint; quantityE8: bigint; priceE8: bigint };
        const qty = Number(rec.quantityE8) / 1e8;
        const a = byAsset.get(Number(rec.asset)) ?? { n: 0, qty: 0, notional: 0, violations: 0n, head: "" };
        a.n += 1;
        a.qty += qty;
        a.notional += Math.abs(qty) * (Number(rec.priceE8) / 1e8);
        a.violations |= e.args.getValue("violations") as bigint;
        a.head = e.args.getValue("head") as string;
        byAsset.set(Number(rec.asset), a);
      }
      for (const [asset, a] of byAsset)
        line(
          "ledger",
          `exec #${report.sequence} sig #${execution.signalSequence} ${assets.symbolOf(asset)} ${a.n} fill${a.n > 1 ? "s" : ""} qty ${a.qty.toFixed(5)} avg ${(a.notional / Math.abs(a.qty)).toFixed(4)} violations ${a.violations} head ${short(a.head)}`,
        );
    },
  };
  /**
   * A NAV report must be valued at or after its epoch's cut-off (requests up to the cut-off settle at
   * its price): wait for the wall clock to pass it, and mine a block if the chain has not.
   */
  const afterCutoff = async (): Promise<bigint> => {
    const [, cutoff] = await book.epochState();
    for (;;) {
      const t = await reportTime();
      if (t >= cutoff) return t;
      const wall = Math.floor(Date.now() / 1000);
      if (wall > Number(cutoff)) await jsonRpc(rpcUrl, "evm_mine");
      else await new Promise((r) => setTimeout(r, (Number(cutoff) + 1 - wall) * 1000));
    }
  };
  const navReports: NavReportSink = {
    async submitNav(nav: Nav): Promise<void> {
      // The venue replays history, so its clock is in the past; the valuation is of the state now
      // reached and is stamped with chain-compatible time at or after the epoch's cut-off, as the
      // vault requires (nothing trades while it waits).
      const stamped: Nav = { ...nav, timestamp: await afterCutoff() };
      writeVenueFile();
      const report = {
        configDigest: await domainDigest(),
        sequence: nextSequence("nav", await c.vault.navSequence()),
        deadline: await deadline(),
        nav: stamped,
      };
      const from = await provider.getBlockNumber();
      const bad = refusals(
        await propose("nav", { report: reportToJson(report), context: { venueAccount: SIM_ACCOUNT.name } }),
      );
      if (bad.length > 1) throw new SystemStartError("NAV report", `refused by nodes: ${bad.join(", ")}`);
      const settledTopic = V.getEvent("EpochSettled")!.topicHash;
      const rejectedTopic = V.getEvent("NavRejected")!.topicHash;
      const settled = await waitLog(vaultAddr, [settledTopic, rejectedTopic], nav.epoch, from);
      if (!settled) {
        line("nav", `epoch ${nav.epoch} NOT settled: nav#${report.sequence} did not reach the chain`);
        return;
      }
      if (settled.topics[0] === rejectedTopic) {
        // Beyond the NAV bound against the risk window: not booked; a loss trips the breakers, and a
        // report agreeing with it after the confirmation delay books it.
        const r = V.parseLog(settled)!;
        line(
          "nav",
          `epoch ${nav.epoch} NOT settled: nav#${report.sequence} ${fmtUsd(r.args.getValue("reported") as bigint)} vs booked ${fmtUsd(r.args.getValue("booked") as bigint)} is beyond the NAV bound; confirmable by a report valued from ${new Date(Number(r.args.getValue("confirmableAt") as bigint) * 1000).toISOString()}`,
        );
        return;
      }
      const e = V.parseLog(settled)!;
      const pps = e.args.getValue("pricePerShare") as bigint;
      line(
        "nav",
        `epoch ${nav.epoch} settled: venue ${fmtUsd(nav.venueEquity)} total ${fmtUsd(e.args.getValue("totalAssets") as bigint)} share price ${pps} nav#${report.sequence}`,
      );
    },
  };

  /** The venue's last price of a market (the replayed candle's close so far), as its ticker shows it. */
  function lastPrice(symbol: string): number {
    return sim.state.lastCandle(symbol.replace("/", ""))!.close;
  }
  /** Free plus locked balance of the demo account. */
  function total(asset: string): number {
    const b = sim.account(SIM_ACCOUNT.name).balance(asset);
    return Number(fxFormat(b.free + b.locked));
  }

  function writeVenueFile(): void {
    // What the oracle nodes check against: the simulator's own book-keeping (not the engine's store),
    // converted exactly as the engine converts what ccxt reads from the same venue.
    const acct = sim.account(SIM_ACCOUNT.name);
    const prices: Record<string, string> = {};
    let equity = 0;
    const bal = (a: string) => total(a);
    for (const { index, symbol } of assets.entries) {
      const last = lastPrice(symbol);
      prices[String(index)] = priceToE8(last).toString();
      equity += bal(symbol.split("/")[0]!) * last;
    }
    equity += bal(QUOTE);
    const fills = [];
    for (const { index, symbol } of assets.entries) {
      for (const f of sim.spot.fillsOf(acct, symbol.replace("/", ""))) {
        const price = Number(fxFormat(f.price));
        const fee = Number(fxFormat(f.commission));
        fills.push({
          venueOrderId: f.order.orderId,
          clientOrderId: f.order.clientOrderId,
          asset: index,
          quantityE8: ((f.order.side === "BUY" ? 1n : -1n) * toFixed(Number(fxFormat(f.qty)), 8)).toString(),
          priceE8: priceToE8(price).toString(),
          feeE8: toFixed(Math.abs(f.order.side === "BUY" ? fee * price : fee), 8).toString(),
          timestamp: msToSeconds(f.time).toString(),
        });
      }
    }
    // Custody transfers as the venue's ledger holds them: what NAV reports' custody counters attest.
    let credited = 0n;
    let debited = 0n;
    for (const m of acct.custody) {
      if (m.asset !== QUOTE) continue;
      const units = toTokenUnits(fxFormat(m.amount), DECIMALS);
      if (m.direction === "in") credited += units;
      else debited += units;
    }
    writeAtomic(
      venueFile,
      JSON.stringify({
        prices,
        fills,
        equity: toTokenUnits(equity.toFixed(DECIMALS), DECIMALS).toString(),
        custody: { credited: credited.toString(), debited: debited.toString() },
      }),
    );
  }
  const fmtUsd = (v: bigint) => `$${(Number(v) / 10 ** DECIMALS).toFixed(2)}`;

  engine = wirePaper({
    dataDir: join(STATE, "engine"),
    assets,
    signals: (store) =>
      new LedgerSignalSource({
        provider,
        ledger: ledgerAddr,
        fromBlock: c.deployment.contracts.TradeLedger!.block,
        store,
      }),
    killLevel: new RiskPolicyKillLevel(c.deployment.contracts.RiskPolicy!.address, provider),
    limits: executionLimits({ maxOrderNotional: 100_000, maxAssetNotional: 100_000 }),
    namespace: "sg",
    reports,
    navReports,
    vault: vaultAddr,
    // Fills the ledger already recorded (a crash after a report landed) are marked, not re-sent.
    ledger: { provider, address: ledgerAddr, fromBlock: c.deployment.contracts.TradeLedger!.block },
    urls: sim.ccxtUrls() as unknown as Record<string, unknown>,
    credentials: new VenueCredentials("trading", {
      apiKey: SIM_ACCOUNT.apiKey,
      secret: SIM_ACCOUNT.secret,
      password: SIM_ACCOUNT.passphrase,
    }),
    replay: true,
    minNotional: MIN_NOTIONAL,
    // Targets are fractions of the vault's NAV, and the ledger checks fills against its last settled
    // NAV: size from the same figure, not from the venue's equity (which holds only part of it).
    nav: async () => Number((await c.vault.lastNav())[0]) / 10 ** DECIMALS,
    orderType: "market",
    log: (event, detail) => {
      if (event === "report-failed")
        line("report", `execution report failed, retried next cycle: ${String(detail.error)}`);
    },
  });
  cleanups.push(() => engine.close());

  // 7. first start only: demo staker deposit, epoch 0 settles it, custodian funds the venue
  await engine.engine.start();
  if (!resumed) await setUp();
  setupDone = true;
  saveSim();
  saveRun();

  async function setUp(): Promise<void> {
    const staker = signers[6]!;
    const stable = c.asset.connect(staker);
    await (
      await c.asset.connect(signers[0]!).getFunction("mint")(await staker.getAddress(), DEMO_DEPOSIT)
    ).wait();
    await (await stable.approve(vaultAddr, DEMO_DEPOSIT)).wait();
    await (await c.vault.connect(staker).requestDeposit(DEMO_DEPOSIT, await staker.getAddress())).wait();
    line(
      "vault",
      `demo staker ${short(await staker.getAddress())} requested a deposit of ${fmtUsd(DEMO_DEPOSIT)}`,
    );
    // Made after the first epoch's cut-off, the request joins the epoch after: settle until it has.
    for (let i = 0; i < 3; i++) {
      await engine.engine.reportNav(Number(await c.vault.currentEpoch()));
      const [pending] = await book.depositRequestOf(await staker.getAddress());
      if (pending === 0n) break;
    }
    const toVenue = (DEMO_DEPOSIT * 8_000n) / 10_000n;
    const custodian = signers[5]!;
    const tx = await c.vault
      .connect(custodian)
      .sendToVenue(toVenue, keccak256(toUtf8Bytes("weex-sim:vault")));
    await tx.wait();
    sim.credit(SIM_ACCOUNT.name, QUOTE, (Number(toVenue) / 10 ** DECIMALS).toFixed(DECIMALS), tx.hash);
    line("custody", `${fmtUsd(toVenue)} vault → venue (tx ${short(tx.hash)})`);
  }

  // 8. the accelerated clock: one trading day per `dayMs`
  const runLog = RunLogWriter.open(join(STATE, "run_log.jsonl"));
  const provider_ = movingAverageMomentum(MA_PARAMS);
  const providerSpec: ProviderSpec = { kind: "ma-momentum", params: MA_PARAMS };
  // 70 % gross of the vault's NAV: the venue holds the policy's 80 % off-chain allocation, and the
  // rest of it is a cash buffer for taker fees and price moves between settlements.
  const strategy = {
    ...DEFAULT_STRATEGY_CONFIG,
    rebalanceEvery: 1,
    sizing: { kind: "fixed" as const, gross: 0.7 },
    // Never propose what the on-chain policy would reject: cap each asset at its max weight.
    maxWeight: Math.min(...c.deployment.assets.map((a) => a.maxWeightBps)) / 10_000,
  };
  const lastDay = Math.min(...series.map((s) => s.candles.at(-1)!.timestamp + DAY));
  if (resumed)
    line(
      "state",
      `resumed after ${state.daysDone} trading days at ${new Date(state.nextDayMs - DAY).toISOString().slice(0, 10)}${state.current ? " (that day was under way: what reached the chain is not redone)" : ""}`,
    );
  let day = 0;
  let lastRecShown: number | undefined;
  replaying = true;
  for (
    let t = state.nextDayMs;
    t <= lastDay && day < maxDays && !stopping && !stopRequested;
    t += DAY, day++
  ) {
    const tick = Date.now();
    if (state.current?.dayMs !== t) state.current = { dayMs: t };
    saveRun();
    marketTime = t;
    marketDay = new Date(t - DAY).toISOString().slice(0, 10);
    // Reference feeds follow the replayed closes (the mock Chainlink aggregators of the local chain),
    // all six in one block: fewer blocks per day keep the chain's clock closer to the wall.
    await updateFeeds(t);
    writeVenueFile(); // the nodes' view of the venue moves with the replay clock
    await decideAndSignal(t);
    // Up to 8 significant digits, no float noise (0.37360000000000004 → 0.3736).
    const qty = (x: number) => String(Number(x.toPrecision(8)));
    for (let k = 0; k < 4 && !stopping; k++) {
      const r = await engine.engine.tick();
      if (!r) break;
      for (const o of r.placed)
        line(
          "order",
          `${o.clientOrderId.padEnd(12)} ${o.side.padEnd(4)} ${o.symbol.padEnd(9)} ${qty(o.quantity).padStart(12)} → ${o.status} filled ${qty(o.filled)}`,
        );
      for (const x of r.refusals) line("refused", JSON.stringify(x));
      if (r.complete) break;
    }
    // Venue vs books: a divergence, held-back reports or unread trades are shown, never only logged.
    const rec = engine.engine.lastReconciliation;
    if (rec && !rec.ok && rec.at !== lastRecShown) {
      lastRecShown = rec.at;
      line("reconcile", reconciliationSummary(rec));
    }
    if (state.daysDone > 0 && state.daysDone % epochDays === 0) await settleEpoch();
    state.nextDayMs = t + DAY;
    state.daysDone += 1;
    delete state.current;
    saveRun();
    const rest = dayMs - (Date.now() - tick);
    if (rest > 0 && !stopRequested) await new Promise((r) => setTimeout(r, rest));
  }
  replaying = false;
  line("done", `replayed ${day} trading days (${state.daysDone} in all in ${STATE})`);
  await shutdown(0);

  async function updateFeeds(t: number): Promise<void> {
    await jsonRpc(rpcUrl, "evm_setAutomine", [false]);
    try {
      const nonce = await admin.getNonce("pending");
      const sent = [];
      for (const [k, s] of series.entries()) {
        const feed = feeds[c.deployment.assets.findIndex((a) => `${a.symbol}/${QUOTE}` === s.symbol)]!;
        // A fixed gas limit: no estimate against a pending block whose time is not yet known.
        sent.push(
          await feed.getFunction("setAnswer")(priceToE8(closeAt(s, t)!), {
            nonce: nonce + k,
            gasLimit: 150_000,
          }),
        );
      }
      await jsonRpc(rpcUrl, "evm_mine");
      for (const tx of sent) await tx.wait();
    } finally {
      await jsonRpc(rpcUrl, "evm_setAutomine", [true]);
    }
  }

  /** Epoch end: one NAV report, unless this day's already settled the epoch before a restart. */
  async function settleEpoch(): Promise<void> {
    const epoch = await c.vault.currentEpoch();
    const cur = state.current!;
    if (cur.navEpoch !== undefined && epoch > BigInt(cur.navEpoch)) {
      line("nav", `epoch ${cur.navEpoch} already settled before the restart`);
      return;
    }
    cur.navEpoch = epoch.toString();
    saveRun();
    await engine.engine.reportNav(Number(epoch));
  }

  async function decideAndSignal(t: number): Promise<void> {
    const cur = state.current!;
    if (cur.signalSequence !== undefined) {
      // This day's signal was proposed before a restart: if it reached the chain, it is not redone.
      const seq = BigInt(cur.signalSequence);
      const topics = [L.getEvent("SignalAccepted")!.topicHash, L.getEvent("SignalRejected")!.topicHash];
      const found = await Promise.all(
        topics.map((topic) =>
          waitLog(ledgerAddr, topic, seq, c.deployment.contracts.TradeLedger!.block, 3_000),
        ),
      );
      if (found.some((l) => l !== undefined)) {
        line("signal", `#${seq} already on-chain (proposed before the restart): not decided again`);
        return;
      }
    }
    const holdings: Record<string, number> = {};
    for (const sym of SYMBOLS) {
      const q = total(sym);
      if (q > 0) holdings[`${sym}/${QUOTE}`] = q;
    }
    let capital = total(QUOTE);
    for (const [s, q] of Object.entries(holdings)) capital += q * lastPrice(s);
    const outcome = await wireDecision({
      source: { name: "data/", kind: "offline", load: async () => series },
      timeframe: "1d",
      provider: provider_,
      strategy,
      seed: 1,
      at: t,
      capital,
      holdings,
      runLog,
    });
    const { record, prices } = outcome;
    // Published before the proposal: a node fetches it by the hash the signal carries.
    const inputsHash = snapshots.put(snapshotOfDecision(outcome, strategy, providerSpec));
    // The nodes pack the weights with the same function: targets agree byte for byte.
    const { entries: weights, packed } = weightsToTargets(record.weights, (s) => assets.indexOf(s));
    const desc =
      weights.map(([a, b]) => `${assets.symbolOf(a)!.split("/")[0]} ${(b / 100).toFixed(1)}%`).join(" ") ||
      "all cash";
    line("decide", `run ${short(record.hash)} inputs ${short(inputsHash)} → ${desc}`);
    const [lastSig] = await c.ledger.sequences();
    const sequence = nextSequence("signal", lastSig);
    cur.signalSequence = sequence.toString();
    saveRun();
    const report = {
      configDigest: await domainDigest(),
      sequence,
      deadline: await deadline(),
      signal: {
        runHash: record.hash,
        inputsHash,
        modelHash: modelHashOf(record.models),
        timestamp: await reportTime(),
        flags: recompute ? 1 : 0, // bit 0: every signer re-computed the decision from its snapshot
        targets: packed,
      },
    };
    const from = await provider.getBlockNumber();
    const rs = await propose("signal", {
      report: reportToJson(report),
      context: {
        inputSnapshotRef: snapshotRef(inputsHash),
        referencePrices: weights.map(([a]) => ({
          asset: a,
          priceE8: priceToE8(prices[assets.symbolOf(a)!]!).toString(),
        })),
      },
    });
    const bad = refusals(rs);
    if (bad.length > 1) {
      line("signal", `#${report.sequence} not co-signed: nodes refused (${bad.join(", ")})`);
      return;
    }
    const acc = waitLog(ledgerAddr, L.getEvent("SignalAccepted")!.topicHash, report.sequence, from);
    const rej = waitLog(ledgerAddr, L.getEvent("SignalRejected")!.topicHash, report.sequence, from);
    const log = await Promise.race([acc.then((l) => l ?? rej), rej.then((l) => l ?? acc)]);
    if (!log) return line("signal", `#${report.sequence} co-signed but not on-chain within 20 s`);
    const e = L.parseLog(log)!;
    if (e.name === "SignalAccepted")
      line(
        "signal",
        `#${report.sequence} ACCEPTED on-chain block ${log.blockNumber} head ${short(e.args.getValue("head") as string)}`,
      );
    else
      line(
        "signal",
        `#${report.sequence} REJECTED on-chain: violation ${e.args.getValue("reason")} head ${short(e.args.getValue("head") as string)}`,
      );
  }
}

main().catch(async (err: unknown) => {
  line("fatal", err instanceof Error ? err.message : String(err));
  await shutdown(1);
});
