import { createHash } from "node:crypto";
import type { MarketState, SimMarket } from "./MarketState.js";
import type { SimAccount } from "./SimAccount.js";
import { SimStateError } from "./SimState.js";
import type { WeexSimState } from "./SimState.js";
import { toStep } from "./decimalString.js";
import { fx, fxDiv, fxFormat, fxMin, fxMul, isDecimalText } from "./fixedPoint.js";
import {
  clientOidInvalid,
  decimalPrecision,
  duplicateClientOrderId,
  invalidOrderType,
  invalidParam,
  invalidSide,
  invalidTimeInForce,
  orderNotExist,
  paramEmpty,
} from "./WeexApiError.js";

export type SpotSide = "BUY" | "SELL";
export type SpotOrderType = "LIMIT" | "MARKET";
export type TimeInForce = "GTC" | "IOC" | "FOK";
/** WEEX spot statuses; ccxt 4.5.84 maps NEW/FILLED/CANCELED but passes PARTIALLY_FILLED through. */
export type SpotOrderStatus = "NEW" | "PARTIALLY_FILLED" | "FILLED" | "CANCELED";

export interface SpotOrder {
  readonly orderId: string;
  readonly clientOrderId: string;
  readonly account: SimAccount;
  readonly market: SimMarket;
  readonly side: SpotSide;
  readonly type: SpotOrderType;
  readonly timeInForce: TimeInForce;
  /** Limit price; 0 for market orders. */
  readonly price: bigint;
  readonly origQty: bigint;
  executedQty: bigint;
  cumQuote: bigint;
  status: SpotOrderStatus;
  readonly time: number;
  updateTime: number;
  /** What is still locked for the order: quote (at the limit price) for a buy, base for a sell. */
  locked: bigint;
  /** Last price when placed: where the replayed path starts inside the placement candle. */
  readonly refPrice: number;
  /** Market time up to which replayed candles have been matched against the resting order. */
  evaluatedUntil: number;
}

export interface SpotFill {
  readonly id: string;
  readonly order: SpotOrder;
  readonly price: bigint;
  readonly qty: bigint;
  readonly quote: bigint;
  /** Charged in the asset received: base for a buy, quote for a sell (as WEEX does). */
  readonly commission: bigint;
  readonly isMaker: boolean;
  readonly time: number;
}

/** A new-order request as `POST /api/v3/order` carries it (strings as on the wire). */
export interface PlaceSpotOrder {
  readonly symbol?: string;
  readonly side?: string;
  readonly type?: string;
  readonly quantity?: string;
  readonly price?: string;
  readonly timeInForce?: string;
  readonly newClientOrderId?: string;
}

export interface SpotEngineOptions {
  /** Book levels per side a taker order can walk (default 200). */
  readonly depthLevels?: number;
  /**
   * Share of a replayed candle's volume a resting order can take when the price trades through
   * it (default 0.25): large resting orders fill over several candles.
   */
  readonly restingFillShare?: number;
}

/** The engine's part of a `WeexSimState`. */
export type SpotEngineState = Pick<WeexSimState, "orders" | "fills" | "book">;

interface Taken {
  readonly symbol: string;
  readonly side: SpotSide;
  readonly price: bigint;
  qty: bigint;
}

export type OrderRef = { readonly orderId: string } | { readonly clientOrderId: string };

const CLIENT_OID = /^[A-Za-z0-9_-]{1,40}$/;

/**
 * Spot matching for the simulated WEEX. Taker orders walk the seeded synthetic book around the
 * replayed price (levels taken in one book second stay taken until the book refreshes); the
 * remainder of a GTC limit rests and fills as maker, at its limit price, when a later replayed
 * candle trades through it (up to `restingFillShare` of that candle's volume). Everything is a
 * function of the market clock and the seed, and resting orders are matched per closed candle,
 * so how often a client polls never changes what fills.
 */
export class SpotEngine {
  readonly orders: SpotOrder[] = [];
  readonly fills: SpotFill[] = [];
  private readonly depthLevels: number;
  private readonly restingFillShare: number;
  private consumed = { second: -1, taken: new Map<string, Taken>() };

  constructor(
    private readonly state: MarketState,
    private readonly nextId: () => string,
    options: SpotEngineOptions = {},
  ) {
    this.depthLevels = options.depthLevels ?? 200;
    this.restingFillShare = options.restingFillShare ?? 0.25;
  }

  place(account: SimAccount, p: PlaceSpotOrder): SpotOrder {
    if (!p.symbol) throw paramEmpty("symbol");
    const market = this.state.market(p.symbol, "spot");
    if (p.side !== "BUY" && p.side !== "SELL") throw invalidSide(p.side);
    if (p.type !== "LIMIT" && p.type !== "MARKET") throw invalidOrderType(p.type);
    const side: SpotSide = p.side;
    const type: SpotOrderType = p.type;
    let tif: TimeInForce = type === "MARKET" ? "IOC" : "GTC";
    if (type === "LIMIT" && p.timeInForce !== undefined) {
      if (p.timeInForce !== "GTC" && p.timeInForce !== "IOC" && p.timeInForce !== "FOK") {
        throw invalidTimeInForce(p.timeInForce);
      }
      tif = p.timeInForce;
    }
    const qty = this.decimalParam("quantity", p.quantity, market.stepSize);
    const minQty = fx(market.minQty ?? market.stepSize);
    if (qty < minQty) {
      throw invalidParam(`quantity must be greater than or equal to minTradeAmount ${fxFormat(minQty)}`);
    }
    const price = type === "LIMIT" ? this.decimalParam("price", p.price, market.tickSize) : 0n;
    const clientOrderId = this.clientOrderId(account, p.newClientOrderId);

    const now = this.state.now();
    const last = this.state.lastCandle(market.id);
    if (!last) throw invalidParam(`no market data for ${market.id} at ${new Date(now).toISOString()}`);
    const walk = this.walk(market, side, qty, type === "LIMIT" ? price : undefined);
    const walkedQty = walk.reduce((s, l) => s + l.qty, 0n);
    const walkedQuote = walk.reduce((s, l) => s + fxMul(l.qty, l.price), 0n);
    const notionalPrice = price > 0n ? price : (walk[0]?.price ?? fx(last.close));
    if (market.minNotional !== undefined && fxMul(qty, notionalPrice) < fx(market.minNotional)) {
      throw invalidParam(`order value must be greater than or equal to ${market.minNotional}`);
    }

    // funds are checked (and locked) before anything fills, as a venue must
    const lockAsset = side === "BUY" ? market.quote : market.base;
    const lockAmount = side === "SELL" ? qty : type === "LIMIT" ? fxMul(qty, price) : walkedQuote;
    account.lock(lockAsset, lockAmount);

    const orderId = this.nextId();
    const order: SpotOrder = {
      orderId,
      // WEEX fills in a 32-hex id when none is sent; derived from the order id to stay deterministic
      clientOrderId: clientOrderId ?? createHash("sha256").update(orderId).digest("hex").slice(0, 32),
      account,
      market,
      side,
      type,
      timeInForce: tif,
      price,
      origQty: qty,
      executedQty: 0n,
      cumQuote: 0n,
      status: "NEW",
      time: now,
      updateTime: now,
      locked: lockAmount,
      refPrice: last.close,
      evaluatedUntil: now,
    };
    this.orders.push(order);

    const fillOrKillFails = tif === "FOK" && walkedQty < qty;
    if (!fillOrKillFails) {
      for (const level of walk) {
        this.take(market, side, level.price, level.qty);
        this.settle(order, level.price, level.qty, false, now);
      }
    }
    if (order.executedQty < order.origQty && (type === "MARKET" || tif !== "GTC")) {
      this.close(order, "CANCELED", now);
    }
    return order;
  }

  cancel(account: SimAccount, ref: OrderRef, symbol?: string): SpotOrder {
    const order = this.find(account, ref, symbol);
    if (order.status !== "NEW" && order.status !== "PARTIALLY_FILLED") throw orderNotExist();
    this.close(order, "CANCELED", this.state.now());
    return order;
  }

  cancelAll(account: SimAccount, symbol: string): SpotOrder[] {
    this.state.market(symbol, "spot");
    const open = this.open(account, symbol);
    for (const o of open) this.close(o, "CANCELED", this.state.now());
    return open;
  }

  find(account: SimAccount, ref: OrderRef, symbol?: string): SpotOrder {
    const hit = this.orders.find(
      (o) =>
        o.account === account &&
        ("orderId" in ref ? o.orderId === ref.orderId : o.clientOrderId === ref.clientOrderId) &&
        (symbol === undefined || o.market.id === symbol),
    );
    if (!hit) throw orderNotExist();
    return hit;
  }

  open(account: SimAccount, symbol?: string): SpotOrder[] {
    return this.orders.filter(
      (o) =>
        o.account === account &&
        (o.status === "NEW" || o.status === "PARTIALLY_FILLED") &&
        (symbol === undefined || o.market.id === symbol),
    );
  }

  /**
   * Matches resting orders against every replayed candle that closed since they were last
   * looked at. Idempotent for a given clock value; the simulator calls it before each request.
   */
  sync(): void {
    const now = this.state.now();
    for (const order of this.orders) {
      if (order.status !== "NEW" && order.status !== "PARTIALLY_FILLED") continue;
      const baseMs = this.state.baseIntervalMs(order.market.id);
      const from = Math.floor(order.evaluatedUntil / baseMs) * baseMs;
      if (from + baseMs > now) continue;
      const candles = this.state.klines(order.market.id, {
        intervalMs: baseMs,
        startTime: from,
        limit: Math.ceil((now - from) / baseMs) + 1,
      });
      for (const c of candles) {
        if (!c.closed || c.closeTime <= order.evaluatedUntil) continue;
        // inside the placement candle only the path after placement counts
        const lo = c.timestamp < order.time ? Math.min(order.refPrice, c.close) : c.low;
        const hi = c.timestamp < order.time ? Math.max(order.refPrice, c.close) : c.high;
        const p = Number(fxFormat(order.price));
        const through = order.side === "BUY" ? lo < p : hi > p;
        order.evaluatedUntil = c.closeTime;
        if (!through) continue;
        const step = fx(order.market.stepSize);
        const cap = (fx(c.volume * this.restingFillShare) / step) * step;
        const q = fxMin(order.origQty - order.executedQty, cap);
        if (q > 0n) this.settle(order, order.price, q, true, c.closeTime);
        if ((order.status as SpotOrderStatus) === "FILLED") break; // settle() moved it on
      }
    }
  }

  /** Fills, newest first. */
  fillsOf(account: SimAccount, symbol: string, orderId?: string): SpotFill[] {
    return this.fills
      .filter(
        (f) =>
          f.order.account === account &&
          f.order.market.id === symbol &&
          (orderId === undefined || f.order.orderId === orderId),
      )
      .reverse();
  }

  fillsOfOrder(order: SpotOrder): SpotFill[] {
    return this.fills.filter((f) => f.order === order);
  }

  /** Orders, fills and this second's taken book liquidity as plain JSON. */
  exportState(): SpotEngineState {
    return {
      orders: this.orders.map((o) => ({
        orderId: o.orderId,
        clientOrderId: o.clientOrderId,
        account: o.account.name,
        symbol: o.market.id,
        side: o.side,
        type: o.type,
        timeInForce: o.timeInForce,
        price: fxFormat(o.price),
        origQty: fxFormat(o.origQty),
        executedQty: fxFormat(o.executedQty),
        cumQuote: fxFormat(o.cumQuote),
        status: o.status,
        time: o.time,
        updateTime: o.updateTime,
        locked: fxFormat(o.locked),
        refPrice: o.refPrice,
        evaluatedUntil: o.evaluatedUntil,
      })),
      fills: this.fills.map((f) => ({
        id: f.id,
        orderId: f.order.orderId,
        price: fxFormat(f.price),
        qty: fxFormat(f.qty),
        quote: fxFormat(f.quote),
        commission: fxFormat(f.commission),
        isMaker: f.isMaker,
        time: f.time,
      })),
      book: {
        second: this.consumed.second,
        taken: [...this.consumed.taken.values()].map((t) => ({
          symbol: t.symbol,
          side: t.side,
          price: fxFormat(t.price),
          qty: fxFormat(t.qty),
        })),
      },
    };
  }

  /**
   * Takes over a saved state's orders, fills and taken liquidity (validated by `parseSimState`);
   * `account` resolves an account name. Only for an engine that has seen no order yet. Markets
   * must be spot markets of this simulator, or `SimStateError`.
   */
  restoreState(s: SpotEngineState, account: (name: string) => SimAccount): void {
    if (this.orders.length > 0 || this.fills.length > 0) {
      throw new Error("the spot engine already has orders: restore before trading");
    }
    const market = (symbol: string, what: string): SimMarket => {
      try {
        return this.state.market(symbol, "spot");
      } catch (cause) {
        throw new SimStateError(`${what} trades ${symbol}, which is not a spot market of this simulator`, {
          hint: "Start the simulator with the markets and history the state was saved with, or delete the state file.",
          cause,
        });
      }
    };
    const byId = new Map<string, SpotOrder>();
    for (const o of s.orders) {
      const order: SpotOrder = {
        orderId: o.orderId,
        clientOrderId: o.clientOrderId,
        account: account(o.account),
        market: market(o.symbol, `order ${o.orderId}`),
        side: o.side,
        type: o.type,
        timeInForce: o.timeInForce,
        price: fx(o.price),
        origQty: fx(o.origQty),
        executedQty: fx(o.executedQty),
        cumQuote: fx(o.cumQuote),
        status: o.status,
        time: o.time,
        updateTime: o.updateTime,
        locked: fx(o.locked),
        refPrice: o.refPrice,
        evaluatedUntil: o.evaluatedUntil,
      };
      byId.set(order.orderId, order);
      this.orders.push(order);
    }
    for (const f of s.fills) {
      const order = byId.get(f.orderId);
      if (!order) throw new SimStateError(`fill ${f.id} names unknown order ${f.orderId}`);
      this.fills.push({
        id: f.id,
        order,
        price: fx(f.price),
        qty: fx(f.qty),
        quote: fx(f.quote),
        commission: fx(f.commission),
        isMaker: f.isMaker,
        time: f.time,
      });
    }
    const taken = new Map<string, Taken>();
    for (const t of s.book.taken) {
      const m = market(t.symbol, "taken book liquidity");
      const price = fx(t.price);
      taken.set(`${m.id}:${t.side}:${price}`, { symbol: m.id, side: t.side, price, qty: fx(t.qty) });
    }
    this.consumed = { second: s.book.second, taken };
  }

  private clientOrderId(account: SimAccount, id: string | undefined): string | undefined {
    if (id === undefined || id === "") return undefined;
    if (!CLIENT_OID.test(id)) throw clientOidInvalid();
    if (this.orders.some((o) => o.account === account && o.clientOrderId === id)) {
      throw duplicateClientOrderId(id);
    }
    return id;
  }

  private decimalParam(name: string, text: string | undefined, step: number): bigint {
    if (text === undefined || text === "") throw paramEmpty(name);
    if (!isDecimalText(text)) throw invalidParam(`${name} must be a decimal number, got "${text}"`);
    const v = fx(text);
    if (v <= 0n) throw invalidParam(`${name} must be greater than 0`);
    if (v % fx(toStep(step, step)) !== 0n) {
      throw decimalPrecision(`${name} ${text} is not a multiple of ${toStep(step, step)}`);
    }
    return v;
  }

  /** Levels a taker order would take now, best first, net of liquidity already taken this second. */
  private walk(
    market: SimMarket,
    side: SpotSide,
    qty: bigint,
    limit: bigint | undefined,
  ): { price: bigint; qty: bigint }[] {
    const book = this.state.depth(market.id, this.depthLevels);
    const levels = side === "BUY" ? book.asks : book.bids;
    const out: { price: bigint; qty: bigint }[] = [];
    let left = qty;
    for (const [p, q] of levels) {
      if (left <= 0n) break;
      const price = fx(toStep(p, market.tickSize));
      if (limit !== undefined && (side === "BUY" ? price > limit : price < limit)) break;
      const avail = fx(toStep(q, market.stepSize)) - this.taken(market, side, price);
      if (avail <= 0n) continue;
      const take = fxMin(avail, left);
      out.push({ price, qty: take });
      left -= take;
    }
    return out;
  }

  private taken(market: SimMarket, side: SpotSide, price: bigint): bigint {
    this.rollBook();
    return this.consumed.taken.get(`${market.id}:${side}:${price}`)?.qty ?? 0n;
  }

  private take(market: SimMarket, side: SpotSide, price: bigint, qty: bigint): void {
    this.rollBook();
    const key = `${market.id}:${side}:${price}`;
    const row = this.consumed.taken.get(key);
    if (row) row.qty += qty;
    else this.consumed.taken.set(key, { symbol: market.id, side, price, qty });
  }

  /** The synthetic book is regenerated every market second; what was taken before is back. */
  private rollBook(): void {
    const second = Math.floor(this.state.now() / 1000);
    if (second !== this.consumed.second) this.consumed = { second, taken: new Map() };
  }

  private settle(order: SpotOrder, price: bigint, qty: bigint, isMaker: boolean, time: number): void {
    const { account, market } = order;
    const quote = fxMul(qty, price);
    const rate = fx((isMaker ? market.makerFeeRate : market.takerFeeRate) ?? 0.001);
    const trade = { fillSize: qty, fillValue: quote, cTime: time };
    let commission: bigint;
    if (order.side === "BUY") {
      // the lock was taken at the limit price: a better fill hands the difference back
      const lockUsed = order.type === "LIMIT" ? fxMul(qty, order.price) : quote;
      account.unlock(market.quote, lockUsed - quote);
      account.apply(market.quote, -quote, "locked", { ...trade, bizType: "trade_out", fees: 0n });
      commission = fxMul(qty, rate);
      account.apply(market.base, qty - commission, "free", {
        ...trade,
        bizType: "trade_in",
        fees: commission,
      });
      order.locked -= lockUsed;
    } else {
      account.apply(market.base, -qty, "locked", { ...trade, bizType: "trade_out", fees: 0n });
      commission = fxMul(quote, rate);
      account.apply(market.quote, quote - commission, "free", {
        ...trade,
        bizType: "trade_in",
        fees: commission,
      });
      order.locked -= qty;
    }
    order.executedQty += qty;
    order.cumQuote += quote;
    order.updateTime = time;
    this.fills.push({ id: this.nextId(), order, price, qty, quote, commission, isMaker, time });
    if (order.executedQty === order.origQty) this.close(order, "FILLED", time);
    else order.status = "PARTIALLY_FILLED";
  }

  /** Ends an order and hands back whatever it still had locked. */
  private close(order: SpotOrder, status: "FILLED" | "CANCELED", time: number): void {
    order.status = status;
    order.updateTime = time;
    if (order.locked > 0n) {
      order.account.unlock(order.side === "BUY" ? order.market.quote : order.market.base, order.locked);
      order.locked = 0n;
    }
  }
}

/** Average fill price of an order, 0 when nothing filled. */
export function averagePrice(order: SpotOrder): bigint {
  return order.executedQty === 0n ? 0n : fxDiv(order.cumQuote, order.executedQty);
}
