import type { Clock } from "../data/Clock.js";
import type { HeartbeatWatchdog } from "./HeartbeatWatchdog.js";

/** The part of a ccxt.pro exchange the feed uses. */
export interface OrderStreamClient {
  watchOrders(symbol?: string): Promise<unknown[]>;
}

export interface WsOrderFeedOptions {
  readonly client: OrderStreamClient;
  readonly symbols: readonly string[];
  readonly watchdog: HeartbeatWatchdog;
  readonly clock: Clock;
  /** Called on every order update (e.g. to run a tick sooner than the poll). */
  readonly onUpdate?: (symbol: string) => void;
  /** Pause before re-subscribing after the stream failed, ms (default 1 000). */
  readonly retryMs?: number;
}

/**
 * Private order updates over the venue's WebSocket (ccxt.pro `watchOrders`), used as a heartbeat
 * and a nudge, never as the source of truth: a dropped stream asks the watchdog for a resync
 * at once and again on the first message after re-subscribing, so anything missed in between is
 * read back over REST.
 */
export class WsOrderFeed {
  private running = false;
  private loops: Promise<void>[] = [];

  constructor(private readonly o: WsOrderFeedOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loops = this.o.symbols.map((s) => this.loop(s));
  }

  /** Stops the loops; close the ccxt.pro client afterwards to end the pending watches. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.allSettled(this.loops);
  }

  private async loop(symbol: string): Promise<void> {
    let dropped = false;
    while (this.running) {
      try {
        await this.o.client.watchOrders(symbol);
        if (!this.running) return;
        if (dropped) this.o.watchdog.reconnected();
        else this.o.watchdog.beat();
        dropped = false;
        this.o.onUpdate?.(symbol);
      } catch {
        if (!this.running) return;
        if (!dropped) this.o.watchdog.reconnected();
        dropped = true;
        await this.o.clock.sleep(this.o.retryMs ?? 1_000);
      }
    }
  }
}
