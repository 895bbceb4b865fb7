import type { Candle, DataFlag, Timeframe } from "../types/market.js";
import { TIMEFRAME_MS } from "../types/market.js";
import { SchemaDriftError } from "./errors.js";

/** One field of a record schema; `number` fields must arrive as JSON numbers (or CSV decimals). */
export interface FieldSpec {
  readonly name: string;
  readonly type: "number" | "integer";
}

/** A versioned record shape, e.g. "ohlcv/1". A change of shape is a new version, never an edit. */
export interface RecordSchema {
  readonly id: string;
  readonly fields: readonly FieldSpec[];
  readonly description: string;
}

export type AssetClass = "crypto-spot" | "crypto-swap" | "crypto-index";

/** What to do with a drifted record: stop (default), or drop it and flag `schema-drift`. */
export type DriftPolicy = "throw" | "flag";

export const OHLCV_V1: RecordSchema = {
  id: "ohlcv/1",
  fields: [
    { name: "timestamp", type: "integer" },
    { name: "open", type: "number" },
    { name: "high", type: "number" },
    { name: "low", type: "number" },
    { name: "close", type: "number" },
    { name: "volume", type: "number" },
  ],
  description: "candle open time (ms, UTC, aligned), OHLC in quote currency, volume in base asset",
};

/** CoinGecko daily candles: OHLC as ohlcv/1, volume derived from 24h quote volume / close. */
export const OHLCV_CG_V1: RecordSchema = {
  id: "ohlcv-cg/1",
  fields: OHLCV_V1.fields,
  description: "as ohlcv/1, but volume = CoinGecko 24h quote volume at the day's close / close price",
};

/**
 * Registry of record schemas by id and of which schema applies to an asset class and timeframe.
 * `validateCandles` is the single gate every candle passes before it reaches a series or a store.
 *
 * @example
 * const { candles, flags } = defaultSchemaRegistry.validateCandles(rows, { schema: "ohlcv/1", timeframe: "1h", now });
 */
export class SchemaRegistry {
  private readonly schemas = new Map<string, RecordSchema>();
  private readonly bindings = new Map<string, string>();

  register(schema: RecordSchema): this {
    const existing = this.schemas.get(schema.id);
    if (existing && JSON.stringify(existing) !== JSON.stringify(schema)) {
      throw new Error(
        `schema ${schema.id} is already registered with another shape: bump the version instead`,
      );
    }
    this.schemas.set(schema.id, schema);
    return this;
  }

  get(id: string): RecordSchema {
    const s = this.schemas.get(id);
    if (!s) throw new Error(`unknown schema "${id}"; registered: ${[...this.schemas.keys()].join(", ")}`);
    return s;
  }

  /** Binds `schemaId` to an asset class (and optionally one timeframe, which wins over "*"). */
  bind(assetClass: AssetClass, timeframe: Timeframe | "*", schemaId: string): this {
    this.get(schemaId);
    this.bindings.set(`${assetClass}/${timeframe}`, schemaId);
    return this;
  }

  schemaFor(assetClass: AssetClass, timeframe: Timeframe): RecordSchema {
    const id = this.bindings.get(`${assetClass}/${timeframe}`) ?? this.bindings.get(`${assetClass}/*`);
    if (!id) throw new Error(`no schema bound for ${assetClass} ${timeframe}`);
    return this.get(id);
  }

  /**
   * Checks one raw record (object keyed by field name) against `schemaId`: every field present,
   * of its type, nothing extra when `allowExtra` is false. Returns the typed values or throws
   * `SchemaDriftError` saying what was expected and what was found. Never coerces "1.5" to 1.5.
   */
  checkRecord(schemaId: string, raw: unknown, at: string, allowExtra = true): Record<string, number> {
    const schema = this.get(schemaId);
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
      throw new SchemaDriftError(schema.id, "an object", describe(raw), { at });
    }
    const rec = raw as Record<string, unknown>;
    const out: Record<string, number> = {};
    for (const f of schema.fields) {
      if (!(f.name in rec) || rec[f.name] === undefined || rec[f.name] === null) {
        throw new SchemaDriftError(
          schema.id,
          `field "${f.name}" (${f.type})`,
          `fields [${Object.keys(rec).join(", ")}]`,
          { at },
        );
      }
      const v = rec[f.name];
      if (typeof v !== "number") {
        throw new SchemaDriftError(schema.id, `"${f.name}" as ${f.type}`, `${describe(v)}`, { at });
      }
      if (f.type === "integer" && !Number.isInteger(v)) {
        throw new SchemaDriftError(schema.id, `"${f.name}" as integer`, String(v), { at });
      }
      out[f.name] = v;
    }
    if (!allowExtra) {
      const extra = Object.keys(rec).filter((k) => !schema.fields.some((f) => f.name === k));
      if (extra.length > 0) {
        throw new SchemaDriftError(
          schema.id,
          `fields [${schema.fields.map((f) => f.name).join(", ")}]`,
          `extra [${extra.join(", ")}]`,
          { at },
        );
      }
    }
    return out;
  }

  /**
   * Validates raw candle records into a clean series for one timeframe:
   * shape (→ drift), finite values and OHLC consistency (→ `outlier`, record rejected),
   * alignment to the timeframe (→ `outlier`), strictly increasing time (repeats → `duplicate`,
   * first kept; going backwards → `outlier`), holes between candles (→ `gap`, never filled) and
   * a last candle whose period has not ended at `now` (→ `partial`, kept and flagged).
   */
  validateCandles(
    raws: readonly unknown[],
    options: {
      schema: string;
      timeframe: Timeframe;
      now: number;
      onDrift?: DriftPolicy;
      allowExtra?: boolean;
    },
  ): { candles: Candle[]; flags: DataFlag[] } {
    const tf = TIMEFRAME_MS[options.timeframe];
    const flags: DataFlag[] = [];
    const candles: Candle[] = [];
    raws.forEach((raw, i) => {
      let r: Record<string, number>;
      try {
        r = this.checkRecord(options.schema, raw, `record ${i}`, options.allowExtra ?? true);
      } catch (e) {
        if (!(e instanceof SchemaDriftError) || options.onDrift !== "flag") throw e;
        const ts = (raw as { timestamp?: unknown } | null)?.timestamp;
        flags.push({ kind: "schema-drift", from: typeof ts === "number" ? ts : NaN, detail: e.message });
        return;
      }
      const c = candleOf(r);
      const problem = candleProblem(c, tf);
      if (problem) {
        flags.push({ kind: "outlier", from: c.timestamp, detail: problem });
        return;
      }
      const prev = candles[candles.length - 1];
      if (prev && c.timestamp === prev.timestamp) {
        flags.push({
          kind: "duplicate",
          from: c.timestamp,
          detail: "timestamp repeated by the source; first kept",
        });
        return;
      }
      if (prev && c.timestamp < prev.timestamp) {
        flags.push({
          kind: "outlier",
          from: c.timestamp,
          detail: `out of order after ${prev.timestamp}; rejected`,
        });
        return;
      }
      if (prev && c.timestamp - prev.timestamp > tf) {
        const missing = (c.timestamp - prev.timestamp) / tf - 1;
        flags.push({
          kind: "gap",
          from: prev.timestamp + tf,
          to: c.timestamp - tf,
          detail: `${missing} candle(s) missing; not filled`,
        });
      }
      candles.push(c);
    });
    const last = candles[candles.length - 1];
    if (last && last.timestamp + tf > options.now) {
      flags.push({
        kind: "partial",
        from: last.timestamp,
        detail: "period still open at fetch time; values will change",
      });
    }
    return { candles, flags };
  }
}

/** Why a candle is impossible, or undefined when it is fine. */
/** A record already checked against a candle schema, as a `Candle`. */
export function candleOf(r: Readonly<Record<string, number>>): Candle {
  return {
    timestamp: r.timestamp!,
    open: r.open!,
    high: r.high!,
    low: r.low!,
    close: r.close!,
    volume: r.volume!,
  };
}

export function candleProblem(c: Candle, timeframeMs: number): string | undefined {
  for (const k of ["open", "high", "low", "close", "volume"] as const) {
    if (!Number.isFinite(c[k])) return `${k} is not finite (${c[k]})`;
  }
  if (c.timestamp % timeframeMs !== 0) return `timestamp ${c.timestamp} not aligned to ${timeframeMs} ms`;
  if (c.high < Math.max(c.open, c.close)) return `high ${c.high} below max(open, close)`;
  if (c.low > Math.min(c.open, c.close)) return `low ${c.low} above min(open, close)`;
  if (c.low <= 0) return `low ${c.low} not positive`;
  if (c.volume < 0) return `volume ${c.volume} negative`;
  return undefined;
}

function describe(v: unknown): string {
  if (typeof v === "string") return `string "${v.length > 40 ? v.slice(0, 40) + "…" : v}"`;
  if (Array.isArray(v)) return `array[${v.length}]`;
  return v === null ? "null" : typeof v;
}

/** The registry every source uses unless given another. */
export const defaultSchemaRegistry = new SchemaRegistry()
  .register(OHLCV_V1)
  .register(OHLCV_CG_V1)
  .bind("crypto-spot", "*", "ohlcv/1")
  .bind("crypto-swap", "*", "ohlcv/1")
  .bind("crypto-index", "*", "ohlcv/1");
