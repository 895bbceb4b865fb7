import { ConfigError } from "../engine/errors.js";
import type { ImpactModel } from "./ImpactModel.js";

/** How the simulated venue fills orders. Frozen; unknown keys are errors. */
export interface ExecutionConfig {
  readonly initialCapital: number;
  readonly takerFeeBps: number;
  readonly makerFeeBps: number;
  /** Fixed cost against the reference price per fill (spread + slippage), bps. */
  readonly slippageBps: number;
  /** Fill at the open of the bar that starts `latencyBars` bars after the decision (0 = next bar). */
  readonly latencyBars: number;
  readonly orderType: "market" | "limit";
  /** Depth-based market impact on top of slippage; null = none. */
  readonly impact: ImpactModel | null;
  /** Days of volume averaged for ADV in the impact model. */
  readonly advDays: number;
}

export const DEFAULT_EXECUTION_CONFIG: ExecutionConfig = Object.freeze({
  initialCapital: 100_000,
  takerFeeBps: 10,
  makerFeeBps: 2,
  slippageBps: 5,
  latencyBars: 0,
  orderType: "market",
  impact: null,
  advDays: 30,
}) as ExecutionConfig;

/** Validates a partial execution config against the defaults. */
export function parseExecutionConfig(raw: Record<string, unknown> = {}): ExecutionConfig {
  for (const key of Object.keys(raw))
    if (!(key in DEFAULT_EXECUTION_CONFIG))
      throw new ConfigError(
        `unknown key "${key}" in execution config; allowed: ${Object.keys(DEFAULT_EXECUTION_CONFIG).join(", ")}`,
      );
  const c = { ...DEFAULT_EXECUTION_CONFIG, ...raw } as ExecutionConfig;
  const nonNeg = (v: number, name: string, max: number): void => {
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0 || v > max)
      throw new ConfigError(`${name} must be a number in [0, ${max}], got ${String(v)}`);
  };
  if (!(c.initialCapital > 0)) throw new ConfigError(`initialCapital must be > 0, got ${c.initialCapital}`);
  nonNeg(c.takerFeeBps, "takerFeeBps", 1000);
  nonNeg(c.makerFeeBps, "makerFeeBps", 1000);
  nonNeg(c.slippageBps, "slippageBps", 1000);
  if (!Number.isInteger(c.latencyBars) || c.latencyBars < 0)
    throw new ConfigError(`latencyBars must be an integer ≥ 0, got ${c.latencyBars}`);
  if (c.orderType !== "market" && c.orderType !== "limit")
    throw new ConfigError(`orderType must be market or limit, got "${String(c.orderType)}"`);
  if (!Number.isInteger(c.advDays) || c.advDays < 1) throw new ConfigError(`advDays must be an integer ≥ 1`);
  return Object.freeze(c);
}
