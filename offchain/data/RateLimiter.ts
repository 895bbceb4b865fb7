import type { Clock } from "./Clock.js";

/**
 * Token bucket per source: `capacity` requests in a burst, refilled at `perSecond`. `pauseUntil`
 * honours a venue's Retry-After for every caller of the source, not only the one that got the 429.
 * Waits go through the injected clock, so tests never sleep.
 */
export class RateLimiter {
  private tokens: number;
  private last: number;
  private pausedUntil = 0;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly clock: Clock,
    private readonly perSecond: number,
    private readonly capacity = Math.max(1, perSecond),
  ) {
    if (!(perSecond > 0)) throw new RangeError(`RateLimiter needs perSecond > 0, got ${perSecond}`);
    this.tokens = capacity;
    this.last = clock.now();
  }

  /** Resolves when one request may go out. Calls are served in order. */
  acquire(): Promise<void> {
    const turn = this.queue.then(() => this.take());
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** No request leaves before `t` (ms). Later pauses extend, earlier ones are ignored. */
  pauseUntil(t: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, t);
  }

  private async take(): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      if (now < this.pausedUntil) {
        await this.clock.sleep(this.pausedUntil - now);
        continue;
      }
      this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.perSecond);
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await this.clock.sleep(Math.ceil(((1 - this.tokens) / this.perSecond) * 1000));
    }
  }
}
