/**
 * What the simulator can do to a request instead of answering it normally. Each one stands for a
 * failure real venues produce: throttling, outages, dead connections, broken proxies, API changes.
 */
export type Fault =
  /** Answer with this HTTP status; `retryAfter` becomes the Retry-After header (seconds or a date). */
  | {
      readonly kind: "status";
      readonly status: number;
      readonly retryAfter?: string;
      readonly body?: unknown;
    }
  /** Accept the request and never answer (until the simulator stops): a client timeout must fire. */
  | { readonly kind: "hang" }
  /** Answer 200 with a body that is not valid JSON (a truncated document). */
  | { readonly kind: "malformed" }
  /** Answer 200 with the normal payload passed through `transform` (renamed/missing fields, etc.). */
  | { readonly kind: "drift"; readonly transform: (payload: unknown) => unknown }
  /**
   * Process the request (an order is booked, a cancel takes effect) but lose the answer: the
   * connection is reset ("reset", default) or never answered ("hang"). The client cannot know
   * the outcome and must reconcile, e.g. by client order id.
   */
  | { readonly kind: "unknownOutcome"; readonly mode?: "reset" | "hang" };

interface Armed {
  readonly fault: Fault;
  remaining: number;
}

/**
 * Per-route fault queue. A route key is "METHOD /path" (e.g. "GET /api/v3/market/klines") or
 * "*" for every route. Faults fire in the order armed, each for `times` requests, then the route
 * behaves normally again. Counts every request per route so tests can assert retries happened.
 */
export class FaultInjector {
  private readonly armed = new Map<string, Armed[]>();
  private readonly hits = new Map<string, number>();

  /** Arm `fault` on `route` for the next `times` requests (default 1; Infinity for "until cleared"). */
  inject(route: string, fault: Fault, times = 1): void {
    const list = this.armed.get(route) ?? [];
    list.push({ fault, remaining: times });
    this.armed.set(route, list);
  }

  clear(route?: string): void {
    if (route === undefined) this.armed.clear();
    else this.armed.delete(route);
  }

  /** Requests seen on `route` since start (or the last reset). */
  count(route: string): number {
    return this.hits.get(route) ?? 0;
  }

  resetCounts(): void {
    this.hits.clear();
  }

  /** Called once per request: records it and returns the fault to apply, if any. */
  take(route: string): Fault | undefined {
    this.hits.set(route, (this.hits.get(route) ?? 0) + 1);
    for (const key of [route, "*"]) {
      const list = this.armed.get(key);
      const head = list?.[0];
      if (!list || !head) continue;
      head.remaining -= 1;
      if (head.remaining <= 0) list.shift();
      return head.fault;
    }
    return undefined;
  }
}
