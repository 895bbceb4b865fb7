import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ManualClock } from "../../../offchain/data/Clock.js";
import { AssetList } from "../../../offchain/execution/AssetList.js";
import { CcxtVenue, createCcxtExchange } from "../../../offchain/execution/CcxtVenue.js";
import { ExecutionEngine } from "../../../offchain/execution/ExecutionEngine.js";
import { executionLimits } from "../../../offchain/execution/ExecutionLimits.js";
import { MissingClientOrderIdError } from "../../../offchain/execution/errors.js";
import { HeartbeatWatchdog } from "../../../offchain/execution/HeartbeatWatchdog.js";
import { InMemoryReportSink } from "../../../offchain/execution/InMemoryReportSink.js";
import { InMemorySignalSource } from "../../../offchain/execution/InMemorySignalSource.js";
import { StaticKillLevel } from "../../../offchain/execution/KillLevelSource.js";
import { OrderStore } from "../../../offchain/execution/OrderStore.js";
import type { TradingVenue } from "../../../offchain/execution/TradingVenue.js";
import { VenueCredentials } from "../../../offchain/execution/VenueCredentials.js";
import { packTargets } from "../../../offchain/protocol/targets.js";
import { KillLevel } from "../../../offchain/strategy/KillLevel.js";
import type { WeexSimulator } from "../../../offchain/venue/weex/WeexSimulator.js";
import { expectClose } from "../../helpers/expectClose.js";
import { H } from "../data/helpers.js";
import { startTradingSimulator, VAULT } from "../venue/weexTradingHelpers.js";

const T0 = Date.UTC(2023, 5, 1, 12, 30);
const ORDER = "POST /api/v3/order";
const ETH = "ETH/USDT";
const sig = (sequence: number, bps: number) => ({
  sequence,
  targets: packTargets(bps === 0 ? [] : [[0, bps]]),
  timestamp: Math.floor(T0 / 1000),
});

/** Paper mode exactly as wired: the real ccxt `weex` class → the WEEX simulator. */
describe("Execution faults: the engine against the WEEX simulator through real ccxt", function () {
  let clock: ManualClock;
  let sim: WeexSimulator;
  let dir: string;
  let store: OrderStore;
  let signals: InMemorySignalSource;
  let kill: StaticKillLevel;
  let sink: InMemoryReportSink;
  let venue: CcxtVenue;
  const waits: number[] = [];

  function build(
    v: TradingVenue = venue,
    over: Partial<ConstructorParameters<typeof ExecutionEngine>[0]> = {},
  ) {
    return new ExecutionEngine({
      venue: v,
      store,
      assets: new AssetList([{ index: 0, symbol: ETH }]),
      signals,
      killLevel: kill,
      limits: executionLimits({ maxOrderNotional: 50_000, maxAssetNotional: 100_000 }),
      clock,
      namespace: "sg",
      reports: sink,
      ...over,
    });
  }

  function newVenue(timeoutMs = 2_000): CcxtVenue {
    const exchange = createCcxtExchange({
      urls: sim.ccxtUrls() as unknown as Record<string, unknown>,
      credentials: new VenueCredentials("trading", {
        apiKey: VAULT.apiKey,
        secret: VAULT.secret,
        password: VAULT.passphrase,
      }),
      enableRateLimit: false,
      timeoutMs,
    });
    return new CcxtVenue({
      exchange,
      symbols: [ETH],
      quote: "USDT",
      clock,
      alignSigningClock: false, // replayed market time, wall-clock signatures
      onRetry: (i) => waits.push(i.waitMs),
    });
  }

  beforeEach(async function () {
    clock = new ManualClock(T0);
    sim = await startTradingSimulator(() => clock.now(), {
      trading: { restingFillShare: 0.0001, depthLevels: 20 },
    });
    dir = mkdtempSync(join(tmpdir(), "sigil-exec-sim-"));
    store = OrderStore.inDir(dir);
    signals = new InMemorySignalSource();
    kill = new StaticKillLevel();
    sink = new InMemoryReportSink();
    venue = newVenue();
    waits.length = 0;
  });
  afterEach(async function () {
    store.close();
    await venue.close();
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const eth = async () => (await venue.refreshAccount()).positions[ETH] ?? 0;

  it("trades a signal end to end: partial fills across book refreshes, fees in base, one report per signal", async function () {
    const engine = build();
    signals.push(sig(1, 4000));
    const first = await engine.tick();
    expect(first!.placed).to.have.length(1);
    const o = store.order("sgs1l0a0")!;
    expect(o.status).to.equal("canceled"); // the book could not take it all: rest cancelled
    expect(o.filled).to.be.greaterThan(0).and.lessThan(o.quantity);
    let result = first;
    for (let i = 0; i < 6 && !result!.complete; i++) {
      clock.advance(1000); // a fresh book second
      result = await engine.tick();
    }
    expect(result!.complete).to.equal(true);
    const fills = sink.executions.flatMap((e) => e.fills);
    const bought = fills.reduce((s, f) => s + f.quantityE8, 0n);
    // Venue position = start + sum of fills − fees taken in ETH.
    const feesEth = fills.reduce((s, f) => s + Number(f.feeE8) / 1e8 / (Number(f.priceE8) / 1e8), 0);
    expectClose(await eth(), 10 + Number(bought) / 1e8 - feesEth, 1e-6);
    expect(new Set(sink.executions.map((e) => e.signalSequence))).to.deep.equal(new Set([1n]));
    expect(sim.faults.count(ORDER)).to.equal(store.allOrders().length); // one POST per client order id
  });

  it("honours a 429's Retry-After on an order POST and places the order once", async function () {
    const engine = build();
    sim.faults.inject(ORDER, { kind: "status", status: 429, retryAfter: "3" });
    signals.push(sig(1, 1500));
    await engine.tick();
    expect(clock.sleeps).to.include(3000);
    expect(waits).to.deep.equal([3000]);
    expect(sim.faults.count(ORDER)).to.equal(2); // refused once (not processed), then placed
    expect(store.order("sgs1l0a0")!.status).to.equal("closed");
  });

  it("retries a read that timed out", async function () {
    venue = newVenue(300);
    const engine = build();
    sim.faults.inject("GET /api/v3/account/", { kind: "hang" });
    signals.push(sig(1, 1500));
    await engine.tick();
    expect(sim.faults.count("GET /api/v3/account/")).to.be.greaterThan(1);
    expect(store.order("sgs1l0a0")!.status).to.equal("closed");
  });

  it("reconciles an unknown-outcome POST by client order id and never sends it again", async function () {
    const engine = build();
    sim.faults.inject(ORDER, { kind: "unknownOutcome", mode: "reset" });
    signals.push(sig(1, 1500));
    const r = await engine.tick();
    expect(r!.placed[0]!.status).to.equal("closed"); // found at the venue, with its fills
    expect(sim.faults.count(ORDER)).to.equal(1);
    expect(sink.executions.flatMap((e) => e.fills)).to.have.length.greaterThan(0);
    clock.advance(1000);
    expect((await engine.tick())!.complete).to.equal(true);
    expect(sim.faults.count(ORDER)).to.equal(1);
  });

  it("an unknown outcome the venue cannot clear yet blocks the leg until it can", async function () {
    const engine = build();
    sim.faults.inject(ORDER, { kind: "unknownOutcome", mode: "reset" });
    sim.faults.inject("GET /api/v3/order", { kind: "status", status: 503 }, 5);
    signals.push(sig(1, 1500));
    const r = await engine.tick();
    expect(store.order("sgs1l0a0")!.status).to.equal("unknown");
    expect(r!.working).to.deep.equal(["sgs1l0a0"]);
    const again = await engine.tick(); // reconciles first; nothing new is sent meanwhile
    expect(store.order("sgs1l0a0")!.status).to.equal("closed");
    expect(again!.placed).to.have.length(0);
    expect(sim.faults.count(ORDER)).to.equal(1);
  });

  it("killed mid-cycle and restarted: the persisted intent is found at the venue, nothing is duplicated", async function () {
    // The first process sends the POST and dies before it learns the answer.
    const dying: TradingVenue = Object.assign(Object.create(venue) as CcxtVenue, {
      placeOrder: async (o: Parameters<CcxtVenue["placeOrder"]>[0]) => {
        await venue.placeOrder(o);
        return new Promise<never>(() => {});
      },
    });
    signals.push(sig(1, 1500));
    void build(dying).tick();
    for (let i = 0; i < 50 && sim.faults.count(ORDER) === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(sim.faults.count(ORDER)).to.equal(1);
    expect(store.order("sgs1l0a0")!.status).to.equal("pending");
    signals = new InMemorySignalSource(); // the signal cursor was never acked
    signals.push(sig(1, 1500));
    store.close();
    store = OrderStore.inDir(dir);
    const engine = build();
    await engine.start();
    expect(store.order("sgs1l0a0")!.status).to.equal("closed");
    clock.advance(1000);
    const r = await engine.tick();
    expect(r!.placed).to.have.length(0);
    expect(r!.complete).to.equal(true);
    expect(sim.faults.count(ORDER)).to.equal(1);
    expect(sink.executions.flatMap((e) => e.fills).every((f) => f.asset === 0)).to.equal(true);
  });

  it("trade reads failing through every retry: the fills are reported once the venue answers, once, across a restart", async function () {
    const TRADES = "GET /api/v3/myTrades";
    let engine = build();
    sim.faults.inject(TRADES, { kind: "status", status: 503 }, Infinity); // until cleared
    signals.push(sig(1, 1500));
    await engine.tick().catch(() => undefined);
    expect(sim.faults.count(ORDER)).to.equal(1);
    expect(sink.executions.flatMap((e) => e.fills)).to.have.length(0);
    expect(store.order("sgs1l0a0")!.status).to.not.equal("not-placed"); // the venue booked it
    // A new process on the same store, the venue answering again.
    store.close();
    store = OrderStore.inDir(dir);
    sim.faults.clear(TRADES);
    signals = new InMemorySignalSource();
    signals.push(sig(1, 1500));
    engine = build();
    let r = await engine.tick();
    for (let i = 0; i < 6 && !r!.complete; i++) {
      clock.advance(1000);
      r = await engine.tick();
    }
    // Every venue fill of ours reported exactly once (the venue's trade ids are the fills' keys).
    const venueFills = sim.spot.fills.filter((f) => f.order.clientOrderId.startsWith("sg"));
    const reported = sink.executions.flatMap((e) => e.fills);
    expect(reported).to.have.length(venueFills.length);
    expect(
      store
        .allOrders()
        .flatMap((o) => store.fillsOf(o.clientOrderId))
        .map((f) => f.tradeId)
        .sort(),
    ).to.deep.equal(venueFills.map((f) => f.id).sort());
    // Venue position = start + reported quantities − the fees WEEX took in ETH (on buys).
    const traded = reported.reduce((a, f) => a + f.quantityE8, 0n);
    const feesEth = store
      .allOrders()
      .flatMap((o) => store.fillsOf(o.clientOrderId))
      .reduce((a, f) => a + f.feeBase, 0);
    expectClose(await eth(), 10 + Number(traded) / 1e8 - feesEth, 1e-6);
    expect(store.reconcileQueue()).to.deep.equal([]);
    expect(sim.faults.count(ORDER)).to.equal(store.allOrders().length); // nothing sent twice
    // The books agree with the venue, the fee WEEX took in ETH included.
    const rec = await engine.reconcile();
    expect(rec.divergences).to.deep.equal([]);
    expect(rec.ok).to.equal(true);
  });

  it("reconciliation reports a venue balance the books cannot explain", async function () {
    const reports: { ok: boolean; divergences: readonly { kind: string }[] }[] = [];
    const engine = build(venue, { onReconciliation: (x) => reports.push(x) });
    signals.push(sig(1, 1500));
    await engine.tick();
    expect((await engine.reconcile()).ok).to.equal(true);
    sim.credit("vault", "ETH", "0.5", "0xstray"); // coins arrive outside the engine (not custody)
    const r = await engine.reconcile();
    expect(r.ok).to.equal(false);
    const d = r.divergences.find((x) => x.kind === "position")!;
    expect(d.symbol).to.equal(ETH);
    expectClose(d.venue! - d.books!, 0.5, 1e-9);
    expect(reports.at(-1)!.ok).to.equal(false);
  });

  it("the engine never sends an order without a client order id", async function () {
    let caught: unknown;
    try {
      await venue.placeOrder({
        clientOrderId: "",
        symbol: ETH,
        side: "buy",
        quantity: 0.01,
        type: "market",
        reason: "rebalance",
      });
    } catch (e) {
      caught = e;
    }
    expect(caught).to.be.instanceOf(MissingClientOrderIdError);
    expect(sim.faults.count(ORDER)).to.equal(0);
    expect(sim.spot.orders).to.have.length(0);
  });

  it("kill switch raised mid-epoch: NoNewEntries stops entries, ReduceOnly cancels growing orders, Flatten closes", async function () {
    const engine = build(venue, { orderType: "limit", staleOrderMs: 10 * H });
    signals.push(sig(1, 3000));
    await engine.tick();
    expect(store.order("sgs1l0a0")!.status).to.equal("open"); // a limit buy resting at the last price
    kill.level = KillLevel.ReduceOnly;
    const reduce = await engine.tick();
    expect(store.order("sgs1l0a0")!.status).to.equal("canceled");
    expect(reduce!.placed).to.have.length(0);
    expect(reduce!.refusals.map((x) => x.kind)).to.include("kill-switch");
    kill.level = KillLevel.NoNewEntries;
    signals.push(sig(2, 500)); // reduce 10 ETH (≈16%) towards 5%: allowed
    const cut = await engine.tick();
    expect(cut!.placed.map((o) => o.side)).to.deep.equal(["sell"]);
    kill.level = KillLevel.Flatten;
    clock.advance(H);
    await engine.tick(); // no new signal: Flatten still closes everything, at market
    clock.advance(1000);
    await engine.tick();
    const left = await eth();
    const rules = (await venue.loadMarkets()).get(ETH)!;
    expect(left).to.be.lessThan(Math.max(rules.minAmount, 5 / 1800)); // only dust remains
    expect(store.allOrders().filter((o) => o.reason === "kill-switch").length).to.be.greaterThan(0);
  });

  it("heartbeat lost / WebSocket reconnect → REST resync picks up fills made meanwhile", async function () {
    const engine = build(venue, { orderType: "limit", staleOrderMs: 10 * H });
    const watchdog = new HeartbeatWatchdog({
      clock,
      timeoutMs: 30_000,
      onResync: (reason) => engine.requestResync(reason),
    });
    signals.push(sig(1, 3000));
    await engine.tick();
    expect(store.order("sgs1l0a0")!.status).to.equal("open");
    clock.set(T0 + 2 * H); // replayed candles trade through the limit while the stream is silent
    expect(watchdog.check()).to.equal(true);
    expect(watchdog.check()).to.equal(false); // once per outage
    await engine.tick();
    const o = store.order("sgs1l0a0")!;
    expect(o.filled).to.be.greaterThan(0);
    expect(store.fillsOf("sgs1l0a0").reduce((s, f) => s + f.amount, 0)).to.equal(o.filled);
    watchdog.reconnected(); // a reconnect always forces one more resync
    await engine.tick();
    expect(sim.faults.count(ORDER)).to.equal(1);
  });

  it("measures the venue clock offset with fetchTime", async function () {
    const behind = new ManualClock(T0 - 1500); // our clock runs 1.5 s behind the venue's
    const v = new CcxtVenue({
      exchange: createCcxtExchange({
        urls: sim.ccxtUrls() as unknown as Record<string, unknown>,
        enableRateLimit: false,
      }),
      symbols: [ETH],
      quote: "USDT",
      clock: behind,
      alignSigningClock: false,
    });
    expect(await v.fetchTime()).to.equal(T0);
    expect(v.clockOffsetMs).to.equal(1500);
    expect(v.venueNow()).to.equal(T0);
  });
});
