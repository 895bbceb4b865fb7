import type { QueuedOrder } from "./OrderStore.js";

/**
 * What a reconciliation found that the venue and the engine's books disagree on:
 * - `trades-incomplete`: a finished order whose recorded trades do not (yet) add up to what the
 *   venue says it filled, or whose trades could not be read: it stays on the reconcile queue;
 * - `foreign-trade`: a venue trade on the account that belongs to no order of ours (never booked);
 * - `fill-not-at-venue`: a fill the books hold that the venue's trade list does not;
 * - `position` / `cash`: a venue balance differs from the opening balance plus every recorded fill
 *   (and, for cash, the custody transfers) by more than the tolerance.
 */
export type DivergenceKind =
  "trades-incomplete" | "foreign-trade" | "fill-not-at-venue" | "position" | "cash";

export interface Divergence {
  readonly kind: DivergenceKind;
  /** One line for the operator. */
  readonly message: string;
  readonly symbol?: string;
  readonly clientOrderId?: string;
  readonly tradeId?: string;
  /** The venue's figure and the books' (quantities in base units, cash in quote). */
  readonly venue?: number;
  readonly books?: number;
}

/** A venue trade of one of our orders the books lacked: recorded now, reported through the normal path. */
export interface RepairedFill {
  readonly tradeId: string;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: "buy" | "sell";
  readonly amount: number;
  readonly price: number;
}

/** Venue balances against the books, per symbol. */
export interface BalanceCheck {
  readonly symbol: string;
  readonly venue: number;
  readonly books: number;
}

/**
 * One reconciliation of the venue against the engine's books (`ExecutionEngine.reconcile`): what
 * is still on the reconcile queue, fills held back from reporting, fills repaired from the venue's
 * trade list, balances compared, and every divergence. `ok` only when nothing diverges and every
 * read succeeded: a check that could not run is not a pass.
 */
export interface ReconciliationReport {
  /** Venue time (ms). */
  readonly at: number;
  readonly ok: boolean;
  readonly queue: readonly QueuedOrder[];
  /** Signals whose fills wait for an earlier signal's trades to be read. */
  readonly heldBack: readonly { readonly signalSequence: number; readonly fills: number }[];
  readonly repaired: readonly RepairedFill[];
  readonly positions: readonly BalanceCheck[];
  readonly cash: { readonly venue: number; readonly books: number } | null;
  readonly divergences: readonly Divergence[];
  /** Reads that failed, or checks that could not run (e.g. no opening balance yet). */
  readonly errors: readonly string[];
}

/** One line for a console: "ok" or what diverges. */
export function reconciliationSummary(r: ReconciliationReport): string {
  if (r.ok)
    return `ok: ${r.positions.length} positions and cash agree${r.repaired.length ? `, ${r.repaired.length} fills repaired` : ""}`;
  const parts: string[] = [];
  if (r.divergences.length) parts.push(r.divergences.map((d) => d.message).join("; "));
  if (r.heldBack.length)
    parts.push(`reports held back for signals ${r.heldBack.map((h) => h.signalSequence).join(", ")}`);
  if (r.errors.length) parts.push(`unchecked: ${r.errors.join("; ")}`);
  if (r.repaired.length) parts.push(`${r.repaired.length} fills repaired`);
  return `DIVERGENCE: ${parts.join(" | ")}`;
}
