import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import type { OrderReason } from "../engine/ExecutionVenue.js";

/**
 * Local lifecycle of an order. "pending" is written before the POST; "unknown" means the POST
 * failed in a way that may have placed it; "not-placed" means reconciliation proved it never was.
 */
export type StoredOrderStatus =
  "pending" | "unknown" | "open" | "closed" | "canceled" | "rejected" | "not-placed";

export const TERMINAL: ReadonlySet<StoredOrderStatus> = new Set([
  "closed",
  "canceled",
  "rejected",
  "not-placed",
]);

export interface StoredOrder {
  readonly clientOrderId: string;
  readonly signalSequence: number;
  readonly leg: number;
  readonly attempt: number;
  readonly symbol: string;
  readonly side: "buy" | "sell";
  readonly type: "market" | "limit";
  readonly quantity: number;
  readonly limitPrice: number | null;
  readonly reason: OrderReason;
  readonly status: StoredOrderStatus;
  readonly venueOrderId: string | null;
  readonly filled: number;
  /** Venue time (ms) the intent was written. */
  readonly createdAt: number;
  readonly note: string | null;
}

export interface StoredFill {
  readonly tradeId: string;
  readonly clientOrderId: string;
  readonly signalSequence: number;
  readonly asset: number;
  readonly symbol: string;
  readonly side: "buy" | "sell";
  readonly amount: number;
  readonly price: number;
  readonly fee: number;
  readonly timestamp: number;
  /** Execution-report batch it went out in (0 = not yet reported). */
  readonly reportBatch: number;
}

/** What shadow mode says an order would have done at the venue's book. */
export interface ShadowFillRecord {
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: "buy" | "sell";
  readonly quantity: number;
  readonly filledQuantity: number;
  /** Volume-weighted price over the book levels the order would have taken (0 if none). */
  readonly averagePrice: number;
  readonly bookTimestamp: number;
}

type Row = Record<string, string | number | null>;

/**
 * The engine's durable memory (node:sqlite in the data directory): order intents written before
 * they are sent, their venue state, fills keyed by venue trade id (recording is idempotent), the
 * signal cursor and shadow fills. Everything a restart needs to avoid sending an order twice.
 */
export class OrderStore {
  readonly db: DatabaseSync;

  constructor(path: string) {
    this.db = new DatabaseSync(path);
    this.db.exec(`
      PRAGMA journal_mode = WAL;
      CREATE TABLE IF NOT EXISTS orders (
        client_order_id TEXT PRIMARY KEY, signal_seq INTEGER NOT NULL, leg INTEGER NOT NULL,
        attempt INTEGER NOT NULL, symbol TEXT NOT NULL, side TEXT NOT NULL, type TEXT NOT NULL,
        quantity REAL NOT NULL, limit_price REAL, reason TEXT NOT NULL, status TEXT NOT NULL,
        venue_order_id TEXT, filled REAL NOT NULL DEFAULT 0, created_at INTEGER NOT NULL, note TEXT,
        UNIQUE (signal_seq, leg, attempt));
      CREATE TABLE IF NOT EXISTS fills (
        trade_id TEXT PRIMARY KEY, client_order_id TEXT NOT NULL, signal_seq INTEGER NOT NULL,
        asset INTEGER NOT NULL, symbol TEXT NOT NULL, side TEXT NOT NULL, amount REAL NOT NULL,
        price REAL NOT NULL, fee REAL NOT NULL, timestamp INTEGER NOT NULL,
        report_batch INTEGER NOT NULL DEFAULT 0);
      CREATE TABLE IF NOT EXISTS cursors (name TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS shadow_fills (
        client_order_id TEXT PRIMARY KEY, symbol TEXT NOT NULL, side TEXT NOT NULL,
        quantity REAL NOT NULL, filled_quantity REAL NOT NULL, average_price REAL NOT NULL,
        book_timestamp INTEGER NOT NULL);
    `);
  }

  /** Opens `<dataDir>/execution.sqlite`, creating the directory. */
  static inDir(dataDir: string): OrderStore {
    mkdirSync(dataDir, { recursive: true });
    return new OrderStore(join(dataDir, "execution.sqlite"));
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }

  /** Writes the intent (status "pending") before the order is sent. Fails if the id exists. */
  insertIntent(o: Omit<StoredOrder, "status" | "venueOrderId" | "filled" | "note">): void {
    this.db
      .prepare(
        `INSERT INTO orders (client_order_id, signal_seq, leg, attempt, symbol, side, type, quantity,
         limit_price, reason, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)`,
      )
      .run(
        o.clientOrderId,
        o.signalSequence,
        o.leg,
        o.attempt,
        o.symbol,
        o.side,
        o.type,
        o.quantity,
        o.limitPrice,
        o.reason,
        o.createdAt,
      );
  }

  updateOrder(
    clientOrderId: string,
    u: { status: StoredOrderStatus; venueOrderId?: string | null; filled?: number; note?: string | null },
  ): void {
    this.db
      .prepare(
        `UPDATE orders SET status = ?, venue_order_id = COALESCE(?, venue_order_id),
         filled = COALESCE(?, filled), note = COALESCE(?, note) WHERE client_order_id = ?`,
      )
      .run(u.status, u.venueOrderId ?? null, u.filled ?? null, u.note ?? null, clientOrderId);
  }

  order(clientOrderId: string): StoredOrder | undefined {
    const r = this.db.prepare(`SELECT * FROM orders WHERE client_order_id = ?`).get(clientOrderId) as
      Row | undefined;
    return r ? toOrder(r) : undefined;
  }

  /** Orders not known to be finished: pending, unknown, open. */
  liveOrders(): StoredOrder[] {
    return (
      this.db
        .prepare(`SELECT * FROM orders WHERE status IN ('pending','unknown','open') ORDER BY rowid`)
        .all() as Row[]
    ).map(toOrder);
  }

  ordersOf(signalSequence: number): StoredOrder[] {
    return (
      this.db.prepare(`SELECT * FROM orders WHERE signal_seq = ? ORDER BY rowid`).all(signalSequence) as Row[]
    ).map(toOrder);
  }

  allOrders(): StoredOrder[] {
    return (this.db.prepare(`SELECT * FROM orders ORDER BY rowid`).all() as Row[]).map(toOrder);
  }

  /** Next attempt number for (signal, leg): attempts are never reused. */
  nextAttempt(signalSequence: number, leg: number): number {
    const r = this.db
      .prepare(`SELECT MAX(attempt) AS a FROM orders WHERE signal_seq = ? AND leg = ?`)
      .get(signalSequence, leg) as { a: number | null };
    return (r.a ?? -1) + 1;
  }

  /** Records a fill once (keyed by venue trade id); returns whether it was new. */
  recordFill(f: Omit<StoredFill, "reportBatch">): boolean {
    const r = this.db
      .prepare(
        `INSERT OR IGNORE INTO fills (trade_id, client_order_id, signal_seq, asset, symbol, side, amount,
         price, fee, timestamp) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        f.tradeId,
        f.clientOrderId,
        f.signalSequence,
        f.asset,
        f.symbol,
        f.side,
        f.amount,
        f.price,
        f.fee,
        f.timestamp,
      );
    return Number(r.changes) > 0;
  }

  fillsOf(clientOrderId: string): StoredFill[] {
    return (
      this.db
        .prepare(`SELECT * FROM fills WHERE client_order_id = ? ORDER BY timestamp, trade_id`)
        .all(clientOrderId) as Row[]
    ).map(toFill);
  }

  unreportedFills(): StoredFill[] {
    return (
      this.db
        .prepare(`SELECT * FROM fills WHERE report_batch = 0 ORDER BY signal_seq, timestamp, trade_id`)
        .all() as Row[]
    ).map(toFill);
  }

  markReported(tradeIds: readonly string[], batch: number): void {
    const stmt = this.db.prepare(`UPDATE fills SET report_batch = ? WHERE trade_id = ?`);
    this.transaction(() => {
      for (const id of tradeIds) stmt.run(batch, id);
    });
  }

  getCursor(name: string): string | undefined {
    const r = this.db.prepare(`SELECT value FROM cursors WHERE name = ?`).get(name) as
      { value: string } | undefined;
    return r?.value;
  }

  setCursor(name: string, value: string): void {
    this.db
      .prepare(
        `INSERT INTO cursors (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value`,
      )
      .run(name, value);
  }

  recordShadowFill(s: ShadowFillRecord): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO shadow_fills (client_order_id, symbol, side, quantity, filled_quantity,
         average_price, book_timestamp) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(s.clientOrderId, s.symbol, s.side, s.quantity, s.filledQuantity, s.averagePrice, s.bookTimestamp);
  }

  shadowFills(): ShadowFillRecord[] {
    return (this.db.prepare(`SELECT * FROM shadow_fills ORDER BY rowid`).all() as Row[]).map((r) => ({
      clientOrderId: String(r["client_order_id"]),
      symbol: String(r["symbol"]),
      side: r["side"] === "sell" ? "sell" : "buy",
      quantity: Number(r["quantity"]),
      filledQuantity: Number(r["filled_quantity"]),
      averagePrice: Number(r["average_price"]),
      bookTimestamp: Number(r["book_timestamp"]),
    }));
  }

  transaction(fn: () => void): void {
    this.db.exec("BEGIN");
    try {
      fn();
      this.db.exec("COMMIT");
    } catch (e) {
      this.db.exec("ROLLBACK");
      throw e;
    }
  }
}

function toOrder(r: Row): StoredOrder {
  return {
    clientOrderId: String(r["client_order_id"]),
    signalSequence: Number(r["signal_seq"]),
    leg: Number(r["leg"]),
    attempt: Number(r["attempt"]),
    symbol: String(r["symbol"]),
    side: r["side"] === "sell" ? "sell" : "buy",
    type: r["type"] === "limit" ? "limit" : "market",
    quantity: Number(r["quantity"]),
    limitPrice: r["limit_price"] === null ? null : Number(r["limit_price"]),
    reason: String(r["reason"]) as OrderReason,
    status: String(r["status"]) as StoredOrderStatus,
    venueOrderId: r["venue_order_id"] === null ? null : String(r["venue_order_id"]),
    filled: Number(r["filled"]),
    createdAt: Number(r["created_at"]),
    note: r["note"] === null ? null : String(r["note"]),
  };
}

function toFill(r: Row): StoredFill {
  return {
    tradeId: String(r["trade_id"]),
    clientOrderId: String(r["client_order_id"]),
    signalSequence: Number(r["signal_seq"]),
    asset: Number(r["asset"]),
    symbol: String(r["symbol"]),
    side: r["side"] === "sell" ? "sell" : "buy",
    amount: Number(r["amount"]),
    price: Number(r["price"]),
    fee: Number(r["fee"]),
    timestamp: Number(r["timestamp"]),
    reportBatch: Number(r["report_batch"]),
  };
}
