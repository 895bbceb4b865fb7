import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { expect } from "chai";
import { JsonRpcProvider, keccak256, parseUnits, toUtf8Bytes, type Interface } from "ethers";
import { readJournal } from "../../offchain/devchain/ChainJournal.js";
import { startLocalNode } from "../../offchain/devchain/localNode.js";
import { replayJournal } from "../../offchain/devchain/replayJournal.js";
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
    const code = await run.done;
    const text = run.out.join("");
    expect(code, text).to.equal(0);
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
    provider.destroy();
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
