import { DevChainError } from "./DevChainError.js";

/** One JSON-RPC request/response body. */
export interface JsonRpcRequest {
  readonly jsonrpc: "2.0";
  readonly id: number | string | null;
  readonly method: string;
  readonly params?: unknown[];
}

let nextId = 1;

/** Calls `method` on the node at `url`; a JSON-RPC error becomes a DevChainError naming the call. */
export async function jsonRpc<T>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: nextId++, method, params }),
  });
  const body = (await res.json()) as { result?: T; error?: { message?: string } };
  if (body.error)
    throw new DevChainError(
      `${method} failed on ${url}: ${body.error.message ?? JSON.stringify(body.error)}`,
    );
  return body.result as T;
}
