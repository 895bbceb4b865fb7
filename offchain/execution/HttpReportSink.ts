import { classifyHttpStatus, isRetryableKind } from "../errors/classify.js";
import { classifyVenueError, RetryableVenueError, VenueFatalError } from "./errors.js";
import { proposalJson, type ProposalSigner } from "../protocol/ProposalSigner.js";
import { Stream, type Execution, type Nav } from "../protocol/reportTypes.js";
import type { ExecutionReportSink, NavReportSink } from "./ReportSinks.js";

export interface HttpReportSinkOptions {
  /** Base URL of the oracle node; payloads go to `<url>/execution` and `<url>/nav`. */
  readonly url: string;
  /** The engine's identity: every request is signed (`offchain/protocol/proposalAuth.ts`). */
  readonly signer: ProposalSigner;
  /** The operator address of the node at `url` (the envelope's audience). */
  readonly audience: string;
  readonly timeoutMs?: number;
  /** Extra headers (they cannot replace the signed envelope's). */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * POSTs payloads as JSON (bigints as decimal strings), each request signed by the engine for the node
 * (a new envelope and nonce per attempt, so a retry is never a replay). A status or network failure
 * that `classifyFailure`/`classifyHttpStatus` call retryable (5xx, 408, 429, connection reset…) is a
 * `RetryableVenueError` (the engine keeps the fills unreported and tries again next cycle); a 4xx
 * is fatal: the node refused the payload itself (401/403: it does not accept this engine's signature).
 */
export class HttpReportSink implements ExecutionReportSink, NavReportSink {
  constructor(private readonly o: HttpReportSinkOptions) {}

  submitExecution(execution: Execution): Promise<void> {
    return this.post(Stream.Execution, "/execution", execution);
  }

  submitNav(nav: Nav): Promise<void> {
    return this.post(Stream.Nav, "/nav", nav);
  }

  private async post(stream: Stream, path: string, payload: unknown): Promise<void> {
    const url = this.o.url.replace(/\/$/, "") + path;
    const body = proposalJson(payload);
    let res: Response;
    try {
      res = await fetch(url, {
        method: "POST",
        headers: { ...this.o.headers, ...(await this.o.signer.headers(stream, this.o.audience, body)) },
        body,
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 10_000),
      });
    } catch (e) {
      throw classifyVenueError(e, { venue: `report sink ${url}`, now: Date.now() });
    }
    const text = await res.text();
    if (res.ok) return;
    const msg = `report sink ${url}: HTTP ${res.status} ${text.slice(0, 200)}`;
    const kind = classifyHttpStatus(res.status);
    if (kind !== undefined && isRetryableKind(kind))
      throw new RetryableVenueError(msg, { details: { status: res.status } });
    throw new VenueFatalError(msg, { hint: "the oracle node refused the payload; check its log" });
  }
}
