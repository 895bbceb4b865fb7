import type { Clock } from "./Clock.js";
import { classifyError, httpStatusError, MalformedPayloadError } from "./errors.js";
import { parseRetryAfter } from "./parseRetryAfter.js";

/**
 * GET a JSON document with a deadline; every failure comes back as our typed error (status →
 * `httpStatusError` with Retry-After, bad JSON → `MalformedPayloadError`, socket → network).
 */
export async function httpGetJson(
  url: string,
  options: { source: string; clock: Clock; timeoutMs: number; headers?: Record<string, string> },
): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, {
      headers: { accept: "application/json", ...options.headers },
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (e) {
    throw classifyError(e, options.source);
  }
  const text = await res.text().catch((e: unknown) => {
    throw classifyError(e, options.source);
  });
  const statusError = httpStatusError(
    res.status,
    text.slice(0, 200),
    options.source,
    parseRetryAfter(res.headers.get("retry-after"), options.clock.now()),
  );
  if (statusError) throw statusError;
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new MalformedPayloadError(`${options.source}: response is not valid JSON: ${text.slice(0, 80)}`, {
      source: options.source,
      cause: e,
    });
  }
}
