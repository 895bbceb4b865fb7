import type { IncomingHttpHeaders } from "node:http";

export type HttpMethod = "GET" | "POST" | "DELETE";

/** A parsed request as handlers see it. */
export interface RouteRequest {
  readonly method: HttpMethod;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** Returns the JSON payload to send with 200; throws `WeexApiError` for WEEX-style errors. */
export type RouteHandler = (req: RouteRequest) => unknown;

export interface Route {
  readonly method: HttpMethod;
  /** Exact path, e.g. "/api/v3/market/klines". */
  readonly path: string;
  readonly handler: RouteHandler;
}

/**
 * The simulator's routing table: method + exact path → handler. Public market routes are added
 * now; the trading task adds private routes (and their signature check) through `add`.
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
