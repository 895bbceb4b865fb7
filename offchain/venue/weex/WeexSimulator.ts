import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { FaultInjector } from "./FaultInjector.js";
import type { Fault } from "./FaultInjector.js";
import { MarketState } from "./MarketState.js";
import type { MarketStateOptions } from "./MarketState.js";
import { publicMarketRoutes } from "./publicMarketRoutes.js";
import { RouteTable } from "./RouteTable.js";
import type { HttpMethod } from "./RouteTable.js";
import { WeexApiError } from "./WeexApiError.js";
import { WeexWsHub } from "./WeexWsHub.js";
import type { WsHubOptions } from "./WeexWsHub.js";

export interface WeexSimulatorOptions extends MarketStateOptions {
  /** Interface to bind (default 127.0.0.1). */
  readonly host?: string;
  /** Port (default 0: an ephemeral port). */
  readonly port?: number;
  readonly ws?: WsHubOptions;
}

/** The `urls.api` block that points ccxt's `weex` (REST and pro WebSocket) at the simulator. */
export interface WeexCcxtUrls {
  readonly public: string;
  readonly private: string;
  readonly contract: string;
  readonly contractPrivate: string;
  readonly ws: { readonly spot: string; readonly contract: string };
}

/**
 * A local WEEX: the REST API and public WebSocket streams that ccxt's real `weex` class speaks,
 * serving market data replayed from given candles on an injected clock, with per-route fault
 * injection. Spot (`/api/...`) and contract (`/capi/...`) share one port; their paths never clash.
 *
 * @example
 * const sim = new WeexSimulator({ markets, history, clock: () => t });
 * await sim.start();
 * const ex = new ccxt.weex({ urls: { api: sim.ccxtUrls() } });
 * await ex.fetchOHLCV("BTC/USDT", "1h");
 * await sim.stop();
 */
export class WeexSimulator {
  readonly state: MarketState;
  readonly routes = new RouteTable();
  readonly faults = new FaultInjector();
  readonly ws: WeexWsHub;
  private server: Server | undefined;
  private readonly hanging = new Set<ServerResponse>();

  constructor(private readonly options: WeexSimulatorOptions) {
    this.state = new MarketState(options);
    this.routes.add(...publicMarketRoutes(this.state));
    this.ws = new WeexWsHub(this.state, options.ws);
  }

  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer((req, res) => this.onRequest(req, res));
    server.on("upgrade", (req, socket, head) => {
      if (!this.ws.handleUpgrade(req, socket, head)) socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.options.port ?? 0, this.options.host ?? "127.0.0.1", () => resolve());
    });
    this.server = server;
    this.ws.start();
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.ws.stop();
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Base URL, e.g. "http://127.0.0.1:53122". */
  get url(): string {
    if (!this.server) throw new Error("WeexSimulator is not started: call start() first");
    const addr = this.server.address() as AddressInfo;
    return `http://${addr.address}:${addr.port}`;
  }

  ccxtUrls(): WeexCcxtUrls {
    const ws = this.url.replace(/^http/, "ws");
    return {
      public: this.url,
      private: this.url,
      contract: this.url,
      contractPrivate: this.url,
      ws: { spot: `${ws}/spot/v3/ws`, contract: `${ws}/contract/v3/ws` },
    };
  }

  /** Shorthand for `faults.inject("GET <path>", fault, times)`. */
  inject(path: string, fault: Fault, times = 1): void {
    this.faults.inject(`GET ${path}`, fault, times);
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => this.respond(req, res, Buffer.concat(chunks).toString("utf8")));
  }

  private respond(req: IncomingMessage, res: ServerResponse, body: string): void {
    const url = new URL(req.url ?? "/", "http://localhost");
    const method = (req.method ?? "GET").toUpperCase() as HttpMethod;
    const routeKey = RouteTable.key(method, url.pathname);
    const fault = this.faults.take(routeKey);
    if (fault?.kind === "hang") {
      this.hanging.add(res);
      res.on("close", () => this.hanging.delete(res));
      return;
    }
    if (fault?.kind === "status") {
      const headers: Record<string, string> = {};
      if (fault.retryAfter !== undefined) headers["Retry-After"] = fault.retryAfter;
      if (fault.body === undefined) {
        // what a gateway in front of the API sends: a plain-text reason, not WEEX's JSON envelope
        res.writeHead(fault.status, { ...headers, "Content-Type": "text/plain" });
        res.end(`${fault.status} ${statusText(fault.status)}`);
      } else {
        res.writeHead(fault.status, { ...headers, "Content-Type": "application/json" });
        res.end(JSON.stringify(fault.body));
      }
      return;
    }
    const route = this.routes.find(method, url.pathname);
    if (!route) {
      json(res, 404, { code: -1000, msg: `Not Found: ${method} ${url.pathname}` });
      return;
    }
    let payload: unknown;
    try {
      payload = route.handler({
        method,
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body,
      });
    } catch (e) {
      if (e instanceof WeexApiError) json(res, e.httpStatus, e.body());
      else
        json(res, 500, {
          code: -1000,
          msg: `simulator error: ${e instanceof Error ? e.message : String(e)}`,
        });
      return;
    }
    if (fault?.kind === "malformed") {
      const text = JSON.stringify(payload);
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(text.slice(0, Math.max(1, Math.floor(text.length / 2))));
      return;
    }
    json(res, 200, fault?.kind === "drift" ? fault.transform(payload) : payload);
  }
}

function json(res: ServerResponse, status: number, payload: unknown): void {
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(JSON.stringify(payload));
}

function statusText(status: number): string {
  const texts: Record<number, string> = {
    418: "I'm a teapot",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
  };
  return texts[status] ?? "Error";
}
