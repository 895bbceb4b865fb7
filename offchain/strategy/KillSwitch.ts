import { KillLevel } from "./KillLevel.js";
import type { KillSwitchConfig } from "./StrategyConfig.js";

const DAY_MS = 86_400_000;

/**
 * Trips kill levels from the equity curve like the vault's loss breakers: drawdown from the
 * high-water mark and loss since the start of the UTC day. Levels only rise until `resetAfterBars`
 * bars have passed (simulated governance re-arm), which also resets the high-water mark.
 */
export class KillSwitch {
  private level = KillLevel.Normal;
  private hwm = 0;
  private dayStart = -1;
  private dayStartEquity = 0;
  private lastEquity = 0;
  private barsSinceTrip = 0;
  /** Why the current level was reached. */
  reason: string | null = null;

  constructor(private readonly config: KillSwitchConfig) {}

  get current(): KillLevel {
    return this.level;
  }

  /** Feeds the equity marked at `time` (ms); returns the level in force afterwards. */
  update(time: number, equity: number): KillLevel {
    const day = Math.floor(time / DAY_MS);
    if (day !== this.dayStart) {
      // The day's loss is measured from the last equity of the previous day, as on chain.
      this.dayStart = day;
      this.dayStartEquity = this.lastEquity > 0 ? this.lastEquity : equity;
    }
    this.lastEquity = equity;
    if (this.level !== KillLevel.Normal && this.config.resetAfterBars !== null) {
      if (++this.barsSinceTrip >= this.config.resetAfterBars) {
        this.level = KillLevel.Normal;
        this.reason = null;
        this.hwm = equity;
      }
    }
    this.hwm = Math.max(this.hwm, equity);
    const drawdown = this.hwm > 0 ? 1 - equity / this.hwm : 0;
    const dailyLoss = this.dayStartEquity > 0 ? 1 - equity / this.dayStartEquity : 0;
    const c = this.config;
    if (c.flattenDrawdown !== null && drawdown >= c.flattenDrawdown)
      this.raise(KillLevel.Flatten, `drawdown ${(drawdown * 100).toFixed(2)}% ≥ ${c.flattenDrawdown * 100}%`);
    if (c.reduceOnlyDailyLoss !== null && dailyLoss >= c.reduceOnlyDailyLoss)
      this.raise(
        KillLevel.ReduceOnly,
        `daily loss ${(dailyLoss * 100).toFixed(2)}% ≥ ${c.reduceOnlyDailyLoss * 100}%`,
      );
    if (c.noNewEntriesDrawdown !== null && drawdown >= c.noNewEntriesDrawdown)
      this.raise(
        KillLevel.NoNewEntries,
        `drawdown ${(drawdown * 100).toFixed(2)}% ≥ ${c.noNewEntriesDrawdown * 100}%`,
      );
    return this.level;
  }

  private raise(level: KillLevel, reason: string): void {
    if (level <= this.level) return;
    this.level = level;
    this.reason = reason;
    this.barsSinceTrip = 0;
  }
}
