import type { Fill } from "../../engine/ExecutionVenue.js";

/** Realised P&L of one position reduction (average-cost accounting, net of both sides' fees). */
export interface ClosedTrade {
  readonly symbol: string;
  readonly time: number;
  readonly pnl: number;
}

/**
 * Turns fills into realised trades: every fill that reduces or closes a position realises
 * (exit − average entry)·quantity in the position's direction, minus the exit fee and the share of
 * entry fees carried by that quantity. Win rate and profit factor are computed over these.
 */
export function closedTrades(fills: readonly Fill[]): ClosedTrade[] {
  const book = new Map<string, { qty: number; avg: number; feePerUnit: number }>();
  const out: ClosedTrade[] = [];
  for (const f of fills) {
    const b = book.get(f.symbol) ?? { qty: 0, avg: 0, feePerUnit: 0 };
    const signed = f.side === "buy" ? f.quantity : -f.quantity;
    if (b.qty === 0 || Math.sign(b.qty) === Math.sign(signed)) {
      const q = Math.abs(b.qty) + f.quantity;
      b.avg = (Math.abs(b.qty) * b.avg + f.quantity * f.price) / q;
      b.feePerUnit = (Math.abs(b.qty) * b.feePerUnit + f.fee) / q;
      b.qty += signed;
    } else {
      const closing = Math.min(Math.abs(b.qty), f.quantity);
      const dir = Math.sign(b.qty);
      const exitFee = (f.fee * closing) / f.quantity;
      out.push({
        symbol: f.symbol,
        time: f.timestamp,
        pnl: dir * (f.price - b.avg) * closing - exitFee - b.feePerUnit * closing,
      });
      const rest = f.quantity - closing;
      b.qty += signed;
      if (rest > 1e-12) {
        // Flipped: the remainder opens a new position at this fill.
        b.avg = f.price;
        b.feePerUnit = (f.fee - exitFee) / rest;
      } else if (Math.abs(b.qty) < 1e-12) {
        b.qty = 0;
        b.avg = 0;
        b.feePerUnit = 0;
      }
    }
    book.set(f.symbol, b);
  }
  return out;
}
