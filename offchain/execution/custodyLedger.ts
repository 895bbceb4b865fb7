import type { CcxtLedgerEntryLike } from "./CcxtExchangeLike.js";
import { ExecutionError } from "./errors.js";
import type { CustodyTotals } from "./TradingVenue.js";

/** ccxt's `fetchLedger`, bound to its exchange (the retrying wrapper of the caller, if any). */
export type FetchLedger = (
  code: string,
  since: undefined,
  limit: number,
  params: Record<string, unknown>,
) => Promise<CcxtLedgerEntryLike[]>;

/** Bills per ledger page (the WEEX maximum) and pages read at most for one total. */
export const LEDGER_PAGE = 100;
const MAX_LEDGER_PAGES = 1_000;

/**
 * Cumulative custody transfers of `quote` into and out of a venue account, summed from the account's
 * own ledger (WEEX bills `transfer_in` / `transfer_out`): what a NAV report's custody counters attest.
 * Pages back from the newest bill; bills are deduplicated by id, so the inclusive page boundary is safe.
 * The engine (reporting) and the oracle nodes (checking) read it the same way.
 */
export async function custodyTotalsFromLedger(
  fetchLedger: FetchLedger,
  quote: string,
  venue: string,
): Promise<CustodyTotals> {
  return {
    credited: await sumBills(fetchLedger, quote, venue, "transfer_in"),
    debited: await sumBills(fetchLedger, quote, venue, "transfer_out"),
  };
}

async function sumBills(
  fetchLedger: FetchLedger,
  quote: string,
  venue: string,
  bizType: "transfer_in" | "transfer_out",
): Promise<number> {
  const seen = new Set<string>();
  let total = 0;
  let until: number | undefined;
  for (let page = 0; page < MAX_LEDGER_PAGES; page++) {
    const entries = await fetchLedger(
      quote,
      undefined,
      LEDGER_PAGE,
      until === undefined ? { bizType } : { bizType, until },
    );
    let fresh = 0;
    let oldest = Number.POSITIVE_INFINITY;
    for (const e of entries) {
      const key = e.id ?? JSON.stringify([e.timestamp, e.amount, e.direction]);
      if (seen.has(key)) continue;
      seen.add(key);
      fresh += 1;
      if (e.timestamp !== undefined) oldest = Math.min(oldest, e.timestamp);
      if (e.currency !== undefined && e.currency !== quote) continue;
      if (e.amount === undefined || !Number.isFinite(e.amount))
        throw new ExecutionError(`${venue}: a ${bizType} bill without an amount (id ${String(e.id)})`);
      total += Math.abs(e.amount);
    }
    if (entries.length < LEDGER_PAGE) return total;
    if (fresh === 0 || !Number.isFinite(oldest))
      throw new ExecutionError(`${venue}: cannot page ${bizType} bills past ${String(until)}`);
    until = oldest;
  }
  throw new ExecutionError(`${venue}: more than ${MAX_LEDGER_PAGES} pages of ${bizType} bills`);
}
