import { readFileSync } from "node:fs";
import type { ParseArgsConfig } from "node:util";
import { parseExecutionConfig } from "../backtest/ExecutionConfig.js";
import type { ExecutionConfig } from "../backtest/ExecutionConfig.js";
import { calibrateImpact } from "../backtest/calibrateImpact.js";
import { ConfigError } from "../engine/errors.js";
import { parseStrategyConfig } from "../strategy/StrategyConfig.js";
import type { StrategyConfig } from "../strategy/StrategyConfig.js";
import type { Timeframe } from "../types/market.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** Options shared by backtest, walkforward and decide. */
export const STRATEGY_OPTIONS: Options = {
  timeframe: { type: "string", default: "1d" },
  symbols: { type: "string" },
  seed: { type: "string", default: "1" },
  config: { type: "string" },
  mode: { type: "string" },
  k: { type: "string" },
  "top-n": { type: "string" },
  solver: { type: "string" },
  rebalance: { type: "string" },
  sizing: { type: "string" },
  "vol-target": { type: "string" },
  "kelly-fraction": { type: "string" },
  "max-gross": { type: "string" },
  "stop-loss": { type: "string" },
  "take-profit": { type: "string" },
  "kill-no-new-entries-dd": { type: "string" },
  "kill-reduce-only-daily-loss": { type: "string" },
  "kill-flatten-dd": { type: "string" },
  "kill-reset-bars": { type: "string" },
  fast: { type: "string", default: "10" },
  slow: { type: "string", default: "50" },
  help: { type: "boolean", short: "h" },
};

export const EXECUTION_OPTIONS: Options = {
  capital: { type: "string", default: "100000" },
  "taker-bps": { type: "string" },
  "maker-bps": { type: "string" },
  "slippage-bps": { type: "string" },
  latency: { type: "string" },
  "order-type": { type: "string" },
  impact: { type: "string", default: "on" },
};

export const STRATEGY_HELP = `Strategy options:
  --timeframe 1d|1h          candle timeframe (default 1d)
  --symbols BTC,ETH,...      bases to trade (default: every file in the data folder)
  --seed N                   seed for every random choice (default 1)
  --config FILE              strategy config JSON (keys of StrategyConfig; flags override it)
  --mode long-only|short-only|long-short
  --k N                      assets held (default 3)      --top-n N   optimizer candidates (default 8)
  --solver exact|greedy|annealing|qaoa|vqe               (default exact)
  --rebalance N              decide every N bars (default 7)
  --sizing fixed|vol-target|kelly  --vol-target 0.4  --kelly-fraction 0.5  --max-gross 1
  --stop-loss F --take-profit F      fractions of the entry price (0.1 = 10 %)
  --kill-no-new-entries-dd F --kill-reduce-only-daily-loss F --kill-flatten-dd F --kill-reset-bars N
  --fast N --slow N          moving-average baseline lengths (default 10/50)`;

export const EXECUTION_HELP = `Execution options:
  --capital N                initial capital in USDT (default 100000)
  --taker-bps N --maker-bps N --slippage-bps N   (defaults 10, 2, 5)
  --latency N                fill N bars after the next open (default 0)
  --order-type market|limit  (default market)
  --impact on|off            order-book depth impact calibrated on the Kraken snapshots (default on)`;

function number(v: unknown, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (!Number.isFinite(x)) throw new ConfigError(`--${flag} expects a number, got "${String(v)}"`);
  return x;
}

/** `2021-03-01` or epoch ms → ms. */
export function parseDate(v: unknown, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const s = String(v);
  const t = /^\d+$/.test(s) ? Number(s) : Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s);
  if (!Number.isFinite(t)) throw new ConfigError(`--${flag} expects a date like 2022-01-31, got "${s}"`);
  return t;
}

export function parseTimeframe(v: unknown): Timeframe {
  if (v !== "1d" && v !== "1h")
    throw new ConfigError(`--timeframe must be 1d or 1h (the shared data), got "${String(v)}"`);
  return v;
}

export function parseSymbols(v: unknown): string[] | undefined {
  if (v === undefined) return undefined;
  return String(v)
    .split(",")
    .map((s) => s.trim().toUpperCase())
    .filter((s) => s !== "")
    .map((s) => (s.includes("/") ? s : `${s}/USDT`));
}

export function strategyFromFlags(v: Record<string, unknown>): StrategyConfig {
  let base: Record<string, unknown> = {};
  if (v.config !== undefined) {
    try {
      base = JSON.parse(readFileSync(String(v.config), "utf8"));
    } catch (e) {
      throw new ConfigError(`cannot read strategy config ${String(v.config)}: ${(e as Error).message}`);
    }
  }
  const cfg: Record<string, unknown> = { ...base };
  const set = (key: string, val: unknown): void => {
    if (val !== undefined) cfg[key] = val;
  };
  set("mode", v.mode);
  set("k", number(v.k, "k"));
  set("topN", number(v["top-n"], "top-n"));
  set("solver", v.solver);
  set("rebalanceEvery", number(v.rebalance, "rebalance"));
  set("stopLoss", number(v["stop-loss"], "stop-loss"));
  set("takeProfit", number(v["take-profit"], "take-profit"));
  if (v.sizing !== undefined) {
    const maxGross = number(v["max-gross"], "max-gross") ?? 1;
    if (v.sizing === "fixed") cfg.sizing = { kind: "fixed", gross: maxGross };
    else if (v.sizing === "vol-target")
      cfg.sizing = { kind: "vol-target", annualVol: number(v["vol-target"], "vol-target") ?? 0.4, maxGross };
    else if (v.sizing === "kelly")
      cfg.sizing = {
        kind: "kelly",
        fraction: number(v["kelly-fraction"], "kelly-fraction") ?? 0.5,
        maxGross,
      };
    else throw new ConfigError(`--sizing must be fixed, vol-target or kelly, got "${String(v.sizing)}"`);
  }
  const ks = { ...((cfg.killSwitch as Record<string, unknown>) ?? {}) };
  const kset = (key: string, flag: string): void => {
    const x = number(v[flag], flag);
    if (x !== undefined) ks[key] = x;
  };
  kset("noNewEntriesDrawdown", "kill-no-new-entries-dd");
  kset("reduceOnlyDailyLoss", "kill-reduce-only-daily-loss");
  kset("flattenDrawdown", "kill-flatten-dd");
  kset("resetAfterBars", "kill-reset-bars");
  if (Object.keys(ks).length) cfg.killSwitch = ks;
  return parseStrategyConfig(cfg);
}

export function executionFromFlags(v: Record<string, unknown>): ExecutionConfig {
  const raw: Record<string, unknown> = {};
  const set = (key: string, val: unknown): void => {
    if (val !== undefined) raw[key] = val;
  };
  set("initialCapital", number(v.capital, "capital"));
  set("takerFeeBps", number(v["taker-bps"], "taker-bps"));
  set("makerFeeBps", number(v["maker-bps"], "maker-bps"));
  set("slippageBps", number(v["slippage-bps"], "slippage-bps"));
  set("latencyBars", number(v.latency, "latency"));
  set("orderType", v["order-type"]);
  if (v.impact !== "on" && v.impact !== "off")
    throw new ConfigError(`--impact must be on or off, got "${String(v.impact)}"`);
  if (v.impact === "on") raw.impact = calibrateImpact().model;
  return parseExecutionConfig(raw);
}

export function seedFrom(v: Record<string, unknown>): number {
  const s = number(v.seed, "seed")!;
  if (!Number.isInteger(s) || s < 0) throw new ConfigError(`--seed must be a non-negative integer, got ${s}`);
  return s;
}

export function maFromFlags(v: Record<string, unknown>): { fast: number; slow: number } {
  return { fast: number(v.fast, "fast")!, slow: number(v.slow, "slow")! };
}
