import type { Fill } from "../../offchain/protocol/reportTypes.js";
import type { VenueFill } from "../venue/VenueFillsSource.js";

/** A reported fill of one order: its index in the report and the client order id its context names. */
export interface ClaimedFill {
  readonly index: number;
  readonly clientOrderId: string;
  readonly fill: Fill;
}

/** Why a fill of the order cannot be matched to the venue's trades of it. */
export interface UnmatchedFill {
  readonly index: number;
  readonly detail: string;
}

/** Search steps before a report whose fills can be matched in too many ways is given up on. */
export const MAX_MATCH_STEPS = 100_000;

/** Trades identical in every field, and how many of them are not yet claimed. */
interface TradeClass {
  readonly trade: VenueFill;
  left: number;
}

const describe = (f: Fill) =>
  `quantity ${f.quantityE8}, price ${f.priceE8}, fee ${f.feeE8}, time ${f.timestamp}`;

/**
 * Matches the reported fills of one order to the venue's trades of it, each trade claimed by at most
 * one fill: a fill is either one trade equal to it in (client order id, asset, quantity, price, fee,
 * time), or k ≥ 2 trades identical in every field whose quantity and fee, k-fold, are the fill's —
 * the execution engine merges such trades into one fill (they would hash alike). An exhaustive
 * search (fills with the fewest candidates first), so an assignment is found whenever one exists.
 *
 * @returns null when every fill is matched, else the first fill (by report index) that matches no
 *   trade, or the fill the search could not place because other fills claim its trades
 */
export function matchOrderTrades(
  claims: readonly ClaimedFill[],
  trades: readonly VenueFill[],
): UnmatchedFill | null {
  const classes = new Map<string, TradeClass>();
  for (const t of trades) {
    const key = JSON.stringify([
      t.clientOrderId,
      t.asset,
      String(t.quantityE8),
      String(t.priceE8),
      String(t.feeE8),
      String(t.timestamp),
    ]);
    const c = classes.get(key);
    if (c) c.left++;
    else classes.set(key, { trade: t, left: 1 });
  }
  const candidates = (claim: ClaimedFill): Array<{ cls: TradeClass; k: number }> => {
    const f = claim.fill;
    const out: Array<{ cls: TradeClass; k: number }> = [];
    for (const cls of classes.values()) {
      const t = cls.trade;
      if (
        t.clientOrderId !== claim.clientOrderId ||
        t.asset !== f.asset ||
        t.priceE8 !== f.priceE8 ||
        t.timestamp !== f.timestamp
      )
        continue;
      let k: bigint;
      if (t.quantityE8 === 0n) {
        if (f.quantityE8 !== 0n) continue;
        k = 1n;
      } else {
        if (f.quantityE8 % t.quantityE8 !== 0n) continue;
        k = f.quantityE8 / t.quantityE8;
      }
      if (k < 1n || k > BigInt(cls.left) || t.feeE8 * k !== f.feeE8) continue;
      out.push({ cls, k: Number(k) });
    }
    return out;
  };

  const slots = claims.map((claim) => ({ claim, options: candidates(claim) }));
  const byIndex = [...slots].sort((a, b) => a.claim.index - b.claim.index);
  const none = byIndex.find((s) => s.options.length === 0);
  if (none) {
    return {
      index: none.claim.index,
      detail:
        trades.length === 0
          ? "the venue knows no trade of the order"
          : `${describe(none.claim.fill)} matches no venue trade of the order ` +
            `(${trades.length} known), alone or as identical trades merged`,
    };
  }

  const order = [...slots].sort(
    (a, b) => a.options.length - b.options.length || a.claim.index - b.claim.index,
  );
  let steps = 0;
  let deepest = -1;
  const place = (d: number): boolean => {
    if (d === order.length) return true;
    if (++steps > MAX_MATCH_STEPS) return false;
    for (const o of order[d]!.options) {
      if (o.cls.left < o.k) continue;
      o.cls.left -= o.k;
      if (place(d + 1)) return true;
      o.cls.left += o.k;
    }
    if (d > deepest) deepest = d;
    return false;
  };
  if (place(0)) return null;
  if (steps > MAX_MATCH_STEPS) {
    return {
      index: byIndex[0]!.claim.index,
      detail: `its fills can be matched to the venue's trades in too many ways (over ${MAX_MATCH_STEPS} steps)`,
    };
  }
  const blocked = order[Math.max(deepest, 0)]!.claim;
  return {
    index: blocked.index,
    detail: `${describe(blocked.fill)}: the venue trades it matches are claimed by other fills of the report`,
  };
}
