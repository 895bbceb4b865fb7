import { Rng } from "../../optimizer/rng.js";
import type { Candle, Timeframe } from "../../types/market.js";
import { TIMEFRAME_MS } from "../../types/market.js";
import { invalidParam, invalidSymbol } from "./WeexApiError.js";

/** One instrument the simulator lists. WEEX uses the same id ("ETHUSDT") for spot and swap. */
export interface SimMarket {
  readonly id: string;
  readonly base: string;
  readonly quote: string;
  readonly tickSize: number;
  readonly stepSize: number;
  readonly spot: boolean;
  readonly swap: boolean;
  /**
   * Mean size of one synthetic book level in base units (each level is 0.5–1.5× this, seeded).
   * Unset: 1–5000 steps, the original tiny book.
   */
  readonly levelSize?: number;
  /** Smallest order quantity (default: one step). */
  readonly minQty?: number;
  /** Smallest order value in quote units (default 0: no check). */
  readonly minNotional?: number;
  /** Spot fee rates as fractions (default 0.001 each, WEEX's base tier). */
  readonly makerFeeRate?: number;
  readonly takerFeeRate?: number;
}

/** The history a market replays: candles of one base timeframe, ascending. */
export interface SimHistory {
  readonly timeframe: Timeframe;
  readonly candles: readonly Candle[];
}

export interface MarketStateOptions {
  readonly markets: readonly SimMarket[];
  readonly history: Readonly<Record<string, SimHistory>>;
  /** Simulated "now" in ms; inject a fake clock to replay history. */
  readonly clock: () => number;
  /** Quoted spread around the last price, in basis points (default 2). */
  readonly spreadBps?: number;
  /** Seed for the synthetic book sizes and trade ids (default 1). */
  readonly seed?: number;
}

/** A candle as the venue shows it at `now`; `closed` is false for the still-open last candle. */
export interface SimCandle extends Candle {
  readonly closeTime: number;
  readonly closed: boolean;
}

export interface KlineQuery {
  readonly intervalMs: number;
  readonly startTime?: number;
  readonly endTime?: number;
  readonly limit: number;
}

export interface Ticker24h {
  readonly last: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly volume: number;
  readonly quoteVolume: number;
  readonly openTime: number;
  readonly closeTime: number;
  readonly count: number;
  readonly bid: number;
  readonly ask: number;
  readonly bidQty: number;
  readonly askQty: number;
}

const DAY_MS = 86_400_000;

/**
 * What the simulated venue knows at the clock's "now": candles up to now (the current one only
 * partly formed, so a replay never leaks the future), and a 24h ticker, best bid/ask, book and
 * trades derived deterministically from them. Pure reads; later tasks add the order book that
 * orders match against beside it.
 */
export class MarketState {
  private readonly byId = new Map<string, SimMarket>();
  private readonly spreadBps: number;
  private readonly seed: number;

  constructor(private readonly options: MarketStateOptions) {
    for (const m of options.markets) this.byId.set(m.id, m);
    this.spreadBps = options.spreadBps ?? 2;
    this.seed = options.seed ?? 1;
  }

  now(): number {
    return this.options.clock();
  }

  markets(): readonly SimMarket[] {
    return this.options.markets;
  }

  /** The market for `id` of the given kind, or WEEX's -1121 "Invalid symbol". */
  market(id: string | undefined, kind: "spot" | "swap"): SimMarket {
    const m = id === undefined ? undefined : this.byId.get(id);
    if (!m || !m[kind] || !this.options.history[m.id]) throw invalidSymbol(id);
    return m;
  }

  /** Length of the replayed history's candles for `id`, in ms: the finest interval served. */
  baseIntervalMs(id: string): number {
    return TIMEFRAME_MS[this.history(id).timeframe];
  }

  /** Klines with Binance-like paging: from `startTime` forward, else the latest `limit` up to now. */
  klines(id: string, q: KlineQuery): SimCandle[] {
    const hist = this.history(id);
    const baseMs = TIMEFRAME_MS[hist.timeframe];
    if (q.intervalMs < baseMs || q.intervalMs % baseMs !== 0) {
      throw invalidParam(
        `interval ${q.intervalMs}ms is finer than the simulator's ${hist.timeframe} history`,
      );
    }
    const now = this.now();
    const end = Math.min(q.endTime ?? now, now);
    const bucketOf = (t: number): number => Math.floor(t / q.intervalMs) * q.intervalMs;
    let from: number;
    if (q.startTime !== undefined)
      from = bucketOf(q.startTime) < q.startTime ? bucketOf(q.startTime) + q.intervalMs : q.startTime;
    else from = bucketOf(end) - (q.limit - 1) * q.intervalMs;
    if (from > end) return [];
    const out: SimCandle[] = [];
    let bucket: SimCandle | undefined;
    for (const c of this.baseCandles(id, from, end)) {
      const b = bucketOf(c.timestamp);
      if (bucket && bucket.timestamp === b) {
        bucket = {
          ...bucket,
          high: Math.max(bucket.high, c.high),
          low: Math.min(bucket.low, c.low),
          close: c.close,
          volume: bucket.volume + c.volume,
        };
        out[out.length - 1] = bucket;
      } else {
        if (out.length >= q.limit) break;
        bucket = {
          ...c,
          timestamp: b,
          closeTime: b + q.intervalMs,
          closed: b + q.intervalMs <= now,
        };
        out.push(bucket);
      }
    }
    return out;
  }

  /** The last candle (possibly partial) at or before now, or undefined before the history starts. */
  lastCandle(id: string): SimCandle | undefined {
    const now = this.now();
    const baseMs = TIMEFRAME_MS[this.history(id).timeframe];
    const list = this.baseCandles(id, now - 2 * baseMs - 1, now);
    return list[list.length - 1];
  }

  ticker24h(id: string): Ticker24h {
    const now = this.now();
    const window = this.baseCandles(id, now - DAY_MS, now);
    const last = window[window.length - 1];
    if (!last) throw invalidParam(`no market data for ${id} at ${new Date(now).toISOString()}`);
    const first = window[0]!;
    let high = -Infinity;
    let low = Infinity;
    let volume = 0;
    let quoteVolume = 0;
    for (const c of window) {
      high = Math.max(high, c.high);
      low = Math.min(low, c.low);
      volume += c.volume;
      quoteVolume += c.volume * ((c.open + c.close) / 2);
    }
    const { bid, ask } = this.quote(id, last.close);
    const rng = this.rngAt(id, now);
    return {
      last: last.close,
      open: first.open,
      high,
      low,
      volume,
      quoteVolume,
      openTime: now - DAY_MS,
      closeTime: now,
      count: window.length * 97 + rng.int(97),
      bid,
      ask,
      bidQty: this.size(id, rng),
      askQty: this.size(id, rng),
    };
  }

  /** Best bid/ask straddling the last price by the configured spread, snapped to the tick. */
  quote(id: string, last: number): { bid: number; ask: number } {
    const m = this.byId.get(id)!;
    const half = Math.max((last * this.spreadBps) / 20_000, m.tickSize / 2);
    const bid = Math.floor((last - half) / m.tickSize + 1e-9) * m.tickSize;
    let ask = Math.ceil((last + half) / m.tickSize - 1e-9) * m.tickSize;
    if (ask <= bid) ask = bid + m.tickSize;
    return { bid, ask };
  }

  /** `levels` bid and ask levels around the current quote; sizes are seeded by market and time. */
  depth(
    id: string,
    levels: number,
  ): { bids: [number, number][]; asks: [number, number][]; updateId: number } {
    const now = this.now();
    const last = this.lastCandle(id);
    if (!last) throw invalidParam(`no market data for ${id} at ${new Date(now).toISOString()}`);
    const m = this.byId.get(id)!;
    const { bid, ask } = this.quote(id, last.close);
    const rng = this.rngAt(id, now);
    const bids: [number, number][] = [];
    const asks: [number, number][] = [];
    let b = bid;
    let a = ask;
    for (let i = 0; i < levels; i++) {
      bids.push([b, this.size(id, rng)]);
      asks.push([a, this.size(id, rng)]);
      b -= m.tickSize * (1 + rng.int(3));
      a += m.tickSize * (1 + rng.int(3));
      if (b <= 0) break;
    }
    return { bids, asks, updateId: Math.floor(now / 100) };
  }

  /** Recent public trades, newest first, priced inside the current candle's range. */
  trades(
    id: string,
    limit: number,
  ): { id: string; price: number; qty: number; time: number; isBuyerMaker: boolean }[] {
    const now = this.now();
    const last = this.lastCandle(id);
    if (!last) return [];
    const rng = this.rngAt(id, now);
    const m = this.byId.get(id)!;
    const out = [];
    let t = now;
    for (let i = 0; i < limit; i++) {
      t -= 1 + rng.int(2000);
      const raw = last.low + (last.high - last.low) * rng.next();
      const price = Math.round(raw / m.tickSize) * m.tickSize;
      out.push({
        id: uuidFrom(rng),
        price,
        qty: this.size(id, rng),
        time: t,
        isBuyerMaker: rng.next() < 0.5,
      });
    }
    return out;
  }

  private size(id: string, rng: Rng): number {
    const m = this.byId.get(id)!;
    if (m.levelSize !== undefined) {
      return Math.max(1, Math.round((m.levelSize * (0.5 + rng.next())) / m.stepSize)) * m.stepSize;
    }
    return (1 + rng.int(5000)) * m.stepSize;
  }

  private rngAt(id: string, now: number): Rng {
    let h = this.seed ^ Math.floor(now / 1000);
    for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
    return new Rng(h >>> 0);
  }

  private history(id: string): SimHistory {
    const h = this.options.history[id];
    if (!h) throw invalidSymbol(id);
    return h;
  }

  /** Base candles with open time in [from, to] and open time <= now; the one containing now is partial. */
  private baseCandles(id: string, from: number, to: number): SimCandle[] {
    const { timeframe, candles } = this.history(id);
    const baseMs = TIMEFRAME_MS[timeframe];
    const now = this.now();
    const out: SimCandle[] = [];
    for (let i = lowerBound(candles, from); i < candles.length; i++) {
      const c = candles[i]!;
      if (c.timestamp > to || c.timestamp > now) break;
      const closeTime = c.timestamp + baseMs;
      if (closeTime <= now) {
        out.push({ ...c, closeTime, closed: true });
      } else {
        // progressive partial candle: what a trader could have seen so far, never the final values
        const f = (now - c.timestamp) / baseMs;
        const close = c.open + (c.close - c.open) * f;
        out.push({
          timestamp: c.timestamp,
          open: c.open,
          high: Math.max(c.open, close),
          low: Math.min(c.open, close),
          close,
          volume: c.volume * f,
          closeTime,
          closed: false,
        });
      }
    }
    return out;
  }
}

function lowerBound(candles: readonly Candle[], t: number): number {
  let lo = 0;
  let hi = candles.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (candles[mid]!.timestamp < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function uuidFrom(rng: Rng): string {
  const hex = (n: number): string => Array.from({ length: n }, () => rng.int(16).toString(16)).join("");
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${"89ab"[rng.int(4)]}${hex(3)}-${hex(12)}`;
}
