import { VenueError } from "../engine/errors.js";
import type {
  AccountState,
  ExecutionVenue,
  Fill,
  OrderReason,
  OrderReject,
  OrderRequest,
} from "../engine/ExecutionVenue.js";
import type { Candle } from "../types/market.js";
import type { ExecutionConfig } from "./ExecutionConfig.js";
import { impactFraction } from "./ImpactModel.js";

interface Pending {
  readonly order: OrderRequest;
  /** Fill at the first bar of the symbol opening at or after this time. */
  readonly due: number;
  /** Position when submitted: if a protective exit changes it first, the order is void. */
  readonly positionAtSubmit: number;
}

interface Bracket {
  avgPrice: number;
  stopLoss: number | null;
  takeProfit: number | null;
}

/**
 * Backtest venue driven by replayed bars. Orders wait for their latency, then fill at the open
 * of the due bar: market orders pay the taker fee, fixed slippage and depth-model impact; limit
 * orders (at the decision's close) pay the maker fee and fill only if the bar trades through the
 * limit, else expire. Stop-loss / take-profit brackets trigger intrabar on high/low (stop first if
 * both, gaps fill at the open). ADV for impact uses only bars already replayed.
 */
export class SimulatedVenue implements ExecutionVenue {
  readonly name = "simulated";
  readonly fills: Fill[] = [];
  readonly rejects: OrderReject[] = [];
  feesPaid = 0;
  private cash: number;
  private readonly positions = new Map<string, number>();
  private readonly brackets = new Map<string, Bracket>();
  private pending: Pending[] = [];
  private readonly volumes = new Map<string, number[]>();
  private readonly advBars: number;

  constructor(
    private readonly config: ExecutionConfig,
    private readonly barMs: number,
  ) {
    this.cash = config.initialCapital;
    this.advBars = Math.max(1, Math.round((config.advDays * 86_400_000) / barMs));
  }

  account(): AccountState {
    const positions: Record<string, number> = {};
    for (const [s, q] of [...this.positions].sort((a, b) => (a[0] < b[0] ? -1 : 1)))
      if (q !== 0) positions[s] = q;
    return { cash: this.cash, positions };
  }

  submit(orders: readonly OrderRequest[], now: number): void {
    for (const order of orders) {
      if (!(order.quantity > 0) || !Number.isFinite(order.quantity))
        throw new VenueError(
          `order ${order.clientOrderId}: quantity must be a positive number, got ${order.quantity}`,
        );
      this.pending.push({
        order,
        due: now + this.config.latencyBars * this.barMs,
        positionAtSubmit: this.positions.get(order.symbol) ?? 0,
      });
    }
  }

  /** Orders still waiting for their bar. */
  pendingCount(): number {
    return this.pending.length;
  }

  /** Replays one bar of one symbol: due orders, then brackets, then the ADV window. */
  onBar(symbol: string, bar: Candle): void {
    if (this.pending.length > 0) {
      const keep: Pending[] = [];
      for (const p of this.pending) {
        if (p.order.symbol !== symbol || p.due > bar.timestamp) keep.push(p);
        else this.execute(p, bar);
      }
      this.pending = keep;
    }
    this.checkBracket(symbol, bar);
    let v = this.volumes.get(symbol);
    if (!v) this.volumes.set(symbol, (v = []));
    v.push(bar.volume * bar.close);
    if (v.length > this.advBars) v.shift();
  }

  /** Average daily quote volume from replayed bars. */
  adv(symbol: string): number {
    const v = this.volumes.get(symbol);
    if (!v || v.length === 0) return 0;
    let s = 0;
    for (const x of v) s += x;
    return (s / v.length) * (86_400_000 / this.barMs);
  }

  private execute(p: Pending, bar: Candle): void {
    const { order } = p;
    const held = this.positions.get(order.symbol) ?? 0;
    if (held !== p.positionAtSubmit) {
      this.rejects.push({
        clientOrderId: order.clientOrderId,
        symbol: order.symbol,
        timestamp: bar.timestamp,
        reason: "position changed by a protective exit after submission; order void",
      });
      return;
    }
    if (order.type === "limit") {
      const limit = order.limitPrice!;
      const reachable = order.side === "buy" ? bar.low <= limit : bar.high >= limit;
      if (!reachable) {
        this.rejects.push({
          clientOrderId: order.clientOrderId,
          symbol: order.symbol,
          timestamp: bar.timestamp,
          reason: `limit ${limit} not reached in the bar; expired`,
        });
        return;
      }
      const price = order.side === "buy" ? Math.min(bar.open, limit) : Math.max(bar.open, limit);
      this.fill(order, price, this.config.makerFeeBps, bar.timestamp, 0);
      return;
    }
    this.fill(order, bar.open, this.config.takerFeeBps, bar.timestamp, this.config.slippageBps);
  }

  private checkBracket(symbol: string, bar: Candle): void {
    const q = this.positions.get(symbol) ?? 0;
    const b = this.brackets.get(symbol);
    if (q === 0 || !b) return;
    const long = q > 0;
    const stop = b.stopLoss === null ? null : b.avgPrice * (long ? 1 - b.stopLoss : 1 + b.stopLoss);
    const take = b.takeProfit === null ? null : b.avgPrice * (long ? 1 + b.takeProfit : 1 - b.takeProfit);
    let price: number | null = null;
    let reason: OrderReason = "stop-loss";
    // Stop first when both could have hit: the conservative assumption without intrabar data.
    if (stop !== null && (long ? bar.low <= stop : bar.high >= stop))
      price = long ? Math.min(bar.open, stop) : Math.max(bar.open, stop);
    else if (take !== null && (long ? bar.high >= take : bar.low <= take)) {
      price = long ? Math.max(bar.open, take) : Math.min(bar.open, take);
      reason = "take-profit";
    }
    if (price === null) return;
    const order: OrderRequest = {
      clientOrderId: `${reason}-${symbol}-${bar.timestamp}`,
      symbol,
      side: long ? "sell" : "buy",
      quantity: Math.abs(q),
      type: "market",
      reason,
    };
    this.fill(order, price, this.config.takerFeeBps, bar.timestamp, this.config.slippageBps);
  }

  private fill(order: OrderRequest, ref: number, feeBps: number, time: number, slipBps: number): void {
    const notional = order.quantity * ref;
    const slip = slipBps / 10_000;
    const impact =
      this.config.impact && slipBps > 0
        ? impactFraction(this.config.impact, notional, this.adv(order.symbol))
        : 0;
    const dir = order.side === "buy" ? 1 : -1;
    const price = ref * (1 + dir * (slip + impact));
    const fee = (order.quantity * price * feeBps) / 10_000;
    const held = this.positions.get(order.symbol) ?? 0;
    const next = held + dir * order.quantity;
    this.cash -= dir * order.quantity * price + fee;
    this.feesPaid += fee;
    this.positions.set(order.symbol, Math.abs(next) < 1e-12 * Math.max(1, Math.abs(held)) ? 0 : next);
    this.updateBracket(order, held, this.positions.get(order.symbol)!, price);
    this.fills.push({
      clientOrderId: order.clientOrderId,
      symbol: order.symbol,
      side: order.side,
      quantity: order.quantity,
      price,
      fee,
      slippageCost: notional * slip,
      impactCost: notional * impact,
      timestamp: time,
      reason: order.reason,
    });
  }

  private updateBracket(order: OrderRequest, before: number, after: number, price: number): void {
    if (after === 0) {
      this.brackets.delete(order.symbol);
      return;
    }
    const b = this.brackets.get(order.symbol);
    const flipped = before === 0 || Math.sign(before) !== Math.sign(after);
    if (flipped || !b) {
      this.brackets.set(order.symbol, {
        avgPrice: price,
        stopLoss: order.stopLoss ?? null,
        takeProfit: order.takeProfit ?? null,
      });
    } else if (Math.abs(after) > Math.abs(before)) {
      b.avgPrice =
        (Math.abs(before) * b.avgPrice + (Math.abs(after) - Math.abs(before)) * price) / Math.abs(after);
      b.stopLoss = order.stopLoss ?? b.stopLoss;
      b.takeProfit = order.takeProfit ?? b.takeProfit;
    }
  }
}
