import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer } from "ws";
import type { WebSocket } from "ws";
import type { MarketState, SimCandle, SimMarket } from "./MarketState.js";
import { INTERVAL_MS } from "./publicMarketRoutes.js";
import { toStep, decimalString } from "./decimalString.js";
import { WeexApiError } from "./WeexApiError.js";

export interface WsHubOptions {
  /** How often the server sends `{"event":"ping"}`; 0 disables (default 20 s, as WEEX). */
  readonly pingIntervalMs?: number;
  /** A connection that has not answered a ping with PONG within this is closed (default 2 pings). */
  readonly pongTimeoutMs?: number;
}

interface Conn {
  readonly socket: WebSocket;
  readonly kind: "spot" | "swap";
  readonly channels: Set<string>;
  lastPong: number;
  pingSentAt: number | undefined;
}

type Channel =
  | { type: "kline"; market: SimMarket; interval: string; priceType: string }
  | { type: "ticker"; market: SimMarket }
  | { type: "depth"; market: SimMarket; levels: number };

/**
 * WEEX's public WebSocket streams as ccxt.pro's `weex` consumes them: `/<spot|contract>/v3/ws/public`,
 * `{"id","method":"SUBSCRIBE","params":["ETHUSDT@kline_1m_LAST_PRICE", "ETHUSDT@ticker",
 * "ETHUSDT@depth15"]}` answered by `{"result":true,"id"}`, then `kline`/`ticker`/`depthSnapshot`
 * events, and an application-level `{"event":"ping"}` heartbeat the client must answer with
 * `{"method":"PONG"}`. Events are pushed when the owner calls `publish()` (after moving the clock),
 * so tests decide exactly what the client sees.
 */
export class WeexWsHub {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly conns = new Set<Conn>();
  private timer: NodeJS.Timeout | undefined;
  private readonly pingIntervalMs: number;
  private readonly pongTimeoutMs: number;

  constructor(
    private readonly state: MarketState,
    options: WsHubOptions = {},
  ) {
    this.pingIntervalMs = options.pingIntervalMs ?? 20_000;
    this.pongTimeoutMs = options.pongTimeoutMs ?? 2 * this.pingIntervalMs;
  }

  /** Takes over HTTP upgrades on the public paths; returns false for paths it does not serve. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const path = (req.url ?? "").split("?")[0];
    const kind =
      path === "/spot/v3/ws/public" ? "spot" : path === "/contract/v3/ws/public" ? "swap" : undefined;
    if (!kind) return false;
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, kind));
    return true;
  }

  start(): void {
    if (this.pingIntervalMs > 0) {
      this.timer = setInterval(() => this.heartbeat(), this.pingIntervalMs);
      this.timer.unref();
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.dropConnections();
    this.wss.close();
  }

  connectionCount(): number {
    return this.conns.size;
  }

  /** Cuts every connection without a close handshake, as a network failure would. */
  dropConnections(): void {
    for (const c of this.conns) c.socket.terminate();
    this.conns.clear();
  }

  /** Pushes the current state on every subscribed channel. */
  publish(): void {
    for (const c of this.conns) for (const ch of c.channels) this.push(c, ch, false);
  }

  /** Sends a heartbeat ping now; closes connections whose last ping went unanswered too long. */
  heartbeat(): void {
    const now = Date.now(); // liveness is wall-clock, not simulated market time
    for (const c of [...this.conns]) {
      if (
        c.pingSentAt !== undefined &&
        c.lastPong < c.pingSentAt &&
        now - c.pingSentAt > this.pongTimeoutMs
      ) {
        c.socket.terminate();
        this.conns.delete(c);
        continue;
      }
      c.pingSentAt = now;
      send(c, { event: "ping", time: String(this.state.now()) });
    }
  }

  private accept(socket: WebSocket, kind: "spot" | "swap"): void {
    const conn: Conn = { socket, kind, channels: new Set(), lastPong: Date.now(), pingSentAt: undefined };
    this.conns.add(conn);
    socket.on("close", () => this.conns.delete(conn));
    socket.on("error", () => this.conns.delete(conn));
    socket.on("message", (data) => this.onMessage(conn, data.toString()));
  }

  private onMessage(conn: Conn, text: string): void {
    let msg: { id?: unknown; method?: unknown; params?: unknown };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      send(conn, { result: false, id: null, msg: "INVALID_ARGUMENT: invalid json" });
      return;
    }
    const id = msg.id;
    if (msg.method === "PONG") {
      conn.lastPong = Date.now();
      return;
    }
    if (msg.method !== "SUBSCRIBE" && msg.method !== "UNSUBSCRIBE") {
      send(conn, { result: false, id, msg: `INVALID_ARGUMENT: unknown method ${String(msg.method)}` });
      return;
    }
    const params = Array.isArray(msg.params) ? (msg.params as unknown[]) : [];
    try {
      for (const p of params) this.parseChannel(String(p), conn.kind);
    } catch (e) {
      send(conn, {
        result: false,
        id,
        msg: e instanceof WeexApiError ? `INVALID_ARGUMENT: ${e.msg}` : String(e),
      });
      return;
    }
    for (const p of params.map(String)) {
      if (msg.method === "SUBSCRIBE") conn.channels.add(p);
      else conn.channels.delete(p);
    }
    send(conn, { result: true, id });
    if (msg.method === "SUBSCRIBE") for (const p of params.map(String)) this.push(conn, p, true);
  }

  private parseChannel(name: string, kind: "spot" | "swap"): Channel {
    const [id, topic] = name.split("@");
    const market = this.state.market(id, kind);
    if (topic === "ticker") return { type: "ticker", market };
    const depth = /^depth(15|200)$/.exec(topic ?? "");
    if (depth) return { type: "depth", market, levels: Number(depth[1]) };
    const kline = /^kline_([0-9]+[mhd])_(LAST_PRICE|MARK_PRICE)$/.exec(topic ?? "");
    const ms = kline ? INTERVAL_MS[kline[1]!] : undefined;
    if (
      kline &&
      ms !== undefined &&
      ms >= this.state.baseIntervalMs(market.id) &&
      ms % this.state.baseIntervalMs(market.id) === 0
    ) {
      return { type: "kline", market, interval: kline[1]!, priceType: kline[2]! };
    }
    throw new WeexApiError(400, -1142, `invalid channel : ${name}`);
  }

  private push(conn: Conn, name: string, snapshot: boolean): void {
    try {
      this.pushChannel(conn, this.parseChannel(name, conn.kind), snapshot);
    } catch {
      // no data at this clock time (before the history starts): nothing to push yet
    }
  }

  private pushChannel(conn: Conn, ch: Channel, snapshot: boolean): void {
    const m = ch.market;
    const E = this.state.now();
    if (ch.type === "kline") {
      // the previous (closed) and the current (open) candle, so a client sees each candle close
      const rows = this.state.klines(m.id, { intervalMs: INTERVAL_MS[ch.interval]!, limit: 2 });
      send(conn, {
        e: snapshot ? "klineSnapshot" : "kline",
        E,
        s: m.id,
        p: ch.priceType,
        d: rows.map((c) => wsKline(c, m, ch.interval)),
      });
    } else if (ch.type === "ticker") {
      const t = this.state.ticker24h(m.id);
      const p = (x: number): string => toStep(x, m.tickSize);
      const d: Record<string, unknown> = {
        p: p(t.last - t.open),
        P: ((t.last - t.open) / t.open).toFixed(6),
        w: decimalString(Number((t.quoteVolume / t.volume).toPrecision(12))),
        c: p(t.last),
        o: p(t.open),
        h: p(t.high),
        l: p(t.low),
        v: decimalString(Number(t.volume.toPrecision(12))),
        q: decimalString(Number(t.quoteVolume.toPrecision(15))),
        O: t.openTime,
        C: t.closeTime,
        n: t.count,
      };
      if (conn.kind === "swap") Object.assign(d, { m: p(t.last), i: p(t.last * 1.0002) });
      else
        Object.assign(d, {
          b: p(t.bid),
          B: toStep(t.bidQty, m.stepSize),
          a: p(t.ask),
          A: toStep(t.askQty, m.stepSize),
        });
      send(conn, { e: "ticker", E, s: m.id, d: [d] });
    } else {
      const book = this.state.depth(m.id, ch.levels);
      const side = (levels: [number, number][]): string[][] =>
        levels.map(([px, q]) => [toStep(px, m.tickSize), toStep(q, m.stepSize)]);
      // always a full snapshot: valid WEEX protocol, and a client never has to repair a delta chain
      send(conn, {
        e: "depthSnapshot",
        E,
        s: m.id,
        U: book.updateId,
        u: book.updateId,
        l: ch.levels,
        b: side(book.bids),
        a: side(book.asks),
      });
    }
  }
}

function wsKline(c: SimCandle, m: SimMarket, interval: string): unknown {
  const vol = Number(c.volume.toPrecision(12));
  const quote = Number((c.volume * ((c.open + c.close) / 2)).toPrecision(12));
  return {
    t: c.timestamp,
    T: c.closeTime,
    s: m.id,
    i: interval,
    o: toStep(c.open, m.tickSize),
    c: toStep(c.close, m.tickSize),
    h: toStep(c.high, m.tickSize),
    l: toStep(c.low, m.tickSize),
    v: decimalString(vol),
    n: Math.max(1, Math.round(vol / m.stepSize / 1000)),
    q: decimalString(quote),
    V: decimalString(Number((vol / 2).toPrecision(12))),
    Q: decimalString(Number((quote / 2).toPrecision(12))),
  };
}

function send(conn: Conn, payload: unknown): void {
  if (conn.socket.readyState === conn.socket.OPEN) conn.socket.send(JSON.stringify(payload));
}
