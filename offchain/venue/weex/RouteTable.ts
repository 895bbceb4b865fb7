import type { IncomingHttpHeaders } from "node:http";
import type { SimAccount } from "./SimAccount.js";

export type HttpMethod = "GET" | "POST" | "DELETE";

/** A parsed request as handlers see it. */
export interface RouteRequest {
  readonly method: HttpMethod;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The request target as sent, path and query ("/api/v3/order?orderId=1"). */
  readonly rawUrl: string;
  /** Set for signed routes once the signature checked out. */
  readonly account?: SimAccount;
}

/** Returns the JSON payload to send with 200; throws `WeexApiError` for WEEX-style errors. */
export type RouteHandler = (req: RouteRequest) => unknown;

export interface Route {
  readonly method: HttpMethod;
  /** Exact path, e.g. "/api/v3/market/klines". */
  readonly path: string;
  readonly handler: RouteHandler;
  /** Private endpoint: the request must carry a valid WEEX signature. */
  readonly signed?: boolean;
  /** Rate-limit weight (ccxt's `cost` for private endpoints; default 1). */
  readonly weight?: number;
}

/**
 * The simulator's routing table: method + exact path → handler. Public market routes and the
 * signed (private) trading routes are both added through `add`.
 */
export class RouteTable {
  private readonly routes = new Map<string, Route>();

  static key(method: string, path: string): string {
    return `${method} ${path}`;
  }

  add(...routes: Route[]): this {
    for (const r of routes) this.routes.set(RouteTable.key(r.method, r.path), r);
    return this;
  }

  find(method: string, path: string): Route | undefined {
    return this.routes.get(RouteTable.key(method, path));
  }

  keys(): string[] {
    return [...this.routes.keys()];
  }
}
