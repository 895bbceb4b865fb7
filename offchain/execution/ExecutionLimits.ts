import { ConfigError } from "../engine/errors.js";
import type { KillLevel } from "../strategy/KillLevel.js";

/** Hard caps the execution engine enforces before anything reaches the venue (quote currency). */
export interface ExecutionLimits {
  /** Largest notional of one order. */
  readonly maxOrderNotional: number;
  /** Largest |position| notional per asset after an order; reductions are always allowed. */
  readonly maxAssetNotional: number;
  /** Optional largest base quantity of one order, per symbol. */
  readonly maxOrderQuantity?: Readonly<Record<string, number>>;
}

/** Why a leg was not sent, typed so callers and logs branch on `kind`, not on text. */
export type LegRefusal =
  | {
      readonly kind: "order-notional";
      readonly symbol: string;
      readonly limit: number;
      readonly actual: number;
    }
  | {
      readonly kind: "order-quantity";
      readonly symbol: string;
      readonly limit: number;
      readonly actual: number;
    }
  | {
      readonly kind: "asset-notional";
      readonly symbol: string;
      readonly limit: number;
      readonly actual: number;
    }
  | { readonly kind: "short-not-supported"; readonly symbol: string; readonly targetWeightBps: number }
  | {
      readonly kind: "kill-switch";
      readonly symbol: string;
      readonly level: KillLevel;
      readonly targetWeightBps: number;
    }
  | { readonly kind: "no-price"; readonly symbol: string }
  | { readonly kind: "unknown-asset"; readonly asset: number }
  | { readonly kind: "attempts-exhausted"; readonly symbol: string; readonly attempts: number }
  | {
      readonly kind: "venue-rejected";
      readonly symbol: string;
      readonly clientOrderId: string;
      readonly message: string;
    };

const KNOWN = new Set(["maxOrderNotional", "maxAssetNotional", "maxOrderQuantity"]);

/** Frozen, validated limits; unknown keys are errors. */
export function executionLimits(raw: Record<string, unknown>): ExecutionLimits {
  for (const k of Object.keys(raw))
    if (!KNOWN.has(k)) throw new ConfigError(`unknown execution limit "${k}"`);
  const positive = (k: string): number => {
    const v = raw[k];
    if (typeof v !== "number" || !(v > 0))
      throw new ConfigError(`execution limit ${k} must be a positive number`);
    return v;
  };
  const q = (raw["maxOrderQuantity"] ?? {}) as Record<string, unknown>;
  for (const [s, v] of Object.entries(q))
    if (typeof v !== "number" || !(v > 0))
      throw new ConfigError(`maxOrderQuantity.${s} must be a positive number`);
  return Object.freeze({
    maxOrderNotional: positive("maxOrderNotional"),
    maxAssetNotional: positive("maxAssetNotional"),
    maxOrderQuantity: Object.freeze({ ...(q as Record<string, number>) }),
  });
}

/**
 * The first limit an order breaks, or null. `held` and the order are signed base quantities.
 */
export function checkOrderLimits(
  limits: ExecutionLimits,
  symbol: string,
  held: number,
  delta: number,
  price: number,
): LegRefusal | null {
  const notional = Math.abs(delta) * price;
  if (notional > limits.maxOrderNotional)
    return { kind: "order-notional", symbol, limit: limits.maxOrderNotional, actual: notional };
  const maxQ = limits.maxOrderQuantity?.[symbol];
  if (maxQ !== undefined && Math.abs(delta) > maxQ)
    return { kind: "order-quantity", symbol, limit: maxQ, actual: Math.abs(delta) };
  const after = Math.abs(held + delta) * price;
  if (Math.abs(held + delta) > Math.abs(held) && after > limits.maxAssetNotional)
    return { kind: "asset-notional", symbol, limit: limits.maxAssetNotional, actual: after };
  return null;
}
