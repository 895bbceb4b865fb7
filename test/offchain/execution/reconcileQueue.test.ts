import { expect } from "chai";
import ccxt from "ccxt";
import { CcxtVenue } from "../../../offchain/execution/CcxtVenue.js";
import { MissingClientOrderIdError } from "../../../offchain/execution/errors.js";
import { expectClose } from "../../helpers/expectClose.js";
import { makeHarness, signal, SYMBOLS } from "./harness.js";
import type { Harness } from "./harness.js";

/** Every fill quantity the sink was sent, in order (a duplicate shows up twice). */
function reportedQuantities(h: Harness): bigint[] {
  return h.sink.executions.flatMap((e) => e.fills.map((f) => f.quantityE8));
}

/**
 * The venue's trade list goes down (every retry fails with a 503) while `down` is set, and only for
 * reads that would list a trade of `ofOrder` when given (other reads work).
 */
function tradeReads(h: Harness, ofOrder?: string): { down: boolean } {
  const ctl = { down: true };
  const real = h.ex.fetchMyTrades.bind(h.ex);
  h.ex.fetchMyTrades = async (symbol, since) => {
    const trades = await real(symbol, since);
    if (ctl.down && (ofOrder === undefined || trades.some((t) => t.order === ofOrder)))
      throw new ccxt.ExchangeNotAvailable("fake fetchMyTrades: 503");
    return trades;
  };
  return ctl;
}

describe("Reconcile queue: fills whose trades could not be read are never lost", function () {
  let h: Harness;
  afterEach(function () {
    h.cleanup();
  });

  it("an order whose trade reads fail through every retry is reported once the venue answers, once", async function () {
    h = makeHarness();
    const reads = tradeReads(h); // every retry of every trade read fails
    h.signals.push(signal(1, { 0: 2000 }));
    await h.engine.tick().catch(() => undefined); // today the cycle surfaces the failed read
    expect(h.ex.orders).to.have.length(1); // placed and filled at the venue
    expect(reportedQuantities(h)).to.deep.equal([]);
    expect(h.store.order("sgs1l0a0")!.status).to.equal("closed"); // placed: never "not-placed"
    // The venue answers again: the fill is reported late, through the normal report path.
    reads.down = false;
    await h.engine.tick();
    expect(reportedQuantities(h)).to.deep.equal([4_000_000n]); // 0.1 BTC, the venue's one trade
    expect(h.store.reconcileQueue()).to.deep.equal([]);
    await h.engine.tick();
    await h.engine.tick();
    expect(reportedQuantities(h)).to.deep.equal([4_000_000n]); // never twice
    expect(h.ex.orders).to.have.length(1); // and the order was never sent again
  });

  it("the queue is durable: a restarted engine on the same store reports the lost fills, once", async function () {
    h = makeHarness();
    const reads = tradeReads(h);
    h.signals.push(signal(1, { 0: 2000 }));
    await h.engine.tick().catch(() => undefined);
    await h.engine.tick().catch(() => undefined); // still down at the next cycle
    expect(reportedQuantities(h)).to.deep.equal([]);

    const engine = h.restart(); // a new process, same data directory
    reads.down = false;
    await engine.tick();
    expect(reportedQuantities(h)).to.deep.equal([4_000_000n]);
    expect(h.store.reconcileQueue()).to.deep.equal([]);
    h.restart();
    await h.engine.tick();
    expect(reportedQuantities(h)).to.deep.equal([4_000_000n]);
    expect(h.ex.orders).to.have.length(1);
  });

  it('a store written before the queue existed: orders the old bug left "not-placed" are recovered', async function () {
    h = makeHarness();
    const reads = tradeReads(h);
    h.signals.push(signal(1, { 0: 2000 }));
    await h.engine.tick().catch(() => undefined);
    // What the old engine left behind: the placed order marked "not-placed", and no queue table.
    h.store.db.exec(`DROP TABLE IF EXISTS reconcile_queue`);
    h.store.db.exec(`UPDATE orders SET status = 'not-placed'`);
    reads.down = false;
    const engine = h.restart(); // opening the store migrates it: every order with a venue id is queued
    await engine.tick();
    expect(h.store.order("sgs1l0a0")!.status).to.equal("closed");
    expect(reportedQuantities(h)).to.deep.equal([4_000_000n]);
    expect(h.store.reconcileQueue()).to.deep.equal([]);
    expect(h.ex.orders).to.have.length(1);
  });

  it("a trade read that returns fewer trades than the venue says filled: read again until they add up", async function () {
    h = makeHarness();
    h.signals.push(signal(1, { 0: 2000 }));
    const real = h.ex.fetchMyTrades.bind(h.ex);
    let hideTrades = true;
    h.ex.fetchMyTrades = async (...a) => (hideTrades ? [] : real(...a)); // a lagging trade index
    await h.engine.tick();
    await h.engine.tick();
    expect(h.store.order("sgs1l0a0")!.status).to.equal("closed");
    expect(reportedQuantities(h)).to.deep.equal([]);
    hideTrades = false;
    await h.engine.tick();
    expect(reportedQuantities(h)).to.deep.equal([4_000_000n]);
    expect(h.store.reconcileQueue()).to.deep.equal([]);
  });

  it("while trades are missing, the reconciliation says so: trades-incomplete, not ok", async function () {
    h = makeHarness();
    h.signals.push(signal(1, { 0: 2000 }));
    const real = h.ex.fetchMyTrades.bind(h.ex);
    let hideTrades = true;
    h.ex.fetchMyTrades = async (...a) => (hideTrades ? [] : real(...a));
    await h.engine.tick();
    expect(h.store.reconcileQueue().map((q) => q.clientOrderId)).to.deep.equal(["sgs1l0a0"]);
    const r = await h.engine.reconcile();
    expect(r.ok).to.equal(false);
    expect(r.queue.map((q) => q.clientOrderId)).to.deep.equal(["sgs1l0a0"]);
    const d = r.divergences.find((x) => x.kind === "trades-incomplete")!;
    expect(d).to.include({ clientOrderId: "sgs1l0a0", venue: 0.04, books: 0 });
    // and the position the unread buy explains is reported as well, not hidden
    expect(r.divergences.map((x) => x.kind)).to.include("position");
    hideTrades = false;
    expect((await h.engine.reconcile()).ok).to.equal(true);
  });

  it("fills of a later signal wait for an earlier signal's unread trades: the ledger sees them in order", async function () {
    h = makeHarness();
    const reads = tradeReads(h, "1"); // the BTC trade list (it holds order 1's trade) stays down
    h.signals.push(signal(1, { 0: 2000 }));
    await h.engine.tick().catch(() => undefined);
    h.clock.advance(60_000);
    h.signals.push(signal(2, { 1: 2000 })); // sell the BTC, buy ETH
    await h.engine.tick().catch(() => undefined);
    await h.engine.tick().catch(() => undefined);
    expect(h.ex.orders.map((o) => o.clientOrderId)).to.include.members(["sgs2l0a0", "sgs2l1a0"]);
    // Nothing of signal 2 goes out while signal 1's buy is unread: the ledger would see a sell first.
    expect(h.sink.executions.map((e) => e.signalSequence)).to.deep.equal([]);
    const r = await h.engine.reconcile();
    expect(r.heldBack.map((x) => x.signalSequence)).to.deep.equal([2]);
    reads.down = false;
    await h.engine.tick();
    expect(h.sink.executions.map((e) => e.signalSequence)).to.deep.equal([1n, 2n]);
    expect(reportedQuantities(h).filter((q) => q === 4_000_000n || q === -4_000_000n)).to.have.length(2);
  });
});

describe("Reconciliation: venue vs the engine's books (trades, positions, balances)", function () {
  let h: Harness;
  afterEach(function () {
    h.cleanup();
  });

  it("agrees after normal trading", async function () {
    h = makeHarness();
    h.signals.push(signal(1, { 0: 2000, 1: 2000 }));
    await h.engine.tick();
    await h.engine.tick();
    const r = await h.engine.reconcile();
    expect(r.divergences).to.deep.equal([]);
    expect(r.ok).to.equal(true);
    expect(r.positions.map((p) => p.symbol)).to.deep.equal(SYMBOLS);
  });

  it("a venue position or cash balance the books cannot explain is reported, not papered over", async function () {
    const reports: unknown[] = [];
    h = makeHarness({
      reconcileEveryMs: 60_000,
      onReconciliation: (r) => reports.push(r),
    });
    h.signals.push(signal(1, { 0: 2000 }));
    await h.engine.tick();
    await h.engine.tick();
    expect((await h.engine.reconcile()).ok).to.equal(true);
    // Someone moves coins on the account outside the engine (or a fill the venue never lists).
    h.ex.balances["BTC"] = (h.ex.balances["BTC"] ?? 0) + 0.05;
    h.ex.balances["USDT"] = (h.ex.balances["USDT"] ?? 0) - 123;
    const r = await h.engine.reconcile();
    expect(r.ok).to.equal(false);
    const btc = r.divergences.find((d) => d.kind === "position" && d.symbol === "BTC/USDT")!;
    expect(btc).to.not.equal(undefined);
    expectClose(btc.venue! - btc.books!, 0.05, 1e-9);
    const cash = r.divergences.find((d) => d.kind === "cash")!;
    expectClose(cash.venue! - cash.books!, -123, 1e-6);
    expect(h.events.some((e) => e.event === "reconciliation-divergence")).to.equal(true);
    // Nothing was invented: no fill stands for the unexplained coins.
    expect(h.sink.executions.flatMap((e) => e.fills)).to.have.length(1);
    // The periodic run (venue time) hands the same report to the operator hook.
    h.clock.advance(60_000);
    await h.engine.tick();
    expect(reports.length).to.be.greaterThan(0);
    const last = reports.at(-1) as { ok: boolean; divergences: { kind: string }[] };
    expect(last.ok).to.equal(false);
    expect(last.divergences.map((d) => d.kind)).to.include("position");
    expect(h.engine.lastReconciliation?.ok).to.equal(false);
  });

  it("a venue trade of one of our orders missing from the books is recorded and reported late", async function () {
    h = makeHarness({ orderType: "limit", staleOrderMs: 10 * 60_000 });
    h.signals.push(signal(1, { 0: 2000 }));
    await h.engine.tick();
    expect(h.store.order("sgs1l0a0")!.status).to.equal("open");
    // The order fills and is closed at the venue; its state read works but the trade list fails.
    h.ex.fillOpen("BTC/USDT");
    const reads = tradeReads(h);
    await h.engine.tick().catch(() => undefined);
    expect(h.store.order("sgs1l0a0")!.status).to.equal("closed");
    expect(h.sink.executions).to.have.length(0);
    reads.down = false;
    const r = await h.engine.reconcile();
    expect(r.repaired.map((x) => x.tradeId)).to.deep.equal(["t1"]);
    await h.engine.tick();
    expect(reportedQuantities(h)).to.deep.equal([4_000_000n]);
    expect((await h.engine.reconcile()).ok).to.equal(true);
  });

  it("a venue trade that belongs to no order of ours is reported as foreign, never booked", async function () {
    h = makeHarness();
    h.signals.push(signal(1, { 0: 2000 }));
    await h.engine.tick();
    h.ex.trades.push({
      id: "x9",
      order: "999",
      symbol: "BTC/USDT",
      side: "buy",
      amount: 0.01,
      price: 50_000,
      fee: { cost: 0.5, currency: "USDT" },
      timestamp: h.clock.now(),
    });
    const r = await h.engine.reconcile();
    const foreign = r.divergences.find((d) => d.kind === "foreign-trade")!;
    expect(foreign).to.include({ tradeId: "x9", symbol: "BTC/USDT" });
    expect(h.store.fillsOf("sgs1l0a0").map((f) => f.tradeId)).to.deep.equal(["t1"]);
  });
});

describe("Client order ids: no order leaves without one", function () {
  let h: Harness;
  afterEach(function () {
    h.cleanup();
  });

  it("the venue refuses to send an order without a valid client order id (typed, before the POST)", async function () {
    h = makeHarness();
    const venue = new CcxtVenue({ exchange: h.ex, symbols: SYMBOLS, quote: "USDT", clock: h.clock });
    for (const bad of [undefined, "", "has space", "x".repeat(41)]) {
      let caught: unknown;
      try {
        await venue.placeOrder({
          clientOrderId: bad as unknown as string,
          symbol: "BTC/USDT",
          side: "buy",
          quantity: 0.01,
          type: "market",
          reason: "rebalance",
        });
      } catch (e) {
        caught = e;
      }
      expect(caught, String(bad)).to.be.instanceOf(MissingClientOrderIdError);
    }
    expect(h.ex.calls["createOrder"] ?? 0).to.equal(0);
    expect(h.ex.orders).to.have.length(0);
  });
});
