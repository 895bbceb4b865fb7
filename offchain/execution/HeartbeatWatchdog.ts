import type { Clock } from "../data/Clock.js";

export interface HeartbeatWatchdogOptions {
  readonly clock: Clock;
  /** Silence longer than this (ms) means the stream is dead even if the socket looks open. */
  readonly timeoutMs: number;
  /** Called once per outage (stale or reconnected): the engine's `requestResync`. */
  readonly onResync: (reason: string) => void;
}

/**
 * Watches a WebSocket stream (orders, fills, tickers or the venue's ping): every message is a beat.
 * Silence past the timeout, or a reconnect, means messages may have been missed, so the engine must
 * resync over REST; pushed updates are never trusted to be complete.
 */
export class HeartbeatWatchdog {
  private last: number;
  private stale = false;

  constructor(private readonly o: HeartbeatWatchdogOptions) {
    this.last = o.clock.now();
  }

  /** A message arrived. */
  beat(): void {
    this.last = this.o.clock.now();
    this.stale = false;
  }

  /** The stream reconnected: whatever happened while it was down is unknown. */
  reconnected(): void {
    this.beat();
    this.o.onResync("websocket reconnected");
  }

  /** Call periodically; returns true when it just declared the stream stale. */
  check(): boolean {
    if (this.stale || this.o.clock.now() - this.last < this.o.timeoutMs) return false;
    this.stale = true;
    this.o.onResync(`no heartbeat for ${this.o.clock.now() - this.last} ms`);
    return true;
  }
}
