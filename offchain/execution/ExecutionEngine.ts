import { keccak256, toUtf8Bytes } from "ethers";
import type { Clock } from "../data/Clock.js";
import type { AccountState, OrderReason, OrderRequest } from "../engine/ExecutionVenue.js";
import { canonicalJson } from "../runlog/canonicalJson.js";
import type { Execution, Fill as ReportFill, Nav } from "../protocol/reportTypes.js";
import { fillHash } from "../protocol/signatures.js";
import { unpackTargets } from "../protocol/targets.js";
import { msToSeconds, toTokenUnits, tradeToFillUnits } from "../protocol/units.js";
import { applyKillSwitch } from "../strategy/applyKillSwitch.js";
import { KillLevel } from "../strategy/KillLevel.js";
import type { AssetList } from "./AssetList.js";
import { clientOrderId, orderRef } from "./clientOrderId.js";
import {
  ExecutionError,
  OrderOutcomeUnknownError,
  OrderRejectedError,
  RetryableVenueError,
} from "./errors.js";
import { checkOrderLimits } from "./ExecutionLimits.js";
import type { ExecutionLimits, LegRefusal } from "./ExecutionLimits.js";
import type { KillLevelSource } from "./KillLevelSource.js";
import type { RecordedFills } from "./LedgerFillIndex.js";
import type { OrderStore, StoredOrder } from "./OrderStore.js";
import type { ExecutionReportSink, NavReportSink } from "./ReportSinks.js";
import type { AcceptedSignal, SignalSource } from "./SignalSource.js";
import type { MarketRules, TradingVenue, VenueOrder } from "./TradingVenue.js";

export interface ExecutionEngineOptions {
  readonly venue: TradingVenue;
  readonly store: OrderStore;
  readonly assets: AssetList;
  readonly signals: SignalSource;
  readonly killLevel: KillLevelSource;
  readonly limits: ExecutionLimits;
  readonly clock: Clock;
  /** Client order id namespace (letters/digits, ≤ 12): one per deployment and venue account. */
  readonly namespace: string;
  readonly reports: ExecutionReportSink;
  readonly navReports?: NavReportSink;
  /**
   * Fills the ledger already holds (`LedgerFillIndex`). When set, `reportFills()` marks fills found
   * on-chain as reported instead of sending them again: a crash after a report landed but before the
   * store marked it converges on the next tick instead of recording the fills twice.
   */
  readonly recordedFills?: RecordedFills;
  /** NAV (quote) that target weights are fractions of; default: venue equity marked at last prices. */
  readonly nav?: () => Promise<number>;
  /** Order type for rebalances (default market). Limit orders rest at the last price. */
  readonly orderType?: "market" | "limit";
  /** A resting limit order older than this (venue ms) is cancelled and re-sized (default 60 s). */
  readonly staleOrderMs?: number;
  /** Attempts per (signal, leg) before the leg is given up (default 5): nothing is chased forever. */
  readonly maxAttemptsPerLeg?: number;
  /** Decimals of the vault's stable asset, for the NAV payload (default 6). */
  readonly navDecimals?: number;
  /** The vault NAV reports settle (they name it, so no other vault accepts them); needed by `reportNav`. */
  readonly vault?: string;
  /** Structured log; receives no secrets. */
  readonly log?: (event: string, detail: Record<string, unknown>) => void;
}

/** What one cycle on one signal did. */
export interface CycleResult {
  readonly sequence: number;
  readonly killLevel: KillLevel;
  readonly placed: readonly StoredOrder[];
  readonly refusals: readonly LegRefusal[];
  /** Legs left alone because the remaining difference is below the market's minimum size/notional. */
  readonly dust: readonly string[];
  /** Orders still working (open, or outcome unknown and not yet reconciled). */
  readonly working: readonly string[];
  /** Nothing left to do for this signal: it has been acknowledged. */
  readonly complete: boolean;
}

const EPS = 1e-12;

/**
 * Accepted signals → orders → fills → execution reports, the same in paper, live and shadow (only
 * the venue differs). Each cycle: reconcile what the store does not know the outcome of, cancel
 * stale limit orders, read the kill level, balances and prices, size target-minus-current per leg,
 * check limits, and for each order write the intent (deterministic client order id) *before*
 * sending it. A POST with an unknown outcome is reconciled by client order id, never resent; a
 * signal is acknowledged when a cycle finds nothing left to do.
 */
export class ExecutionEngine {
  private rules: ReadonlyMap<string, MarketRules> = new Map();
  private started = false;
  private resyncNeeded = true;
  private lastSignal: AcceptedSignal | null = null;

  constructor(private readonly o: ExecutionEngineOptions) {}

  /** Syncs the clock offset and market rules, then reconciles everything the store left open. */
  async start(): Promise<void> {
    const last = this.o.store.getCursor("last-signal");
    if (last && !this.lastSignal) {
      const j = JSON.parse(last) as { sequence: number; targets: string; timestamp: number };
      this.lastSignal = { sequence: j.sequence, targets: BigInt(j.targets), timestamp: j.timestamp };
    }
    await this.o.venue.fetchTime();
    this.rules = await this.o.venue.loadMarkets();
    this.started = true;
    await this.resync();
  }

  /** Marks the local view as suspect (WebSocket reconnect, heartbeat lost): resync next tick. */
  requestResync(reason: string): void {
    this.resyncNeeded = true;
    this.log("resync-requested", { reason });
  }

  /** REST resync: orders by client order id, their fills, balances. */
  async resync(): Promise<void> {
    for (const order of this.o.store.liveOrders()) await this.reconcileOrder(order);
    await this.o.venue.refreshAccount();
    this.resyncNeeded = false;
    this.log("resynced", { live: this.o.store.liveOrders().length });
  }

  /**
   * One pass: resync if asked, execute the newest pending signal (older ones are superseded: targets
   * are absolute), enforce Flatten even without a signal, then report new fills.
   */
  async tick(): Promise<CycleResult | null> {
    if (!this.started) await this.start();
    if (this.resyncNeeded) await this.resync();
    const pending = await this.o.signals.next();
    let result: CycleResult | null = null;
    const latest = pending.at(-1);
    if (latest) {
      for (const s of pending.slice(0, -1)) {
        this.log("signal-superseded", { sequence: s.sequence, by: latest.sequence });
        await this.o.signals.ack(s);
      }
      result = await this.executeSignal(latest);
      this.lastSignal = latest;
      // Persisted so a restarted engine still enforces Flatten/ReduceOnly against it.
      this.o.store.setCursor(
        "last-signal",
        JSON.stringify({ ...latest, targets: latest.targets.toString() }),
      );
      if (result.complete) await this.o.signals.ack(latest);
    } else if (this.lastSignal) {
      // No new signal: still obey a kill level raised mid-epoch against the last one.
      const level = await this.o.killLevel.current();
      if (level >= KillLevel.ReduceOnly) result = await this.executeSignal(this.lastSignal);
    }
    await this.reportFills();
    return result;
  }

  /** One cycle for `signal` (exposed for tests and tools; `tick` is the normal entry). */
  async executeSignal(signal: AcceptedSignal): Promise<CycleResult> {
    if (!this.started) await this.start();
    const level = await this.o.killLevel.current();
    // Settle what we already sent for this signal before sizing anything new.
    for (const order of this.o.store.liveOrders()) await this.reconcileOrder(order);
    await this.cancelStale(level);
    const working = this.o.store.liveOrders().map((o) => o.clientOrderId);
    const refusals: LegRefusal[] = [];
    const dust: string[] = [];
    const placed: StoredOrder[] = [];
    if (working.length > 0) return this.result(signal, level, placed, refusals, dust, working);

    const account = await this.o.venue.refreshAccount();
    const symbols = this.o.assets.symbols;
    const prices = await this.o.venue.fetchPrices(symbols);
    const nav = this.o.nav ? await this.o.nav() : equityOf(account, prices);
    const targetBps = new Map<string, number>();
    for (const [index, bps] of unpackTargets(signal.targets)) {
      const symbol = this.o.assets.symbolOf(index);
      if (symbol === undefined) refusals.push({ kind: "unknown-asset", asset: index });
      else targetBps.set(symbol, bps);
    }
    const held: Record<string, number> = {};
    const target: Record<string, number> = {};
    for (const s of symbols) {
      const p = prices[s];
      if (p !== undefined && nav > 0) held[s] = ((account.positions[s] ?? 0) * p) / nav;
      const bps = targetBps.get(s) ?? 0;
      if (bps < 0) {
        // Spot cannot short: the leg goes flat instead and the refusal says why.
        refusals.push({ kind: "short-not-supported", symbol: s, targetWeightBps: bps });
        target[s] = 0;
      } else if (bps > 0) target[s] = bps / 10_000;
    }
    const allowed = applyKillSwitch(held, target, level);
    for (const s of symbols)
      if ((target[s] ?? 0) !== (allowed[s] ?? 0))
        refusals.push({
          kind: "kill-switch",
          symbol: s,
          level,
          targetWeightBps: Math.round((target[s] ?? 0) * 10_000),
        });

    // Reductions first, so cash is freed before it is spent; symbols sorted: one event order.
    const legs: { symbol: string; delta: number; price: number; heldQ: number }[] = [];
    for (const s of symbols) {
      const heldQ = account.positions[s] ?? 0;
      const w = allowed[s] ?? 0;
      const p = prices[s];
      if (p === undefined) {
        if (w !== 0 || heldQ !== 0) refusals.push({ kind: "no-price", symbol: s });
        continue;
      }
      const rules = this.rules.get(s);
      const delta = roundToStep((w * nav) / p - heldQ, rules?.amountStep ?? 0);
      if (Math.abs(delta) <= EPS) continue;
      if (rules && (Math.abs(delta) < rules.minAmount || Math.abs(delta) * p < rules.minNotional)) {
        dust.push(s);
        continue;
      }
      legs.push({ symbol: s, delta, price: p, heldQ });
    }
    legs.sort((a, b) => Number(isGrowing(a)) - Number(isGrowing(b)) || (a.symbol < b.symbol ? -1 : 1));

    const reason: OrderReason = level === KillLevel.Flatten ? "kill-switch" : "rebalance";
    for (const leg of legs) {
      const refusal = checkOrderLimits(this.o.limits, leg.symbol, leg.heldQ, leg.delta, leg.price);
      if (refusal && isGrowing(leg)) {
        refusals.push(refusal);
        continue;
      }
      const index = this.o.assets.indexOf(leg.symbol)!;
      const attempt = this.o.store.nextAttempt(signal.sequence, index);
      if (attempt >= (this.o.maxAttemptsPerLeg ?? 5)) {
        refusals.push({ kind: "attempts-exhausted", symbol: leg.symbol, attempts: attempt });
        continue;
      }
      // A reduction bigger than the order cap is split over cycles rather than refused: reducing risk never waits.
      const qty = refusal ? capQuantity(this.o.limits, leg, this.rules.get(leg.symbol)) : Math.abs(leg.delta);
      if (!(qty > 0)) {
        refusals.push(refusal!); // the cap is below one step: nothing sendable
        continue;
      }
      const request: OrderRequest = {
        clientOrderId: clientOrderId(this.o.namespace, signal.sequence, index, attempt),
        symbol: leg.symbol,
        side: leg.delta > 0 ? "buy" : "sell",
        quantity: qty,
        type: level === KillLevel.Flatten ? "market" : (this.o.orderType ?? "market"),
        ...((this.o.orderType ?? "market") === "limit" && level !== KillLevel.Flatten
          ? { limitPrice: leg.price }
          : {}),
        reason,
      };
      const stored = await this.send(signal.sequence, index, attempt, request);
      placed.push(stored);
      if (stored.status === "rejected")
        refusals.push({
          kind: "venue-rejected",
          symbol: leg.symbol,
          clientOrderId: stored.clientOrderId,
          message: stored.note ?? "",
        });
    }
    const stillWorking = this.o.store.liveOrders().map((o) => o.clientOrderId);
    return this.result(signal, level, placed, refusals, dust, stillWorking);
  }

  /**
   * Fills not yet reported, grouped per signal, handed to the sink; marked only once accepted. With
   * `recordedFills`, fills the ledger already holds are marked without being sent, only the rest
   * goes out, and a group left empty is not sent at all.
   */
  async reportFills(): Promise<Execution[]> {
    const bySignal = new Map<number, ReturnType<OrderStore["unreportedFills"]>>();
    for (const f of this.o.store.unreportedFills()) {
      const list = bySignal.get(f.signalSequence) ?? [];
      list.push(f);
      bySignal.set(f.signalSequence, list);
    }
    const sent: Execution[] = [];
    for (const [sequence, fills] of bySignal) {
      const entries = reportEntries(fills);
      let onChain: ReadonlySet<string> = new Set();
      if (this.o.recordedFills) {
        try {
          onChain = await this.o.recordedFills.recorded(
            BigInt(sequence),
            entries.map((e) => e.fill),
          );
        } catch (e) {
          // Not knowing what the ledger holds, sending could record a fill twice: try next tick.
          this.log("report-failed", {
            sequence,
            error: `ledger lookup: ${e instanceof Error ? e.message : String(e)}`,
          });
          continue;
        }
      }
      const recorded = entries.filter((e) => onChain.has(e.hash));
      const pending = entries.filter((e) => !onChain.has(e.hash));
      if (recorded.length > 0) {
        // A report that landed before the process could mark it (crash window): mark, do not re-send.
        const batch = this.nextReportBatch();
        const tradeIds = recorded.flatMap((e) => e.tradeIds);
        this.o.store.markReported(tradeIds, batch);
        this.log("fills-already-recorded", { sequence, batch, tradeIds });
      }
      if (pending.length === 0) continue;
      const execution: Execution = { signalSequence: BigInt(sequence), fills: pending.map((e) => e.fill) };
      try {
        await this.o.reports.submitExecution(execution);
      } catch (e) {
        // Kept unreported: the next tick tries again (fills that landed meanwhile are found by recordedFills).
        this.log("report-failed", { sequence, error: e instanceof Error ? e.message : String(e) });
        continue;
      }
      this.o.store.markReported(
        pending.flatMap((e) => e.tradeIds),
        this.nextReportBatch(),
      );
      sent.push(execution);
    }
    return sent;
  }

  private nextReportBatch(): number {
    const batch = Number(this.o.store.getCursor("report-batch") ?? 0) + 1;
    this.o.store.setCursor("report-batch", String(batch));
    return batch;
  }

  /** Epoch end: venue equity (balances marked at the venue's last prices) → NAV payload. */
  /**
   * Value the venue account for `epoch`: equity at last prices, and the custody transfers the
   * account's ledger shows at the same time, so the vault can add what is in transit or moved since.
   */
  async reportNav(epoch: number): Promise<Nav> {
    if (this.o.vault === undefined)
      throw new ExecutionError("reportNav: no vault configured (NAV reports name the vault they settle)");
    const account = await this.o.venue.refreshAccount();
    const prices = await this.o.venue.fetchPrices(this.o.assets.symbols);
    const custody = await this.o.venue.fetchCustodyTotals();
    const equity = equityOf(account, prices);
    const decimals = this.o.navDecimals ?? 6;
    const units = (x: number) => toTokenUnits(x.toFixed(decimals), decimals);
    const nav: Nav = {
      epoch: BigInt(epoch),
      vault: this.o.vault,
      venueEquity: units(equity),
      custodySent: units(custody.credited),
      custodyReturned: units(custody.debited),
      timestamp: msToSeconds(this.venueNow()),
      venueSnapshotHash: keccak256(
        toUtf8Bytes(canonicalJson({ account, prices, custody, venue: this.o.venue.name })),
      ),
    };
    await this.o.navReports?.submitNav(nav);
    return nav;
  }

  private venueNow(): number {
    const v = this.o.venue as { venueNow?: () => number };
    return typeof v.venueNow === "function" ? v.venueNow() : this.o.clock.now();
  }

  /** Intent first, then the POST; every outcome ends in the store. */
  private async send(
    sequence: number,
    leg: number,
    attempt: number,
    request: OrderRequest,
  ): Promise<StoredOrder> {
    const id = request.clientOrderId;
    this.o.store.insertIntent({
      clientOrderId: id,
      signalSequence: sequence,
      leg,
      attempt,
      symbol: request.symbol,
      side: request.side,
      type: request.type,
      quantity: request.quantity,
      limitPrice: request.limitPrice ?? null,
      reason: request.reason,
      createdAt: this.venueNow(),
    });
    this.log("order-send", {
      clientOrderId: id,
      symbol: request.symbol,
      side: request.side,
      quantity: request.quantity,
    });
    try {
      const placed = await this.o.venue.placeOrder(request);
      this.applyVenueOrder(id, placed);
      await this.collectFills(this.o.store.order(id)!);
    } catch (e) {
      if (e instanceof OrderOutcomeUnknownError) {
        this.o.store.updateOrder(id, { status: "unknown", note: e.message });
        this.log("order-unknown", { clientOrderId: id, error: e.message });
        await this.tryReconcile(this.o.store.order(id)!);
      } else if (e instanceof OrderRejectedError) {
        this.o.store.updateOrder(id, { status: "rejected", note: e.message });
        this.log("order-rejected", { clientOrderId: id, error: e.message });
      } else if (e instanceof RetryableVenueError) {
        // Refused before the venue acted (still rate limited after retries): never placed.
        this.o.store.updateOrder(id, { status: "not-placed", note: e.message });
        throw e;
      } else {
        // Anything else after the send may or may not have placed it: find out, never assume.
        this.o.store.updateOrder(id, { status: "unknown", note: e instanceof Error ? e.message : String(e) });
        await this.tryReconcile(this.o.store.order(id)!);
        throw e;
      }
    }
    return this.o.store.order(id)!;
  }

  /** Reconciles, leaving the order "unknown" if the venue cannot answer yet. */
  private async tryReconcile(order: StoredOrder): Promise<void> {
    try {
      await this.reconcileOrder(order);
    } catch (e) {
      this.log("reconcile-deferred", {
        clientOrderId: order.clientOrderId,
        error: e instanceof Error ? e.message : String(e),
      });
    }
  }

  /**
   * What happened to `order` at the venue, by client order id: found → status, filled and fills;
   * not found (and not among open orders) → it never reached the book: "not-placed".
   */
  private async reconcileOrder(order: StoredOrder): Promise<void> {
    let found = await this.o.venue.findOrder(order.symbol, order.clientOrderId);
    if (!found) {
      const open = await this.o.venue.fetchOpenOrders(order.symbol);
      found = open.find((o) => o.clientOrderId === order.clientOrderId) ?? null;
    }
    if (!found) {
      this.o.store.updateOrder(order.clientOrderId, {
        status: "not-placed",
        note: "venue has no such order",
      });
      this.log("order-not-placed", { clientOrderId: order.clientOrderId });
      return;
    }
    this.applyVenueOrder(order.clientOrderId, found);
    await this.collectFills(this.o.store.order(order.clientOrderId)!);
  }

  private applyVenueOrder(id: string, v: VenueOrder): void {
    this.o.store.updateOrder(id, {
      status: v.status === "expired" ? "canceled" : v.status,
      venueOrderId: v.id,
      filled: v.filled,
    });
  }

  /** Records the order's trades (idempotent by trade id). */
  private async collectFills(order: StoredOrder): Promise<void> {
    if (order.venueOrderId === null) return;
    const trades = await this.o.venue.fetchMyTrades(order.symbol, order.createdAt - 60_000);
    for (const t of trades) {
      if (t.orderId !== order.venueOrderId && t.clientOrderId !== order.clientOrderId) continue;
      const fresh = this.o.store.recordFill({
        tradeId: t.id,
        clientOrderId: order.clientOrderId,
        signalSequence: order.signalSequence,
        asset: order.leg,
        symbol: order.symbol,
        side: t.side,
        amount: t.amount,
        price: t.price,
        fee: t.fee,
        timestamp: t.timestamp,
      });
      if (fresh) this.log("fill", { clientOrderId: order.clientOrderId, amount: t.amount, price: t.price });
    }
    // Position = sum of fills: a venue answer without `filled` (WEEX's POST reply) is corrected here.
    const sum = this.o.store.fillsOf(order.clientOrderId).reduce((a, f) => a + f.amount, 0);
    const current = this.o.store.order(order.clientOrderId)!;
    if (sum > current.filled)
      this.o.store.updateOrder(order.clientOrderId, { status: current.status, filled: sum });
  }

  /** Cancels resting limit orders that went stale, or that grow a position the kill level forbids. */
  private async cancelStale(level: KillLevel): Promise<void> {
    const now = this.venueNow();
    const positions = this.o.venue.account().positions;
    for (const order of this.o.store.liveOrders()) {
      if (order.status !== "open") continue;
      const stale = now - order.createdAt >= (this.o.staleOrderMs ?? 60_000);
      const held = positions[order.symbol] ?? 0;
      const grows = order.side === "buy" ? held >= 0 : held <= 0;
      // Flatten replaces every resting order by a market close; lower levels cancel what grows.
      const forbidden =
        level === KillLevel.Flatten ||
        (level === KillLevel.ReduceOnly ? grows : level === KillLevel.NoNewEntries && held === 0);
      if (!stale && !forbidden) continue;
      this.log("order-cancel", { clientOrderId: order.clientOrderId, stale, forbidden });
      await this.o.venue.cancelOrder(order.symbol, order.clientOrderId);
      await this.reconcileOrder(order);
    }
  }

  private result(
    signal: AcceptedSignal,
    level: KillLevel,
    placed: StoredOrder[],
    refusals: LegRefusal[],
    dust: string[],
    working: string[],
  ): CycleResult {
    const complete = placed.length === 0 && working.length === 0;
    this.log("cycle", {
      sequence: signal.sequence,
      level,
      placed: placed.length,
      refusals,
      dust,
      working,
      complete,
    });
    return { sequence: signal.sequence, killLevel: level, placed, refusals, dust, working, complete };
  }

  private log(event: string, detail: Record<string, unknown>): void {
    this.o.log?.(event, detail);
  }
}

function isGrowing(leg: { delta: number; heldQ: number }): boolean {
  const after = leg.heldQ + leg.delta;
  return (
    Math.abs(after) > Math.abs(leg.heldQ) ||
    (leg.heldQ !== 0 && Math.sign(after) !== Math.sign(leg.heldQ) && after !== 0)
  );
}

function roundToStep(q: number, step: number): number {
  if (!(step > 0)) return q;
  // Toward zero, so rounding never overshoots the target; the epsilon absorbs float noise.
  return Math.sign(q) * Math.floor(Math.abs(q) / step + 1e-9) * step;
}

function capQuantity(
  limits: ExecutionLimits,
  leg: { symbol: string; delta: number; price: number },
  rules: MarketRules | undefined,
): number {
  let q = Math.min(Math.abs(leg.delta), limits.maxOrderNotional / leg.price);
  const maxQ = limits.maxOrderQuantity?.[leg.symbol];
  if (maxQ !== undefined) q = Math.min(q, maxQ);
  return Math.abs(roundToStep(q, rules?.amountStep ?? 0));
}

/**
 * Stored fills in protocol units, one entry per distinct fill hash. Two venue trades identical in
 * every reported field (same order, second, quantity, price and fee) would be one fact to the ledger
 * and a duplicate to the nodes, so they go out merged (quantities and fees summed).
 */
function reportEntries(
  fills: ReturnType<OrderStore["unreportedFills"]>,
): { fill: ReportFill; hash: string; tradeIds: string[] }[] {
  const byHash = new Map<string, { fill: ReportFill; tradeIds: string[] }>();
  for (const f of fills) {
    const { quantityE8, priceE8, feeE8, timestamp } = tradeToFillUnits(f);
    const fill: ReportFill = {
      asset: f.asset,
      quantityE8,
      priceE8,
      feeE8,
      orderRef: orderRef(f.clientOrderId),
      timestamp,
    };
    const hash = fillHash(fill);
    const same = byHash.get(hash);
    if (same) {
      same.fill.quantityE8 += fill.quantityE8;
      same.fill.feeE8 += fill.feeE8;
      same.tradeIds.push(f.tradeId);
    } else byHash.set(hash, { fill, tradeIds: [f.tradeId] });
  }
  // Re-hashed after merging: a merged fill is a different struct.
  return [...byHash.values()].map((e) => ({ ...e, hash: fillHash(e.fill) }));
}

/** Cash plus positions marked at `prices`. */
export function equityOf(account: AccountState, prices: Readonly<Record<string, number>>): number {
  let e = account.cash;
  for (const [s, q] of Object.entries(account.positions)) e += q * (prices[s] ?? 0);
  return e;
}
