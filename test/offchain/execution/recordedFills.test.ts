import { expect } from "chai";
import { network } from "hardhat";
import type { ExecutionReportSink } from "../../../offchain/execution/ReportSinks.js";
import { LedgerFillIndex } from "../../../offchain/execution/LedgerFillIndex.js";
import { TRADE_LEDGER_EVENTS } from "../../../offchain/execution/LedgerSignalSource.js";
import type { Execution } from "../../../offchain/protocol/reportTypes.js";
import { fillHash } from "../../../offchain/protocol/signatures.js";
import { toFixed } from "../../../offchain/protocol/units.js";
import {
  deployFixture,
  executionReport,
  signalReport,
  submitExecution,
  submitSignal,
  type Fixture,
} from "../../helpers/sigilFixture.js";
import { makeHarness, signal } from "./harness.js";
import type { Harness } from "./harness.js";

/** Co-signs each execution and records it on the ledger; `crashAfterLanding` throws once it is mined. */
class LedgerSink implements ExecutionReportSink {
  readonly landed: Execution[] = [];
  crashAfterLanding = 0;
  constructor(private readonly f: Fixture) {}

  async submitExecution(execution: Execution): Promise<void> {
    const [, lastExecution] = await this.f.ledger.sequences();
    const report = await executionReport(
      this.f,
      lastExecution + 1n,
      execution.signalSequence,
      execution.fills,
    );
    await (await submitExecution(this.f, report)).wait();
    this.landed.push(execution);
    if (this.crashAfterLanding > 0) {
      this.crashAfterLanding--;
      // As if the process died here: on-chain, but the store never hears of it.
      throw new Error("killed after the report landed");
    }
  }
}

describe("Execution reports after a crash: fills the ledger holds are not recorded twice", function () {
  this.timeout(60_000);
  let conn: Awaited<ReturnType<typeof network.create>>;
  let f: Fixture;
  let h: Harness;
  let ledger: string;
  let signalSequence = 0n;

  before(async function () {
    conn = await network.create();
    f = await deployFixture(conn.ethers);
    ledger = await f.ledger.getAddress();
  });
  after(async function () {
    await conn.close();
  });
  afterEach(function () {
    h?.cleanup();
  });

  /** An accepted signal on-chain and the same one queued for the engine. */
  async function nextSignal(weights: Record<number, number>): Promise<number> {
    signalSequence++;
    const [assets, bps] = [Object.keys(weights).map(Number), Object.values(weights)];
    await (await submitSignal(f, await signalReport(f, signalSequence, assets, bps))).wait();
    h.signals.push(signal(Number(signalSequence), weights));
    return Number(signalSequence);
  }

  async function recordedOnChain(sequence: number): Promise<string[]> {
    const logs = await f.ledger.queryFilter(f.ledger.filters.TradeRecorded(undefined, sequence));
    return logs.map((l) => l.args.fillHash);
  }

  /** Venue trades the engine stored (one fill each in its reports). */
  function storedFills() {
    return h.store.allOrders().flatMap((o) => h.store.fillsOf(o.clientOrderId));
  }

  function harness(sink: LedgerSink, lookup: boolean): Harness {
    const made = makeHarness({
      reports: sink,
      ...(lookup
        ? { recordedFills: new LedgerFillIndex({ provider: conn.ethers.provider, address: ledger }) }
        : {}),
    });
    // Venue prices at the mock feeds': the fills break no limit, so the breaker stays at Normal.
    made.ex.prices["BTC/USDT"] = 42_000;
    made.ex.prices["ETH/USDT"] = 2_300;
    return made;
  }

  it("decodes TradeRecorded like the contract's ABI, and the TS fill hash is the ledger's", async function () {
    expect(TRADE_LEDGER_EVENTS.getEvent("TradeRecorded")!.topicHash).to.equal(
      f.ledger.interface.getEvent("TradeRecorded").topicHash,
    );
    const sink = new LedgerSink(f);
    h = harness(sink, true);
    const seq = await nextSignal({ 0: 2000, 1: 1500 });
    await h.engine.tick();
    expect(sink.landed).to.have.length(1);
    const sent = sink.landed[0]!.fills.map(fillHash);
    expect(await recordedOnChain(seq)).to.deep.equal(sent);
    const index = new LedgerFillIndex({ provider: conn.ethers.provider, address: ledger, maxRange: 2 });
    expect([...(await index.recordings(BigInt(seq))).keys()]).to.deep.equal(sent);
    expect(await index.recorded(BigInt(seq), sink.landed[0]!.fills)).to.deep.equal(new Set(sent));
    expect((await index.recordings(BigInt(seq) + 100n)).size).to.equal(0);
  });

  it("killed after the report landed, restarted: marks what is on-chain, sends only new fills, each recorded once", async function () {
    const sink = new LedgerSink(f);
    h = harness(sink, true);
    h.ex.liquidity["BTC/USDT"] = 0.01; // BTC fills partly: the rest comes after the restart
    const positionBefore = await f.ledger.position(0);
    const seq = await nextSignal({ 0: 2000, 1: 1500 });
    sink.crashAfterLanding = 1;
    await h.engine.tick();
    expect(sink.landed).to.have.length(1);
    expect(sink.landed[0]!.fills).to.have.length(2);
    expect(h.store.unreportedFills()).to.have.length(2); // the crash window

    delete h.ex.liquidity["BTC/USDT"];
    const engine = h.restart();
    await engine.tick();
    // The two landed fills were marked without a second report; the new BTC fill went out alone.
    expect(sink.landed).to.have.length(2);
    expect(sink.landed[1]!.fills).to.have.length(1);
    const marked = h.events.filter((e) => e.event === "fills-already-recorded");
    expect(marked).to.have.length(1);
    expect(marked[0]!.detail["tradeIds"]).to.have.length(2);
    await engine.tick();
    expect(sink.landed).to.have.length(2);

    const onChain = await recordedOnChain(seq);
    expect(onChain).to.have.length(3);
    expect(new Set(onChain).size).to.equal(3);
    expect(new Set(onChain)).to.deep.equal(new Set(sink.landed.flatMap((e) => e.fills.map(fillHash))));
    expect(storedFills()).to.have.length(3);
    expect(h.store.unreportedFills()).to.deep.equal([]);
    // The ledger's position is what the venue filled, not more.
    const btc = storedFills()
      .filter((s) => s.asset === 0)
      .reduce((sum, s) => sum + toFixed(s.amount, 8), 0n);
    expect((await f.ledger.position(0)) - positionBefore).to.equal(btc);
  });

  it("a batch found entirely on-chain is not sent at all", async function () {
    const sink = new LedgerSink(f);
    h = harness(sink, true);
    const seq = await nextSignal({ 1: 1000 });
    sink.crashAfterLanding = 1;
    await h.engine.tick();
    const engine = h.restart();
    expect(await engine.reportFills()).to.deep.equal([]);
    expect(sink.landed).to.have.length(1);
    expect(await recordedOnChain(seq)).to.have.length(1);
    expect(h.store.unreportedFills()).to.deep.equal([]);
  });

  it("without the lookup the same crash records the fills twice (what recordedFills prevents)", async function () {
    const sink = new LedgerSink(f);
    h = harness(sink, false);
    const seq = await nextSignal({ 1: 1000 });
    sink.crashAfterLanding = 1;
    await h.engine.tick();
    await h.restart().reportFills();
    const onChain = await recordedOnChain(seq);
    expect(onChain).to.have.length(2);
    expect(onChain[0]).to.equal(onChain[1]);
  });
});

describe("ExecutionEngine.reportFills with recordedFills (no chain)", function () {
  let h: Harness;
  afterEach(function () {
    h.cleanup();
  });

  it("a failed ledger lookup sends nothing and retries next tick", async function () {
    let fail = true;
    const asked: bigint[] = [];
    h = makeHarness({
      recordedFills: {
        recorded: async (sequence) => {
          asked.push(sequence);
          if (fail) throw new Error("rpc down");
          return new Set();
        },
      },
    });
    h.signals.push(signal(3, { 0: 2000 }));
    await h.engine.tick();
    expect(h.sink.executions).to.have.length(0);
    expect(h.events.find((e) => e.event === "report-failed")!.detail["error"]).to.match(
      /ledger lookup: rpc down/,
    );
    fail = false;
    await h.engine.reportFills();
    expect(h.sink.executions).to.have.length(1);
    expect(asked).to.deep.equal([3n, 3n]);
    expect(h.store.unreportedFills()).to.deep.equal([]);
  });

  it("merges trades identical in every reported field into one fill (the nodes refuse a fill twice)", async function () {
    h = makeHarness();
    const trade = {
      clientOrderId: "sgs9l0a0",
      signalSequence: 9,
      asset: 0,
      symbol: "BTC/USDT",
      side: "buy" as const,
      amount: 0.01,
      price: 50_000,
      fee: 0.5,
      timestamp: 1_767_614_400_000,
    };
    h.store.recordFill({ ...trade, tradeId: "t1" });
    h.store.recordFill({ ...trade, tradeId: "t2" });
    h.store.recordFill({ ...trade, tradeId: "t3", amount: 0.02 });
    const [ex] = await h.engine.reportFills();
    expect(ex!.fills.map((f) => [f.quantityE8, f.feeE8])).to.deep.equal([
      [2_000_000n, 100_000_000n],
      [2_000_000n, 50_000_000n],
    ]);
    expect(new Set(ex!.fills.map(fillHash)).size).to.equal(2);
    expect(h.store.unreportedFills()).to.deep.equal([]);
  });
});
