import type { CcxtTradeLike } from "./CcxtExchangeLike.js";
import type { VenueTrade } from "./TradingVenue.js";

/**
 * A ccxt trade as a `VenueTrade`: the one conversion of a venue trade the engine records (and
 * reports) and the oracle nodes check reports against. A fee charged in the base coin (WEEX charges
 * a spot buy's fee in what it bought) is converted at the trade price: fills carry quote fees.
 *
 * @param base the market's base coin (`markets[symbol].base`); undefined leaves fees as they are
 * @param fallbackTimestamp venue time (ms) for a trade the exchange gives none
 */
export function venueTradeOf(
  t: CcxtTradeLike,
  symbol: string,
  base: string | undefined,
  fallbackTimestamp: number,
): VenueTrade {
  const price = t.price ?? 0;
  const fee = t.fee?.cost ?? 0;
  const info = (t.info ?? {}) as Record<string, unknown>;
  const cid = info["clientOrderId"];
  const inBase = t.fee?.currency !== undefined && t.fee.currency === base;
  return {
    id: String(t.id ?? `${t.order}-${t.timestamp}`),
    orderId: String(t.order ?? ""),
    clientOrderId: typeof cid === "string" ? cid : undefined,
    symbol: t.symbol ?? symbol,
    side: t.side === "sell" ? "sell" : "buy",
    amount: t.amount ?? 0,
    price,
    fee: Math.abs(inBase ? fee * price : fee),
    feeBase: inBase ? Math.abs(fee) : 0,
    timestamp: t.timestamp ?? fallbackTimestamp,
  };
}
