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
  /** Part of `fee` the venue took in the base coin, in base units (0 when it charged quote). */
  readonly feeBase: number;
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

/**
 * An order on the reconcile queue: its trades are not yet known to be fully read. Every order
 * enters when its intent is written and leaves only when the venue shows it finished and the
 * trades recorded for it add up to what the venue says it filled (or it provably never existed).
 */
export interface QueuedOrder {
  readonly clientOrderId: string;
  readonly signalSequence: number;
  readonly symbol: string;
  readonly status: StoredOrderStatus;
  readonly venueOrderId: string | null;
  /** What the venue last said the order filled (base units). */
  readonly filled: number;
  /** Sum of the fills recorded for it. */
  readonly recordedFilled: number;
  /** Venue time (ms) it was queued. */
  readonly since: number;
  /** Reads of its state/trades that failed or came back incomplete. */
  readonly attempts: number;
  readonly lastError: string | null;
}

/** Position and cash the recorded fills add up to (fees included), per symbol. */
export interface FillEffects {
  readonly positions: Record<string, number>;
  readonly cash: number;
  readonly fills: number;
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
        report_batch INTEGER NOT NULL DEFAULT 0, fee_base REAL NOT NULL DEFAULT 0);
      CREATE TABLE IF NOT EXISTS cursors (name TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS shadow_fills (
        client_order_id TEXT PRIMARY KEY, symbol TEXT NOT NULL, side TEXT NOT NULL,
        quantity REAL NOT NULL, filled_quantity REAL NOT NULL, average_price REAL NOT NULL,
        book_timestamp INTEGER NOT NULL);
    `);
    const fillColumns = (this.db.prepare(`PRAGMA table_info(fills)`).all() as Row[]).map((r) => r["name"]);
    if (!fillColumns.includes("fee_base"))
      this.db.exec(`ALTER TABLE fills ADD COLUMN fee_base REAL NOT NULL DEFAULT 0`);
    const hadQueue = this.db
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'reconcile_queue'`)
      .get();
    this.db.exec(`CREATE TABLE IF NOT EXISTS reconcile_queue (
        client_order_id TEXT PRIMARY KEY, since INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT)`);
    if (!hadQueue)
      // A store from before the queue existed: every order that may have trades not yet read
      // (still working, placed at the venue, or "not-placed" although the venue gave it an id).
      this.db.exec(`INSERT OR IGNORE INTO reconcile_queue (client_order_id, since)
        SELECT client_order_id, created_at FROM orders
        WHERE status IN ('pending','unknown','open') OR venue_order_id IS NOT NULL`);
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
    this.transaction(() => {
      this.insertOrderRow(o);
      this.db
        .prepare(`INSERT OR IGNORE INTO reconcile_queue (client_order_id, since) VALUES (?, ?)`)
        .run(o.clientOrderId, o.createdAt);
    });
  }

  private insertOrderRow(o: Omit<StoredOrder, "status" | "venueOrderId" | "filled" | "note">): void {
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

  /** Orders whose trades are not yet known to be fully read, oldest first. */
  reconcileQueue(): QueuedOrder[] {
    return (
      this.db
        .prepare(
          `SELECT o.*, q.since AS q_since, q.attempts AS q_attempts, q.last_error AS q_error,
           (SELECT COALESCE(SUM(f.amount), 0) FROM fills f WHERE f.client_order_id = o.client_order_id)
             AS recorded
           FROM reconcile_queue q JOIN orders o ON o.client_order_id = q.client_order_id
           ORDER BY q.since, o.rowid`,
        )
        .all() as Row[]
    ).map((r) => ({
      clientOrderId: String(r["client_order_id"]),
      signalSequence: Number(r["signal_seq"]),
      symbol: String(r["symbol"]),
      status: String(r["status"]) as StoredOrderStatus,
      venueOrderId: r["venue_order_id"] === null ? null : String(r["venue_order_id"]),
      filled: Number(r["filled"]),
      recordedFilled: Number(r["recorded"]),
      since: Number(r["q_since"]),
      attempts: Number(r["q_attempts"]),
      lastError: r["q_error"] === null ? null : String(r["q_error"]),
    }));
  }

  isQueued(clientOrderId: string): boolean {
    return (
      this.db.prepare(`SELECT 1 FROM reconcile_queue WHERE client_order_id = ?`).get(clientOrderId) !==
      undefined
    );
  }

  /** Its trades are fully read (or it never existed at the venue): off the queue. */
  dequeue(clientOrderId: string): void {
    this.db.prepare(`DELETE FROM reconcile_queue WHERE client_order_id = ?`).run(clientOrderId);
  }

  /** A read of a queued order failed or came back incomplete: it stays, with why. */
  noteReconcileFailure(clientOrderId: string, error: string): void {
    this.db
      .prepare(`UPDATE reconcile_queue SET attempts = attempts + 1, last_error = ? WHERE client_order_id = ?`)
      .run(error, clientOrderId);
  }

  /** The order the venue knows by `venueOrderId`, if it is one of ours. */
  orderByVenueId(venueOrderId: string): StoredOrder | undefined {
    const r = this.db.prepare(`SELECT * FROM orders WHERE venue_order_id = ?`).get(venueOrderId) as
      Row | undefined;
    return r ? toOrder(r) : undefined;
  }

  hasFill(tradeId: string): boolean {
    return this.db.prepare(`SELECT 1 FROM fills WHERE trade_id = ?`).get(tradeId) !== undefined;
  }

  /** Fills of `symbol` with venue time in [from, to], oldest first. */
  fillsBetween(symbol: string, from: number, to: number): StoredFill[] {
    return (
      this.db
        .prepare(
          `SELECT * FROM fills WHERE symbol = ? AND timestamp >= ? AND timestamp <= ? ORDER BY timestamp, trade_id`,
        )
        .all(symbol, from, to) as Row[]
    ).map(toFill);
  }

  /** What every recorded fill adds to positions (less base fees) and to cash (less quote fees). */
  fillEffects(): FillEffects {
    const rows = this.db
      .prepare(
        `SELECT symbol, COUNT(*) AS n,
         SUM(CASE WHEN side = 'buy' THEN amount ELSE -amount END) - SUM(fee_base) AS position,
         -SUM(CASE WHEN side = 'buy' THEN amount * price ELSE -amount * price END)
           - SUM(fee - fee_base * price) AS cash
         FROM fills GROUP BY symbol ORDER BY symbol`,
      )
      .all() as Row[];
    const positions: Record<string, number> = {};
    let cash = 0;
    let fills = 0;
    for (const r of rows) {
      positions[String(r["symbol"])] = Number(r["position"]);
      cash += Number(r["cash"]);
      fills += Number(r["n"]);
    }
    return { positions, cash, fills };
  }

  /** Next attempt number for (signal, leg): attempts are never reused. */
  nextAttempt(signalSequence: number, leg: number): number {
    const r = this.db
      .prepare(`SELECT MAX(attempt) AS a FROM orders WHERE signal_seq = ? AND leg = ?`)
      .get(signalSequence, leg) as { a: number | null };
    return (r.a ?? -1) + 1;
  }

  /** Records a fill once (keyed by venue trade id); returns whether it was new. */
  recordFill(f: Omit<StoredFill, "reportBatch" | "feeBase"> & { readonly feeBase?: number }): boolean {
    const r = this.db
      .prepare(
        `INSERT OR IGNORE INTO fills (trade_id, client_order_id, signal_seq, asset, symbol, side, amount,
         price, fee, timestamp, fee_base) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
        f.feeBase ?? 0,
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
    feeBase: Number(r["fee_base"] ?? 0),
    timestamp: Number(r["timestamp"]),
    reportBatch: Number(r["report_batch"]),
  };
}
