import { classifyVenueError, RetryableVenueError, VenueFatalError } from "./errors.js";
import type { Execution, Nav } from "../protocol/reportTypes.js";
import type { ExecutionReportSink, NavReportSink } from "./ReportSinks.js";

export interface HttpReportSinkOptions {
  /** Base URL of the oracle node; payloads go to `<url>/execution` and `<url>/nav`. */
  readonly url: string;
  readonly timeoutMs?: number;
  readonly headers?: Readonly<Record<string, string>>;
}

/** bigint → decimal string, the JSON convention of the oracle node's API. */
function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
}

/**
 * POSTs payloads as JSON (bigints as decimal strings). A 5xx, 429 or network failure is a
 * `RetryableVenueError` (the engine keeps the fills unreported and tries again next cycle); a 4xx
 * is fatal: the node refused the payload itself.
 */
export class HttpReportSink implements ExecutionReportSink, NavReportSink {
  constructor(private readonly o: HttpReportSinkOptions) {}

  submitExecution(execution: Execution): Promise<void> {
    return this.post("/execution", execution);
  }

  submitNav(nav: Nav): Promise<void> {
    return this.post("/nav", nav);
  }

  private async post(path: string, body: unknown): Promise<void> {
    const url = this.o.url.replace(/\/$/, "") + path;
    let res: Response;
    try {
      res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...this.o.headers },
        body: toJson(body),
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 10_000),
      });
    } catch (e) {
      throw classifyVenueError(e, { venue: `report sink ${url}`, now: Date.now() });
    }
    const text = await res.text();
    if (res.ok) return;
    const msg = `report sink ${url}: HTTP ${res.status} ${text.slice(0, 200)}`;
    if (res.status >= 500 || res.status === 429) throw new RetryableVenueError(msg);
    throw new VenueFatalError(msg, { hint: "the oracle node refused the payload; check its log" });
  }
}
