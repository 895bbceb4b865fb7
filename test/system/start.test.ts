import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { expect } from "chai";
import {
  Contract,
  JsonRpcProvider,
  keccak256,
  parseUnits,
  toUtf8Bytes,
  Wallet,
  type Interface,
} from "ethers";
import { readJournal } from "../../offchain/devchain/ChainJournal.js";
import { startLocalNode } from "../../offchain/devchain/localNode.js";
import { replayJournal } from "../../offchain/devchain/replayJournal.js";
import { loadEngineKeystore } from "../../offchain/engine/engineKeystore.js";
import { proposalAuthDomain, proposalPath } from "../../offchain/protocol/proposalAuth.js";
import { ProposalSigner } from "../../offchain/protocol/ProposalSigner.js";
import { Stream } from "../../offchain/protocol/reportTypes.js";
import { packTargets } from "../../offchain/protocol/targets.js";
import type { WeexSimState } from "../../offchain/venue/weex/SimState.js";
import { loadSimState } from "../../offchain/venue/weex/simStateFile.js";
import { TradeLedger__factory } from "../../types/ethers-contracts/index.js";

const ROOT = resolve(import.meta.dirname, "../..");
const TSX = join(ROOT, "node_modules/tsx/dist/cli.mjs");

/** Runs `scripts/start.ts` as its own process group (so every child it spawns can be killed). */
function runSystem(
  stateDir: string,
  args: string[],
): { child: ChildProcess; out: string[]; done: Promise<number> } {
  const child = spawn(process.execPath, [TSX, "scripts/start.ts", ...args], {
    cwd: ROOT,
    env: { ...process.env, SIGIL_STATE_DIR: stateDir },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const out: string[] = [];
  child.stdout!.on("data", (b: Buffer) => out.push(b.toString("utf8")));
  child.stderr!.on("data", (b: Buffer) => out.push(b.toString("utf8")));
  const done = new Promise<number>((r) => child.once("exit", (code) => r(code ?? -1)));
  return { child, out, done };
}

/** The sequence a stranger's proposal claims: far ahead, so had it landed, it would be visible on-chain. */
const STRANGER_SEQUENCE = 1_000n;

/**
 * Once the oracle nodes are up, a stranger sends each of them a well-formed signal proposal (the current
 * config digest, a fresh decision time, a feed's own price): signed with its own key, and unsigned.
 * Returns the stranger's address.
 */
async function strangerProposes(
  stateDir: string,
  run: { child: ChildProcess; out: string[] },
): Promise<string> {
  while (!/oracle\s+3 nodes up/.test(run.out.join(""))) {
    if (run.child.exitCode !== null) throw new Error(`npm start ended before its nodes were up`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const dep = JSON.parse(readFileSync(join(stateDir, "deployment.json"), "utf8")) as {
    chainId: number;
    contracts: { OracleRegistry: { address: string } };
    assets: Array<{ feed: string }>;
  };
  const configs = [0, 1, 2].map(
    (i) =>
      JSON.parse(readFileSync(join(stateDir, `oracle-${i}`, "config.json"), "utf8")) as {
        rpcUrl: string;
        http: { port: number };
      },
  );
  const provider = new JsonRpcProvider(configs[0]!.rpcUrl, undefined, { staticNetwork: true });
  try {
    const registry = new Contract(
      dep.contracts.OracleRegistry.address,
      ["function configDigest() view returns (bytes32)", "function operators() view returns (address[])"],
      provider,
    );
    const feed = new Contract(
      dep.assets[0]!.feed,
      ["function latestRoundData() view returns (uint80, int256, uint256, uint256, uint80)"],
      provider,
    );
    const [, price] = (await feed.getFunction("latestRoundData")()) as [bigint, bigint];
    const now = BigInt(Math.floor(Date.now() / 1000));
    const chainNow = BigInt((await provider.getBlock("latest"))!.timestamp);
    const body = {
      report: {
        configDigest: (await registry.getFunction("configDigest")()) as string,
        sequence: STRANGER_SEQUENCE.toString(),
        deadline: ((chainNow > now ? chainNow : now) + 120n).toString(),
        signal: {
          runHash: keccak256(toUtf8Bytes("made-up run")),
          inputsHash: keccak256(toUtf8Bytes("made-up inputs")),
          modelHash: keccak256(toUtf8Bytes("made-up model")),
          timestamp: ((chainNow < now ? chainNow : now) - 1n).toString(),
          flags: 0,
          targets: packTargets([[0, 1_000]]).toString(),
        },
      },
      context: {
        inputSnapshotRef: `snapshot://${keccak256(toUtf8Bytes("made-up inputs"))}`,
        referencePrices: [{ asset: 0, priceE8: price.toString() }],
      },
    };
    const stranger = new ProposalSigner(
      Wallet.createRandom(),
      proposalAuthDomain(BigInt(dep.chainId), dep.contracts.OracleRegistry.address),
    );
    const health = await Promise.all(
      configs.map(async (c) => {
        const url = `http://127.0.0.1:${c.http.port}`;
        const h = (await (await fetch(`${url}/health`)).json()) as { address: string };
        return { url, address: h.address };
      }),
    );
    const signed = await stranger.postAll(health, Stream.Signal, body);
    const unsigned = await Promise.all(
      health.map((n) =>
        fetch(n.url + proposalPath(Stream.Signal), {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        }),
      ),
    );
    for (const r of signed) expect(r.status, JSON.stringify(r.body)).to.equal(403);
    for (const r of unsigned) expect(r.status).to.equal(401);
    return stranger.address;
  } finally {
    provider.destroy();
  }
}

describe("npm start: the whole system, locally", function () {
  this.timeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), "sigil-system-"));
  let run: ReturnType<typeof runSystem> | undefined;
  let chain: ChildProcess | undefined;
  /** Console text of every run, in order. */
  const outputs: string[] = [];

  after(() => {
    // Whatever happened, no child of the system survives the test (negative pid: the process group).
    if (run?.child.pid && run.child.exitCode === null) {
      try {
        process.kill(-run.child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    chain?.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  const orderIds = (text: string) =>
    [...text.matchAll(/^\s*[\d.]+s \S+\s+order\s+(\S+)\s/gm)].map((m) => m[1]!);
  const signalSeqs = (text: string) =>
    [...text.matchAll(/signal\s+#(\d+) (?:ACCEPTED|REJECTED) on-chain/g)].map((m) => Number(m[1]));

  it("runs decisions through the oracle nodes to the chain and the simulator, and settles an epoch", async function () {
    run = runSystem(dir, ["--fresh", "--days", "4", "--day-ms", "1200", "--epoch-days", "2"]);
    const attack = strangerProposes(dir, run);
    attack.catch(() => undefined); // awaited below, once the run is over
    const code = await run.done;
    const text = run.out.join("");
    expect(code, text).to.equal(0);
    const stranger = await attack;
    // Signals co-signed by the nodes and accepted by the TradeLedger (lines print on-chain events).
    expect(text).to.match(/signal\s+#1 ACCEPTED on-chain/);
    // Fills recorded in the ledger (TradeRecorded events) after orders on the simulator.
    expect(text).to.match(/ledger\s+exec #1 sig #1/);
    // Orders walk a shallow book: an order fills in several trades, each a fill the nodes checked.
    expect(text).to.match(/ledger\s+exec #\d+ sig #\d+ \S+ ([2-9]|\d\d+) fills/);
    expect(text).to.match(/order\s+\S+\s+buy .* closed filled/);
    // Epoch settled by a co-signed NAV report (EpochSettled event).
    expect(text).to.match(/nav\s+epoch 2 settled/);
    // Client order ids are unique within the run (the simulator refuses duplicates as well).
    const ids = [...text.matchAll(/^\s*[\d.]+s \S+\s+order\s+(\S+)\s/gm)].map((m) => m[1]);
    expect(ids.length).to.be.greaterThan(0);
    expect(new Set(ids).size).to.equal(ids.length);
    expect(text).to.match(/all children stopped/);
    // Every node refused the stranger's proposals, and the console and each node's log say why (that
    // none landed is checked on the replayed chain, below).
    for (let i = 0; i < 3; i++) {
      expect(text).to.match(
        new RegExp(`refused\\s+oracle-${i} refused a signal proposal from ${stranger}: unknown_proposer`),
      );
      expect(text).to.match(
        new RegExp(`refused\\s+oracle-${i} refused a signal proposal \\(unsigned\\): unauthenticated`),
      );
      const log = readFileSync(join(dir, `oracle-${i}`, "node.log"), "utf8");
      expect(log).to.match(/"msg":"proposal refused","stream":"signal","reason":"unknown_proposer"/);
      expect(log).to.include(stranger);
    }
    // The engine signs with a key of its own, kept encrypted in the state dir and written nowhere else.
    const engine = await loadEngineKeystore(
      join(dir, "engine", "keystore.json"),
      readFileSync(join(dir, "engine", "password"), "utf8").trim(),
    );
    expect(text).to.include(`proposals signed by engine ${engine.address}`);
    const key = engine.privateKey.slice(2).toLowerCase();
    for (const f of ["chain.log", "oracle-0/node.log", "oracle-0/config.json", "engine/keystore.json"])
      expect(readFileSync(join(dir, f), "utf8").toLowerCase(), f).to.not.include(key);
    expect(text.toLowerCase()).to.not.include(key);
    outputs.push(text);
  });

  it("a restart resumes the run: chain rebuilt, clock continued, nothing proposed or ordered twice", async function () {
    run = runSystem(dir, ["--days", "3", "--day-ms", "1200", "--epoch-days", "2"]);
    const code = await run.done;
    const text = run.out.join("");
    expect(code, text).to.equal(0);
    expect(text).to.match(
      /chain\s+rebuilt from .*chain\.jsonl: \d+ blocks, \d+ transactions in \d+ ms, state roots equal/,
    );
    expect(text).to.match(/resumed after 4 trading days at 2023-01-20/);
    expect(text).to.match(/deploy\s+resumed: contracts of the previous run/);
    // No second deposit or custody move, and the replay clock goes on from the fifth day.
    expect(text).to.not.match(/requested a deposit|vault → venue/);
    expect(text).to.match(/2023-01-20 decide/);
    expect(text).to.not.match(/2023-01-1\d decide/);
    // Sequences continue on-chain; epoch 3 settles (day 6 of the run).
    const before = signalSeqs(outputs.join(""));
    const after = signalSeqs(text);
    expect(after.length).to.be.greaterThan(0);
    expect(Math.min(...after)).to.be.greaterThan(Math.max(...before));
    expect(text).to.match(/nav\s+epoch \d+ settled/);
    const ids = orderIds(outputs.join("") + text);
    expect(new Set(ids).size).to.equal(ids.length);
    outputs.push(text);
  });

  it("Ctrl-C finishes the trading day and stops everything in order; the next start resumes after it", async function () {
    run = runSystem(dir, ["--days", "20", "--day-ms", "1500", "--epoch-days", "2"]);
    const current = run;
    // Interrupt in the middle of a trading day: once its signal is on-chain, before its orders.
    await new Promise<void>((res, rej) => {
      const t = setInterval(() => {
        if (/signal\s+#\d+ (ACCEPTED|REJECTED)/.test(current.out.join(""))) {
          clearInterval(t);
          current.child.kill("SIGINT");
          res();
        }
        if (current.child.exitCode !== null) {
          clearInterval(t);
          rej(new Error(current.out.join("")));
        }
      }, 20);
    });
    expect(await run.done, run.out.join("")).to.equal(0);
    const stopped = run.out.join("");
    expect(stopped).to.match(/finishing the current trading day, then stopping/);
    expect(stopped).to.match(/replayed 1 trading days/);
    expect(stopped).to.match(/all children stopped/);
    outputs.push(stopped);

    run = runSystem(dir, ["--days", "2", "--day-ms", "1200", "--epoch-days", "2"]);
    expect(await run.done, run.out.join("")).to.equal(0);
    const resumed = run.out.join("");
    expect(resumed).to.match(/resumed after 8 trading days at 2023-01-24/);
    outputs.push(resumed);
    const all = outputs.join("");
    const ids = orderIds(all);
    expect(new Set(ids).size).to.equal(ids.length);
    const seqs = signalSeqs(all);
    expect(new Set(seqs).size).to.equal(seqs.length);
    // One decision per trading day across all the runs.
    const days = [...all.matchAll(/(\d{4}-\d{2}-\d{2}) decide/g)].map((m) => m[1]!);
    expect(new Set(days).size).to.equal(days.length);
    expect(days).to.have.length(10);
  });

  it("killed outright mid-day (every process, SIGKILL), the next start finishes that day without redoing it", async function () {
    run = runSystem(dir, ["--days", "20", "--day-ms", "1500", "--epoch-days", "2"]);
    const current = run;
    // Once the day's orders are going out: the signal is on-chain, the venue has acknowledged orders.
    await new Promise<void>((res, rej) => {
      const t = setInterval(() => {
        if (/order\s+\S+\s+(buy|sell)/.test(current.out.join(""))) {
          clearInterval(t);
          process.kill(-current.child.pid!, "SIGKILL");
          res();
        }
        if (current.child.exitCode !== null) {
          clearInterval(t);
          rej(new Error(current.out.join("")));
        }
      }, 5);
    });
    await run.done;
    const killed = run.out.join("");
    const day = /(\d{4}-\d{2}-\d{2}) decide/.exec(killed)![1]!;
    const seq = /signal\s+#(\d+) ACCEPTED/.exec(killed)![1]!;
    outputs.push(killed);

    run = runSystem(dir, ["--days", "1", "--day-ms", "1200", "--epoch-days", "2"]);
    expect(await run.done, run.out.join("")).to.equal(0);
    const resumed = run.out.join("");
    expect(resumed).to.match(
      new RegExp(`resumed after \\d+ trading days at ${day} \\(that day was under way`),
    );
    expect(resumed).to.match(
      new RegExp(`signal\\s+#${seq} already on-chain \\(proposed before the restart\\): not decided again`),
    );
    expect(resumed).to.not.match(/decide /);
    outputs.push(resumed);
    const ids = orderIds(outputs.join(""));
    expect(new Set(ids).size).to.equal(ids.length);
  });

  it("the journaled chain, replayed, records every venue fill exactly once", async function () {
    const journal = readJournal(join(dir, "chain.jsonl"));
    const node = await startLocalNode({ genesisTime: journal.header.genesisTime });
    chain = node.child;
    const url = node.url;
    await replayJournal(url, journal);
    const deployment = JSON.parse(readFileSync(join(dir, "deployment.json"), "utf8")) as {
      contracts: { TradeLedger: { address: string; block: number } };
    };
    const provider = new JsonRpcProvider(url, undefined, { staticNetwork: true });
    const ledger: Interface = TradeLedger__factory.createInterface();
    const logs = await provider.getLogs({
      address: deployment.contracts.TradeLedger.address,
      topics: [ledger.getEvent("TradeRecorded")!.topicHash],
      fromBlock: deployment.contracts.TradeLedger.block,
    });
    const recorded = logs
      .map((l) => ledger.parseLog(l)!.args.getValue("record") as { orderRef: string; quantityE8: bigint })
      .map((r) => `${r.orderRef}:${r.quantityE8 < 0n ? -r.quantityE8 : r.quantityE8}`)
      .sort();
    const sim = loadSimState(join(dir, "weex-sim.json"))!;
    const venue = simFills(sim)
      .map((f) => `${keccak256(toUtf8Bytes(f.clientOrderId))}:${f.qtyE8}`)
      .sort();
    expect(recorded.length).to.be.greaterThan(0);
    expect(recorded).to.deep.equal(venue);
    // The stranger's signal (first run) never reached the chain: no verdict for its sequence, and the
    // engine's sequences went on undisturbed below it.
    const verdicts = await provider.getLogs({
      address: deployment.contracts.TradeLedger.address,
      topics: [[ledger.getEvent("SignalAccepted")!.topicHash, ledger.getEvent("SignalRejected")!.topicHash]],
      fromBlock: deployment.contracts.TradeLedger.block,
    });
    const sequences = verdicts.map((l) => BigInt(l.topics[1]!));
    expect(sequences.length).to.be.greaterThan(0);
    expect(sequences.every((q) => q < STRANGER_SEQUENCE)).to.equal(true);
    provider.destroy();
  });
});

/** The venue's fills as the ledger keys them: hash of the client order id, quantity in 1e-8. */
function simFills(sim: WeexSimState): Array<{ clientOrderId: string; qtyE8: bigint }> {
  const orders = new Map(sim.orders.map((o) => [o.orderId, o]));
  return sim.fills.map((f) => ({
    clientOrderId: orders.get(f.orderId)!.clientOrderId,
    qtyE8: parseUnits(Number(f.qty).toFixed(8), 8),
  }));
}
