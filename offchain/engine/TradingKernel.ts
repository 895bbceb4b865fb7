import type { RunLogWriter } from "../runlog/RunLogWriter.js";
import { decideTargets } from "../strategy/decideTargets.js";
import { KillLevel } from "../strategy/KillLevel.js";
import { KillSwitch } from "../strategy/KillSwitch.js";
import type { MarketHistory, ScoreProvider } from "../strategy/ScoreProvider.js";
import type { StrategyConfig } from "../strategy/StrategyConfig.js";
import type { RunLogRecord } from "../types/decision.js";
import type { Clock } from "./Clock.js";
import type { AccountState, ExecutionVenue, OrderRequest } from "./ExecutionVenue.js";
import { targetsToOrders } from "./targetsToOrders.js";

export interface TradingKernelOptions {
  readonly runId: string;
  readonly seed: number;
  readonly provider: ScoreProvider;
  readonly strategy: StrategyConfig;
  readonly venue: ExecutionVenue;
  readonly clock: Clock;
  readonly runLog: RunLogWriter;
  readonly periodsPerYear: number;
  /** Order type for rebalances (default market). */
  readonly orderType?: "market" | "limit";
}

/** What the kernel did at one decision time. */
export interface KernelStep {
  readonly record: RunLogRecord;
  readonly orders: readonly OrderRequest[];
  readonly equity: number;
  readonly killLevel: KillLevel;
  /** Position weights the decision saw (an input of the decision, kept for its snapshot). */
  readonly held: Readonly<Record<string, number>>;
}

/**
 * The one strategy code path for every mode (Nautilus-style): it reacts to two events, a marked
 * bar (`onMark`: risk engine, kill switch) and a decision time (`onDecision`: history → scores →
 * optimizer → sizing → kill-switch clamp → `Decision` → run-log record → orders to the venue). It
 * never knows whether the venue is simulated, paper or live, or where the data came from; the
 * wiring decides that. Time comes only from the injected clock.
 */
export class TradingKernel {
  readonly killSwitch: KillSwitch;
  private lastDecision: { hash: string; equity: number } | null = null;
  private flattenSent = false;
  private sequence = 0;

  constructor(private readonly o: TradingKernelOptions) {
    this.killSwitch = new KillSwitch(o.strategy.killSwitch);
  }

  /** Marks equity after a bar closed; trips the kill switch and flattens when it says so. */
  async onMark(equity: number, prices: Readonly<Record<string, number>>): Promise<KillLevel> {
    const level = this.killSwitch.update(this.o.clock.now(), equity);
    if (level !== KillLevel.Flatten) this.flattenSent = false;
    else if (!this.flattenSent && Object.keys(this.o.venue.account().positions).length > 0) {
      this.flattenSent = true;
      const orders = targetsToOrders({}, this.o.venue.account(), this.orderOptions(equity, prices, "market"));
      await this.o.venue.submit(
        orders.map((x) => ({ ...x, reason: "kill-switch" as const })),
        this.o.clock.now(),
      );
    }
    return level;
  }

  /** One decision cycle at the clock's current time, on history truncated at that time. */
  async onDecision(history: MarketHistory, prices: Readonly<Record<string, number>>): Promise<KernelStep> {
    const account = this.o.venue.account();
    const equity = equityOf(account, prices);
    const now = this.o.clock.now();
    if (this.lastDecision) {
      // The previous holding period ended now: record its realised return (append-only).
      this.o.runLog.amend(this.lastDecision.hash, equity / this.lastDecision.equity - 1, now);
    }
    const held: Record<string, number> = {};
    for (const [s, q] of Object.entries(account.positions)) {
      const p = prices[s];
      if (p !== undefined && equity > 0) held[s] = (q * p) / equity;
    }
    const killLevel = this.killSwitch.current;
    const decision = await decideTargets(history, this.o.provider, this.o.strategy, {
      runId: this.o.runId,
      seed: this.o.seed,
      held,
      killLevel,
      periodsPerYear: this.o.periodsPerYear,
      clock: () => this.o.clock.now(),
    });
    const record = this.o.runLog.appendDecision(decision);
    this.lastDecision = { hash: record.hash, equity };
    const orders = targetsToOrders(
      decision.weights,
      account,
      this.orderOptions(equity, prices, this.o.orderType ?? "market"),
    );
    if (orders.length > 0) await this.o.venue.submit(orders, now);
    return { record, orders, equity, killLevel, held };
  }

  /** Amends the last decision with the return up to `equity` (end of a run). */
  close(equity: number): void {
    if (!this.lastDecision) return;
    this.o.runLog.amend(this.lastDecision.hash, equity / this.lastDecision.equity - 1, this.o.clock.now());
    this.lastDecision = null;
  }

  private orderOptions(equity: number, prices: Readonly<Record<string, number>>, type: "market" | "limit") {
    return {
      equity,
      prices,
      minTradeFraction: this.o.strategy.minTradeFraction,
      orderType: type,
      stopLoss: this.o.strategy.stopLoss,
      takeProfit: this.o.strategy.takeProfit,
      idPrefix: `${this.o.runId.slice(2, 12)}-${this.o.clock.now()}-${this.sequence++}`,
    };
  }
}

/** Cash plus the marked value of every position. */
export function equityOf(account: AccountState, prices: Readonly<Record<string, number>>): number {
  let e = account.cash;
  for (const [s, q] of Object.entries(account.positions)) e += q * (prices[s] ?? 0);
  return e;
}
