import { classifyFailure, classifyHttpStatus, isRetryableKind } from "../errors/classify.js";
import { NewsSourceFatalError, NewsSourceRetryableError, SentimentInputError } from "./errors.js";
import type { Headline } from "./Headline.js";
import type { NewsSource, TimeRange } from "./NewsSource.js";

export interface CryptoPanicOptions {
  /** Origin of the API, e.g. "https://cryptopanic.com" or a local stand-in "http://127.0.0.1:port". */
  readonly baseUrl: string;
  readonly authToken?: string;
  /** Per-request budget in ms, covering connect, headers and body. Default 5000. */
  readonly timeoutMs?: number;
  /** Pages to follow through `next` at most. Default 5. */
  readonly maxPages?: number;
  /** Injected for tests; defaults to the global fetch. */
  readonly fetch?: typeof fetch;
}

/**
 * CryptoPanic-style news API adapter: `GET /api/v1/posts/?currencies=BTC,ETH` returning
 * `{ results: [{ title, published_at, source: { title }, currencies: [{ code }] }], next }`, newest
 * first. Follows `next` (same origin only) until it passes `range.from` or `maxPages`. Timeouts, 429
 * and 5xx are `NewsSourceRetryableError`; other statuses and malformed payloads are
 * `NewsSourceFatalError`, naming the offending field.
 *
 * @example
 * const src = new CryptoPanicNewsSource({ baseUrl: "http://127.0.0.1:8080", authToken: "t" });
 * const news = await src.fetchHeadlines({ from, to }, { currencies: ["BTC"] });
 */
export class CryptoPanicNewsSource implements NewsSource {
  readonly name: string;
  private readonly origin: string;

  constructor(private readonly options: CryptoPanicOptions) {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch (cause) {
      throw new SentimentInputError(`CryptoPanicNewsSource: baseUrl "${options.baseUrl}" is not a URL`, {
        cause,
      });
    }
    this.origin = url.origin;
    this.name = `cryptopanic:${this.origin}`;
  }

  async fetchHeadlines(range: TimeRange, opts: { currencies?: readonly string[] } = {}): Promise<Headline[]> {
    const first = new URL("/api/v1/posts/", this.origin);
    if (this.options.authToken) first.searchParams.set("auth_token", this.options.authToken);
    if (opts.currencies?.length) first.searchParams.set("currencies", opts.currencies.join(","));
    first.searchParams.set("public", "true");
    const out: Headline[] = [];
    let next: string | null = first.toString();
    for (let page = 0; next !== null && page < (this.options.maxPages ?? 5); page++) {
      const body = await this.getJson(next);
      const { items, nextUrl } = parsePage(body, next);
      let passedStart = false;
      for (const h of items) {
        if (h.timestamp < range.from) passedStart = true;
        else if (h.timestamp < range.to) out.push(h);
      }
      if (passedStart) break;
      if (nextUrl !== null && new URL(nextUrl).origin !== this.origin)
        throw new NewsSourceFatalError(
          `${this.name}: "next" points to another origin (${nextUrl}); refusing to follow`,
        );
      next = nextUrl;
    }
    return out.sort((a, b) => a.timestamp - b.timestamp);
  }

  private async getJson(url: string): Promise<unknown> {
    const timeoutMs = this.options.timeoutMs ?? 5000;
    const doFetch = this.options.fetch ?? fetch;
    const safeUrl = url.replace(/auth_token=[^&]*/, "auth_token=***");
    let res: Response;
    let text: string;
    try {
      res = await doFetch(url, {
        signal: AbortSignal.timeout(timeoutMs),
        headers: { accept: "application/json" },
      });
      text = await res.text();
    } catch (cause) {
      const f = classifyFailure(cause);
      const Cls = f.retryable ? NewsSourceRetryableError : NewsSourceFatalError;
      throw new Cls(
        f.kind === "timeout"
          ? `${this.name}: no complete answer within ${timeoutMs} ms for ${safeUrl}; retry later or raise timeoutMs`
          : `${this.name}: network error for ${safeUrl} (${String(cause)}); retry later`,
        { cause },
      );
    }
    const kind = classifyHttpStatus(res.status);
    if (kind !== undefined && isRetryableKind(kind))
      throw new NewsSourceRetryableError(
        `${this.name}: HTTP ${res.status} for ${safeUrl}${res.headers.get("retry-after") ? ` (retry after ${res.headers.get("retry-after")} s)` : ""}; retry with backoff`,
      );
    if (!res.ok)
      throw new NewsSourceFatalError(
        `${this.name}: HTTP ${res.status} for ${safeUrl}; check the auth token and query parameters`,
      );
    try {
      return JSON.parse(text);
    } catch (cause) {
      throw new NewsSourceFatalError(
        `${this.name}: payload from ${safeUrl} is not JSON (starts "${text.slice(0, 40)}")`,
        { cause },
      );
    }
  }
}

function parsePage(body: unknown, url: string): { items: Headline[]; nextUrl: string | null } {
  const fail = (what: string): never => {
    throw new NewsSourceFatalError(
      `cryptopanic: malformed payload from ${url.replace(/auth_token=[^&]*/, "auth_token=***")}: ${what}; the API schema may have changed`,
    );
  };
  if (typeof body !== "object" || body === null) return fail("body is not an object");
  const { results, next } = body as { results?: unknown; next?: unknown };
  if (!Array.isArray(results)) return fail("`results` is not an array");
  if (next !== null && next !== undefined && typeof next !== "string")
    fail("`next` is neither a URL nor null");
  const items = results.map((r: unknown, i): Headline => {
    if (typeof r !== "object" || r === null) return fail(`results[${i}] is not an object`);
    const p = r as {
      title?: unknown;
      published_at?: unknown;
      source?: { title?: unknown };
      currencies?: unknown;
    };
    if (typeof p.title !== "string" || p.title.length === 0) return fail(`results[${i}].title is missing`);
    const ts = typeof p.published_at === "string" ? Date.parse(p.published_at) : NaN;
    if (!Number.isFinite(ts)) return fail(`results[${i}].published_at is not an ISO date`);
    const tagged: string[] = [];
    if (p.currencies !== undefined) {
      if (!Array.isArray(p.currencies)) return fail(`results[${i}].currencies is not an array`);
      for (const c of p.currencies as { code?: unknown }[])
        if (typeof c?.code === "string") tagged.push(c.code.toUpperCase());
    }
    const source = typeof p.source?.title === "string" ? p.source.title : "unknown";
    return { timestamp: ts, source, text: p.title, tagged };
  });
  return { items, nextUrl: typeof next === "string" ? next : null };
}
