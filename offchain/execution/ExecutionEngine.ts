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
  MissingClientOrderIdError,
  OrderOutcomeUnknownError,
  OrderRejectedError,
  RetryableVenueError,
} from "./errors.js";
import { checkOrderLimits } from "./ExecutionLimits.js";
import type { ExecutionLimits, LegRefusal } from "./ExecutionLimits.js";
import type { KillLevelSource } from "./KillLevelSource.js";
import type { RecordedFills } from "./LedgerFillIndex.js";
import type { OrderStore, StoredOrder } from "./OrderStore.js";
import { TERMINAL } from "./OrderStore.js";
import type { Divergence, ReconciliationReport, RepairedFill } from "./Reconciliation.js";
import { reconciliationSummary } from "./Reconciliation.js";
import type { ExecutionReportSink, NavReportSink } from "./ReportSinks.js";
import type { AcceptedSignal, SignalSource } from "./SignalSource.js";
import type { MarketRules, TradingVenue, VenueOrder, VenueTrade } from "./TradingVenue.js";

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
  /**
   * Venue time (ms) between reconciliations of the venue against the books (default 5 min; 0 =
   * every tick). `reconcile()` can also be called directly.
   */
  readonly reconcileEveryMs?: number;
  /** How far back (venue ms) a reconciliation compares trades (default 24 h). */
  readonly reconcileLookbackMs?: number;
  /** Largest position / cash difference taken as rounding (defaults: market step or 1e-8; 0.01 quote). */
  readonly reconcileTolerance?: { readonly quantity?: number; readonly cash?: number };
  /** Every reconciliation report, for the operator (also logged; divergences as warnings). */
  readonly onReconciliation?: (report: ReconciliationReport) => void;
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

/** Store cursor holding the books' opening balance. */
const BASELINE = "books-opening";

/** Venue balances less every recorded fill and custody transfer at the time it was taken. */
interface Opening {
  readonly at: number;
  readonly cash: number;
  readonly positions: Record<string, number>;
  readonly fills: number;
}

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
  private lastReconciledAt: number | null = null;
  private lastReport: ReconciliationReport | null = null;

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
    // A fresh store: the venue as it stands is where the books start.
    if (this.o.store.allOrders().length === 0 && this.o.store.getCursor(BASELINE) === undefined)
      await this.tryBaseline([]);
  }

  /** The latest reconciliation report (null before the first). */
  get lastReconciliation(): ReconciliationReport | null {
    return this.lastReport;
  }

  /** Marks the local view as suspect (WebSocket reconnect, heartbeat lost): resync next tick. */
  requestResync(reason: string): void {
    this.resyncNeeded = true;
    this.log("resync-requested", { reason });
  }

  /** REST resync: orders by client order id, their fills, balances. */
  async resync(): Promise<void> {
    for (const order of this.o.store.liveOrders()) await this.reconcileOrder(order);
    await this.drainReconcileQueue();
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
    await this.drainReconcileQueue();
    const now = this.venueNow();
    if (this.lastReconciledAt === null || now - this.lastReconciledAt >= (this.o.reconcileEveryMs ?? 300_000))
      await this.reconcile();
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
    const gate = this.reportGate();
    for (const [sequence, fills] of bySignal) {
      if (gate !== null && sequence > gate) {
        // An earlier signal's trades are not all read: the ledger must see its fills first.
        this.log("report-held-back", { sequence, fills: fills.length, waitingFor: gate });
        continue;
      }
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

  /**
   * The oldest signal with a finished order whose trades are not all read (null: none). Fills of
   * later signals wait, so the ledger never sees a later sell before the buy it reduces.
   */
  private reportGate(): number | null {
    let gate: number | null = null;
    for (const q of this.o.store.reconcileQueue())
      if (TERMINAL.has(q.status) && (gate === null || q.signalSequence < gate)) gate = q.signalSequence;
    return gate;
  }

  private nextReportBatch(): number {
    const batch = Number(this.o.store.getCursor("report-batch") ?? 0) + 1;
    this.o.store.setCursor("report-batch", String(batch));
    return batch;
  }

  /**
   * The venue against the books: the reconcile queue read again, the venue's trades of the last
   * `reconcileLookbackMs` matched to the recorded fills (a missing trade of one of our orders is
   * recorded and then reported through the normal path; a trade of no order of ours is reported,
   * never booked), and positions and cash compared with the opening balance plus every recorded
   * fill and custody transfer. Returns the report, logs it (`reconciliation`, and one
   * `reconciliation-divergence` per divergence) and hands it to `onReconciliation`. Never throws
   * for a venue that cannot answer: the failed reads are in `errors` and `ok` is false.
   */
  async reconcile(): Promise<ReconciliationReport> {
    if (!this.started) await this.start();
    const at = this.venueNow();
    this.lastReconciledAt = at;
    const errors: string[] = [];
    const divergences: Divergence[] = [];
    const repaired: RepairedFill[] = [];
    const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
    const reconcilable = this.o.venue.reconcilable !== false;
    if (reconcilable) {
      const from = at - (this.o.reconcileLookbackMs ?? 86_400_000);
      const unsettled = new Set(
        this.o.store
          .liveOrders()
          .filter((o) => o.venueOrderId === null)
          .map((o) => o.symbol),
      );
      const unattributed = new Map<string, number>();
      for (const symbol of this.o.assets.symbols) {
        let trades: VenueTrade[];
        try {
          trades = await this.o.venue.fetchMyTrades(symbol, from);
        } catch (e) {
          errors.push(`${symbol} trades: ${message(e)}`);
          continue;
        }
        const listed = new Set<string>();
        for (const t of trades) {
          listed.add(t.id);
          if (this.o.store.hasFill(t.id)) continue;
          const order =
            (t.orderId !== "" ? this.o.store.orderByVenueId(t.orderId) : undefined) ??
            (t.clientOrderId !== undefined ? this.o.store.order(t.clientOrderId) : undefined);
          if (!order && unsettled.has(symbol)) {
            // An order whose outcome is still unknown has no venue id yet: it may be this trade's.
            unattributed.set(symbol, (unattributed.get(symbol) ?? 0) + 1);
            continue;
          }
          if (!order) {
            divergences.push({
              kind: "foreign-trade",
              symbol,
              tradeId: t.id,
              venue: t.amount,
              message: `${symbol}: venue trade ${t.id} (order ${t.orderId}, ${t.side} ${t.amount} @ ${t.price}) belongs to no order of ours`,
            });
            continue;
          }
          this.recordTrade(order, t);
          repaired.push({
            tradeId: t.id,
            clientOrderId: order.clientOrderId,
            symbol,
            side: t.side,
            amount: t.amount,
            price: t.price,
          });
        }
        const last = trades.at(-1)?.timestamp;
        if (last !== undefined)
          for (const f of this.o.store.fillsBetween(symbol, from, last))
            if (!listed.has(f.tradeId))
              divergences.push({
                kind: "fill-not-at-venue",
                symbol,
                tradeId: f.tradeId,
                clientOrderId: f.clientOrderId,
                books: f.amount,
                message: `${symbol}: fill ${f.tradeId} of ${f.clientOrderId} is not in the venue's trade list`,
              });
      }
      for (const [symbol, n] of unattributed)
        errors.push(`${symbol}: ${n} venue trades not yet attributed (an order's outcome is still unknown)`);
      if (repaired.length > 0) this.log("fills-repaired", { fills: repaired });
    }
    // Every queued order read again (the repaired ones may now be complete).
    await this.drainReconcileQueue();
    const queue = this.o.store.reconcileQueue();
    for (const q of queue)
      if (TERMINAL.has(q.status))
        divergences.push({
          kind: "trades-incomplete",
          symbol: q.symbol,
          clientOrderId: q.clientOrderId,
          venue: q.filled,
          books: q.recordedFilled,
          message: `${q.clientOrderId} (${q.status}, ${q.symbol}): trades not fully read, venue filled ${q.filled}, recorded ${q.recordedFilled}${q.lastError ? ` (${q.lastError})` : ""}`,
        });
    const positions: { symbol: string; venue: number; books: number }[] = [];
    let cash: { venue: number; books: number } | null = null;
    if (reconcilable) {
      try {
        const account = await this.o.venue.refreshAccount();
        const custody = await this.o.venue.fetchCustodyTotals();
        const opening = this.baseline() ?? (await this.tryBaseline(queue));
        if (!opening)
          errors.push("no opening balance yet: it is taken once no finished order has trades left to read");
        else {
          const effects = this.o.store.fillEffects();
          for (const symbol of this.o.assets.symbols) {
            const venue = account.positions[symbol] ?? 0;
            const books = (opening.positions[symbol] ?? 0) + (effects.positions[symbol] ?? 0);
            positions.push({ symbol, venue, books });
            const tol = this.o.reconcileTolerance?.quantity ?? this.quantityTolerance(symbol);
            if (Math.abs(venue - books) > tol)
              divergences.push({
                kind: "position",
                symbol,
                venue,
                books,
                message: `${symbol}: venue holds ${venue}, the books ${books} (difference ${venue - books})`,
              });
          }
          const books = opening.cash + effects.cash + custody.credited - custody.debited;
          cash = { venue: account.cash, books };
          if (Math.abs(account.cash - books) > (this.o.reconcileTolerance?.cash ?? 0.01))
            divergences.push({
              kind: "cash",
              venue: account.cash,
              books,
              message: `cash: venue holds ${account.cash}, the books ${books} (difference ${account.cash - books})`,
            });
        }
      } catch (e) {
        errors.push(`balances: ${message(e)}`);
      }
    }
    const gate = this.reportGate();
    const held = new Map<number, number>();
    if (gate !== null)
      for (const f of this.o.store.unreportedFills())
        if (f.signalSequence > gate) held.set(f.signalSequence, (held.get(f.signalSequence) ?? 0) + 1);
    const report: ReconciliationReport = {
      at,
      ok: divergences.length === 0 && errors.length === 0 && held.size === 0,
      queue,
      heldBack: [...held].map(([signalSequence, fills]) => ({ signalSequence, fills })),
      repaired,
      positions,
      cash,
      divergences,
      errors,
    };
    this.lastReport = report;
    this.log("reconciliation", {
      ok: report.ok,
      summary: reconciliationSummary(report),
      queued: queue.length,
      repaired: repaired.length,
      divergences: divergences.length,
      errors,
    });
    for (const d of divergences) this.log("reconciliation-divergence", { ...d });
    this.o.onReconciliation?.(report);
    return report;
  }

  /** The books' opening balance (venue balances less the fills recorded when it was taken). */
  private baseline(): Opening | undefined {
    const raw = this.o.store.getCursor(BASELINE);
    return raw === undefined ? undefined : (JSON.parse(raw) as Opening);
  }

  /**
   * Takes the opening balance when no finished order has trades left to read (otherwise the
   * unread fills would be absorbed into it): venue balances less every recorded fill and transfer.
   */
  private async tryBaseline(queue: readonly { status: string }[]): Promise<Opening | undefined> {
    if (this.o.venue.reconcilable === false) return undefined;
    if (queue.some((q) => TERMINAL.has(q.status as StoredOrder["status"]))) return undefined;
    if (this.o.store.liveOrders().length > 0) return undefined;
    try {
      const account = await this.o.venue.refreshAccount();
      const custody = await this.o.venue.fetchCustodyTotals();
      const effects = this.o.store.fillEffects();
      const positions: Record<string, number> = {};
      for (const s of this.o.assets.symbols)
        positions[s] = (account.positions[s] ?? 0) - (effects.positions[s] ?? 0);
      const opening: Opening = {
        at: this.venueNow(),
        cash: account.cash - effects.cash - (custody.credited - custody.debited),
        positions,
        fills: effects.fills,
      };
      this.o.store.setCursor(BASELINE, JSON.stringify(opening));
      this.log("books-opened", { ...opening });
      return opening;
    } catch (e) {
      this.log("books-open-deferred", { error: e instanceof Error ? e.message : String(e) });
      return undefined;
    }
  }

  /** Largest quantity difference taken as rounding: the market step, at least 1e-8. */
  private quantityTolerance(symbol: string): number {
    return Math.max(this.rules.get(symbol)?.amountStep ?? 0, 1e-8);
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
    let placed: VenueOrder;
    try {
      placed = await this.o.venue.placeOrder(request);
    } catch (e) {
      if (e instanceof OrderOutcomeUnknownError) {
        this.o.store.updateOrder(id, { status: "unknown", note: e.message });
        this.log("order-unknown", { clientOrderId: id, error: e.message });
        await this.tryReconcile(this.o.store.order(id)!);
      } else if (e instanceof OrderRejectedError) {
        this.o.store.updateOrder(id, { status: "rejected", note: e.message });
        this.o.store.dequeue(id);
        this.log("order-rejected", { clientOrderId: id, error: e.message });
      } else if (e instanceof RetryableVenueError || e instanceof MissingClientOrderIdError) {
        // Refused before the venue acted (still rate limited after retries, or no id: never sent).
        this.o.store.updateOrder(id, { status: "not-placed", note: e.message });
        this.o.store.dequeue(id);
        throw e;
      } else {
        // Anything else after the send may or may not have placed it: find out, never assume.
        this.o.store.updateOrder(id, { status: "unknown", note: e instanceof Error ? e.message : String(e) });
        await this.tryReconcile(this.o.store.order(id)!);
        throw e;
      }
      return this.o.store.order(id)!;
    }
    // Placed: whatever happens to the trade read now, the order stays placed and on the queue.
    this.applyVenueOrder(id, placed);
    await this.readTrades(this.o.store.order(id)!, placed);
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
      this.o.store.dequeue(order.clientOrderId);
      this.log("order-not-placed", { clientOrderId: order.clientOrderId });
      return;
    }
    this.applyVenueOrder(order.clientOrderId, found);
    await this.readTrades(this.o.store.order(order.clientOrderId)!, found);
  }

  /**
   * Records the order's trades; takes it off the reconcile queue once the venue shows it finished
   * and the recorded trades add up to what the venue says it filled. A failed or short read never
   * throws: the order stays queued (durably, with why) and is read again each tick.
   */
  private async readTrades(order: StoredOrder, venue: VenueOrder): Promise<void> {
    const id = order.clientOrderId;
    try {
      await this.collectFills(order);
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      this.o.store.noteReconcileFailure(id, `trade read failed: ${error}`);
      this.log("trades-unread", { clientOrderId: id, error });
      return;
    }
    if (venue.status === "open") return; // still working: read again as it fills
    if (this.o.venue.reconcilable === false) {
      this.o.store.dequeue(id); // shadow: no venue trades exist to read
      return;
    }
    if (venue.filledUnknown) return; // the answer did not say what filled: an order read settles it
    const recorded = this.o.store.fillsOf(id).reduce((a, f) => a + f.amount, 0);
    if (recorded + this.quantityTolerance(order.symbol) >= venue.filled) {
      if (this.o.store.isQueued(id)) {
        this.o.store.dequeue(id);
        this.log("trades-complete", { clientOrderId: id, filled: venue.filled, recorded });
      }
      return;
    }
    const error = `venue says filled ${venue.filled}, trades recorded ${recorded}`;
    this.o.store.noteReconcileFailure(id, `trades incomplete: ${error}`);
    this.log("trades-incomplete", { clientOrderId: id, filled: venue.filled, recorded });
  }

  /**
   * Every finished order still on the queue: its state (by client order id) and trades read again.
   * Live orders are reconciled by the cycle itself. Failures are noted on the queue, never thrown.
   */
  private async drainReconcileQueue(): Promise<void> {
    for (const q of this.o.store.reconcileQueue()) {
      if (!TERMINAL.has(q.status)) continue;
      if (q.status === "rejected" || (q.status === "not-placed" && q.venueOrderId === null)) {
        this.o.store.dequeue(q.clientOrderId); // never at the venue: nothing to read
        continue;
      }
      const order = this.o.store.order(q.clientOrderId)!;
      try {
        const found = await this.o.venue.findOrder(order.symbol, order.clientOrderId);
        if (!found) {
          // The venue gave it an id once and now does not know it: say so, keep it.
          this.o.store.noteReconcileFailure(
            q.clientOrderId,
            `venue no longer lists order ${q.venueOrderId ?? "?"}`,
          );
          this.log("order-vanished", { clientOrderId: q.clientOrderId, venueOrderId: q.venueOrderId });
          continue;
        }
        this.applyVenueOrder(order.clientOrderId, found);
        await this.readTrades(this.o.store.order(order.clientOrderId)!, found);
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e);
        this.o.store.noteReconcileFailure(q.clientOrderId, `order read failed: ${error}`);
        this.log("reconcile-deferred", { clientOrderId: q.clientOrderId, error });
      }
    }
  }

  private applyVenueOrder(id: string, v: VenueOrder): void {
    this.o.store.updateOrder(id, {
      status: v.status === "expired" ? "canceled" : v.status,
      venueOrderId: v.id,
      // An answer that did not say what filled must not erase what an order read said.
      ...(v.filledUnknown ? {} : { filled: v.filled }),
    });
  }

  /** Records the order's trades (idempotent by trade id). */
  private async collectFills(order: StoredOrder): Promise<void> {
    if (order.venueOrderId === null) return;
    const trades = await this.o.venue.fetchMyTrades(order.symbol, order.createdAt - 60_000);
    for (const t of trades) {
      if (t.orderId !== order.venueOrderId && t.clientOrderId !== order.clientOrderId) continue;
      this.recordTrade(order, t);
    }
    // Position = sum of fills: a venue answer without `filled` (WEEX's POST reply) is corrected here.
    const sum = this.o.store.fillsOf(order.clientOrderId).reduce((a, f) => a + f.amount, 0);
    const current = this.o.store.order(order.clientOrderId)!;
    if (sum > current.filled)
      this.o.store.updateOrder(order.clientOrderId, { status: current.status, filled: sum });
  }

  /** Records one venue trade of `order` as a fill, once (keyed by venue trade id). */
  private recordTrade(order: StoredOrder, t: VenueTrade): void {
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
      feeBase: t.feeBase ?? 0,
      timestamp: t.timestamp,
    });
    if (fresh) this.log("fill", { clientOrderId: order.clientOrderId, amount: t.amount, price: t.price });
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
