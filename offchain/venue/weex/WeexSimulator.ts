import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { FaultInjector } from "./FaultInjector.js";
import type { Fault } from "./FaultInjector.js";
import { MarketState } from "./MarketState.js";
import type { MarketStateOptions } from "./MarketState.js";
import { publicMarketRoutes } from "./publicMarketRoutes.js";
import { RateLimiter } from "./RateLimiter.js";
import type { WindowLimit } from "./RateLimiter.js";
import { RouteTable } from "./RouteTable.js";
import type { HttpMethod, Route } from "./RouteTable.js";
import { SimAccount } from "./SimAccount.js";
import type { CustodyMove, SimAccountConfig } from "./SimAccount.js";
import { SIM_STATE_VERSION, SimStateError, parseSimState } from "./SimState.js";
import type { WeexSimState } from "./SimState.js";
import { SpotEngine } from "./SpotEngine.js";
import type { SpotEngineOptions } from "./SpotEngine.js";
import { spotTradingRoutes } from "./spotTradingRoutes.js";
import { fx, fxFormat } from "./fixedPoint.js";
import { WeexApiError } from "./WeexApiError.js";
import { WeexAuthenticator } from "./WeexAuthenticator.js";
import { WeexPrivateWsHub } from "./WeexPrivateWsHub.js";
import { WeexWsHub } from "./WeexWsHub.js";
import type { WsHubOptions } from "./WeexWsHub.js";

export interface WeexSimulatorOptions extends MarketStateOptions {
  /** Interface to bind (default 127.0.0.1). */
  readonly host?: string;
  /** Port (default 0: an ephemeral port). */
  readonly port?: number;
  readonly ws?: WsHubOptions;
  /** Accounts (API key, secret, passphrase, opening balances) private requests can sign for. */
  readonly accounts?: readonly SimAccountConfig[];
  readonly trading?: SpotEngineOptions;
  /**
   * Trading state to resume from, as `exportState()` wrote it (e.g. `loadSimState(path)`):
   * balances, bills, custody journals, orders, fills and the id counter. Opening balances in
   * `accounts` apply only to accounts the state does not know. Every account in the state must
   * be in `accounts` (credentials are never in the state), the seed must match, and orders'
   * markets must be spot markets here; otherwise `SimStateError`.
   */
  readonly state?: WeexSimState;
  /**
   * Called whenever trading state changed (an order placed or cancelled, a fill, a custody move),
   * before the request that changed it is answered: persist `exportState()` here and the venue,
   * like a real one, never forgets what it acknowledged. If it throws, the request answers 500.
   */
  readonly onStateChange?: () => void;
  /**
   * Wall clock for what is about real time, not market time: ACCESS-TIMESTAMP freshness and
   * rate-limit windows (default Date.now; ccxt signs with its own wall clock).
   */
  readonly wallClock?: () => number;
  /** Clock of the rate-limit windows (default `wallClock`): tests roll windows over by hand. */
  readonly rateLimitClock?: () => number;
  /** Accepted |server − ACCESS-TIMESTAMP| in ms (default 30 000, WEEX's documented window). */
  readonly recvWindowMs?: number;
  readonly rateLimits?: {
    /** Per API key, in ccxt cost units (default 500 per 10 s, WEEX's private budget); false: off. */
    readonly private?: WindowLimit | false;
    /** Per client address, counting requests (WEEX: 20 per 2 s); default off. */
    readonly public?: WindowLimit | false;
  };
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
  readonly spot: SpotEngine;
  /** Private spot WebSocket (`orders`, `fill`, `account`). */
  readonly privateWs: WeexPrivateWsHub;
  private readonly accounts = new Map<string, SimAccount>();
  private readonly auth: WeexAuthenticator;
  private readonly privateLimiter: RateLimiter | undefined;
  private readonly publicLimiter: RateLimiter | undefined;
  private server: Server | undefined;
  private readonly hanging = new Set<ServerResponse>();
  private idCounter = 0n;
  /** Uids the restored state gives its accounts, kept free for accounts it does not know. */
  private readonly reservedUids = new Set<string>();

  constructor(private readonly options: WeexSimulatorOptions) {
    this.state = new MarketState(options);
    const wall = options.wallClock ?? Date.now;
    this.auth = new WeexAuthenticator(wall, options.recvWindowMs ?? 30_000);
    this.spot = new SpotEngine(this.state, () => this.nextId(), options.trading);
    this.routes.add(...publicMarketRoutes(this.state));
    this.routes.add(...spotTradingRoutes(this.spot, () => this.state.now()));
    this.ws = new WeexWsHub(this.state, options.ws);
    this.privateWs = new WeexPrivateWsHub(
      this.auth,
      this.spot,
      () => this.accounts.values(),
      () => this.state.now(),
    );
    const priv = options.rateLimits?.private ?? { weight: 500, windowMs: 10_000 };
    const rateClock = options.rateLimitClock ?? wall;
    this.privateLimiter = priv === false ? undefined : new RateLimiter(priv, rateClock);
    const pub = options.rateLimits?.public ?? false;
    this.publicLimiter = pub === false ? undefined : new RateLimiter(pub, rateClock);
    if (options.state === undefined) {
      for (const a of options.accounts ?? []) this.addAccount(a);
    } else {
      this.restore(parseSimState(options.state, "options.state"));
    }
  }

  /** Registers an account; its API key can sign private requests from now on. */
  addAccount(config: SimAccountConfig): SimAccount {
    return this.register(config, undefined);
  }

  private register(config: SimAccountConfig, uid: string | undefined): SimAccount {
    if (this.accounts.has(config.name)) throw new Error(`account "${config.name}" already exists`);
    const account = new SimAccount(config, uid ?? this.freeUid(), () => this.nextId());
    this.accounts.set(config.name, account);
    this.auth.register(account);
    return account;
  }

  private freeUid(): string {
    const used = new Set([...this.reservedUids, ...[...this.accounts.values()].map((a) => a.uid)]);
    let n = 8_886_281_000 + this.accounts.size;
    while (used.has(String(n))) n += 1;
    return String(n);
  }

  /**
   * Everything needed to resume trading after a restart, as plain JSON (see `WeexSimState`);
   * pass it back as `options.state`. The market itself needs no saving: it is a function of the
   * candles, the clock and the seed. No credentials are included.
   *
   * @example
   * saveSimState(".sigil/venue-state.json", sim.exportState());
   * const sim2 = new WeexSimulator({ ...options, state: loadSimState(".sigil/venue-state.json") });
   */
  exportState(): WeexSimState {
    return {
      version: SIM_STATE_VERSION,
      seed: this.options.seed ?? 1,
      idCounter: String(this.idCounter),
      accounts: [...this.accounts.values()].map((a) => a.exportState()),
      ...this.spot.exportState(),
    };
  }

  /** Rebuilds accounts, orders, fills and the id counter from a validated state. */
  private restore(state: WeexSimState): void {
    const seed = this.options.seed ?? 1;
    if (state.seed !== seed) {
      throw new SimStateError(
        `the simulator state was saved with seed ${state.seed} but this simulator has seed ${seed}: ids and the synthetic book would differ`,
        { hint: `Start the simulator with seed ${state.seed}, or delete the state file to start fresh.` },
      );
    }
    const configs = new Map((this.options.accounts ?? []).map((a) => [a.name, a]));
    for (const a of state.accounts) {
      if (!configs.has(a.name)) {
        throw new SimStateError(
          `the simulator state has account "${a.name}", which options.accounts does not configure (credentials are never saved in the state)`,
          {
            hint: `Add "${a.name}" with its API key, secret and passphrase to options.accounts, or delete the state file to start fresh.`,
          },
        );
      }
      this.reservedUids.add(a.uid);
    }
    const saved = new Map(state.accounts.map((a) => [a.name, a]));
    for (const config of this.options.accounts ?? []) {
      const s = saved.get(config.name);
      if (s === undefined) {
        this.addAccount(config); // new since the save: starts from its opening balances
        continue;
      }
      // opening balances were applied when the account was first created; the state has the rest
      const { balances: _opening, ...credentials } = config;
      this.register(credentials, s.uid).restoreState(s);
    }
    this.spot.restoreState(state, (name) => this.account(name));
    this.idCounter = BigInt(state.idCounter);

    const ids = [
      ...state.orders.map((o) => o.orderId),
      ...state.fills.map((f) => f.id),
      ...state.accounts.flatMap((a) => a.bills.map((b) => b.billId)),
    ];
    const last = this.idAt(this.idCounter);
    for (const id of ids) {
      if (BigInt(id) > last) {
        throw new SimStateError(
          `the simulator state uses id ${id} beyond its id counter ${state.idCounter}: new ids would collide with it`,
        );
      }
    }
    for (const account of this.accounts.values()) {
      const locked = new Map<string, bigint>();
      for (const o of this.spot.open(account)) {
        const asset = o.side === "BUY" ? o.market.quote : o.market.base;
        locked.set(asset, (locked.get(asset) ?? 0n) + o.locked);
      }
      for (const asset of new Set([...account.assets(), ...locked.keys()])) {
        const want = locked.get(asset) ?? 0n;
        const have = account.assets().includes(asset) ? account.balance(asset).locked : 0n;
        if (have !== want) {
          throw new SimStateError(
            `the simulator state locks ${fxFormat(have)} ${asset} of "${account.name}" but its open orders lock ${fxFormat(want)}`,
          );
        }
      }
    }
    // what the state holds happened before any client connected: nothing to push for it
    this.privateWs.flush();
  }

  account(name: string): SimAccount {
    const a = this.accounts.get(name);
    if (!a) throw new Error(`no simulator account "${name}"`);
    return a;
  }

  /**
   * Custody hook: the vault moved `amount` of `asset` to the venue account. Recorded as a
   * `transfer_in` bill (and a transfer record) at market time; `ref` (e.g. the on-chain tx hash)
   * is kept in `account(name).custody` beside the bill id, so both books can be reconciled.
   */
  credit(name: string, asset: string, amount: string, ref: string): CustodyMove {
    const move = this.account(name).credit(asset, fx(amount), ref, this.state.now());
    this.privateWs.flush();
    this.options.onStateChange?.();
    return move;
  }

  /** Custody hook: funds returned from the venue to the vault (`transfer_out`); must be free. */
  debit(name: string, asset: string, amount: string, ref: string): CustodyMove {
    this.spot.sync();
    const move = this.account(name).debit(asset, fx(amount), ref, this.state.now());
    this.privateWs.flush();
    this.options.onStateChange?.();
    return move;
  }

  /** Matches resting orders against the replayed candles up to the clock (also done per request). */
  sync(): void {
    this.spot.sync();
    this.privateWs.flush();
  }

  /** Order, trade and bill ids: 18 digits like WEEX's, from a counter, so runs are identical. */
  private nextId(): string {
    this.idCounter += 1n;
    return String(this.idAt(this.idCounter));
  }

  private idAt(counter: bigint): bigint {
    return 700_000_000_000_000_000n + BigInt(this.options.seed ?? 1) * 1_000_000_000n + counter;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer((req, res) => this.onRequest(req, res));
    server.on("upgrade", (req, socket, head) => {
      if (!this.ws.handleUpgrade(req, socket, head) && !this.privateWs.handleUpgrade(req, socket, head)) {
        socket.destroy();
      }
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
    this.privateWs.stop();
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

  /** Charges the route's weight; answers 429 with Retry-After and returns false when over budget. */
  private admit(route: Route, key: string, res: ServerResponse): boolean {
    const limiter = route.signed ? this.privateLimiter : this.publicLimiter;
    if (!limiter) return true;
    const decision = limiter.take(key, route.signed ? (route.weight ?? 1) : 1);
    if (decision.ok) return true;
    tooManyRequests(res, decision.retryAfterMs);
    return false;
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
    // Every order, fill and bill takes an id: a moved counter means trading state changed.
    const idsBefore = this.idCounter;
    const changed = () => method !== "GET" || this.idCounter !== idsBefore;
    try {
      this.spot.sync();
      const rawUrl = req.url ?? "/";
      const account = route.signed
        ? this.auth.verify({ method, rawUrl, headers: req.headers, body })
        : undefined;
      if (!this.admit(route, account?.credentials.apiKey ?? req.socket.remoteAddress ?? "?", res)) {
        this.privateWs.flush();
        return;
      }
      // admitted for processing: the same signed state-changing request is not processed twice
      if (route.signed) this.auth.claim({ method, rawUrl, headers: req.headers, body });
      payload = route.handler({
        method,
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body,
        rawUrl,
        ...(account ? { account } : {}),
      });
    } catch (e) {
      this.privateWs.flush(); // resting fills from sync() happened even if this request failed
      if (changed()) {
        try {
          this.options.onStateChange?.();
        } catch {
          // the request failed anyway; the next change persists again
        }
      }
      if (e instanceof WeexApiError) json(res, e.httpStatus, e.body());
      else
        json(res, 500, {
          code: -1000,
          msg: `simulator error: ${e instanceof Error ? e.message : String(e)}`,
        });
      return;
    }
    if (changed()) {
      try {
        this.options.onStateChange?.();
      } catch (e) {
        json(res, 500, {
          code: -1000,
          msg: `simulator could not persist its state: ${e instanceof Error ? e.message : String(e)}`,
        });
        return;
      }
    }
    // private streams see the effect even when the REST answer is lost below
    this.privateWs.flush();
    if (fault?.kind === "unknownOutcome") {
      // the request took effect; only the answer is lost
      if (fault.mode === "hang") {
        this.hanging.add(res);
        res.on("close", () => this.hanging.delete(res));
      } else {
        res.socket?.destroy();
      }
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

function tooManyRequests(res: ServerResponse, retryAfterMs: number): void {
  // WEEX documents only the 429 status for throttling; a body with a `msg` would make ccxt 4.5.84
  // raise ExchangeError instead of RateLimitExceeded, so the body is the gateway's plain text
  res.writeHead(429, {
    "Content-Type": "text/plain",
    "Retry-After": String(Math.max(1, Math.ceil(retryAfterMs / 1000))),
  });
  res.end("429 Too Many Requests");
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
