/** The only way engine code learns the time: injected, so replays are deterministic. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** Wall-clock time, for live, paper and shadow wiring only. */
export const systemClock: Clock = { now: () => Date.now() };

/**
 * Replay time: moved forward by the backtest loop, never by the wall clock.
 *
 * @example
 * const clock = new HistoricalClock(t0); clock.advanceTo(t1); clock.now(); // t1
 */
export class HistoricalClock implements Clock {
  constructor(private time: number) {}

  now(): number {
    return this.time;
  }

  advanceTo(time: number): void {
    if (time < this.time)
      throw new RangeError(`historical clock cannot go back from ${this.time} to ${time}`);
    this.time = time;
  }
}
