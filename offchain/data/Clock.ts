/**
 * Time as the data layer sees it: "now" for partial-candle and staleness decisions, and `sleep`
 * for backoff and rate limiting. Tests inject `ManualClock` so no test waits on real time.
 */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

/** A clock that only moves when told to; `sleep` advances it at once and records the wait. */
export class ManualClock implements Clock {
  readonly sleeps: number[] = [];

  constructor(private t: number) {}

  now(): number {
    return this.t;
  }

  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.t += Math.max(0, ms);
  }

  set(t: number): void {
    this.t = t;
  }

  advance(ms: number): void {
    this.t += ms;
  }
}
