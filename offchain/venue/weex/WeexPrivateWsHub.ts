import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer } from "ws";
import type { WebSocket } from "ws";
import type { SimAccount } from "./SimAccount.js";
import type { SpotEngine, SpotOrder } from "./SpotEngine.js";
import type { WeexAuthenticator } from "./WeexAuthenticator.js";
import { WeexApiError } from "./WeexApiError.js";
import { fxFormat, stepDecimals } from "./fixedPoint.js";

const CHANNELS = new Set(["orders", "fill", "account"]);

interface Conn {
  readonly socket: WebSocket;
  readonly account: SimAccount;
  readonly channels: Set<string>;
}

/**
 * WEEX's private spot WebSocket as ccxt.pro's `weex` uses it: `/spot/v3/ws/private`, authenticated
 * by signed upgrade headers (the timestamp + "/v3/ws/private" signature), then `SUBSCRIBE` to
 * `orders`, `fill` and `account`. `flush()` (the simulator calls it after every request, custody
 * move and sync) pushes what changed since the last flush: one `orders` event per changed order
 * with its state at that moment, one `fill` event per new fill, one `account` event per changed
 * balance.
 */
export class WeexPrivateWsHub {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly conns = new Set<Conn>();
  private fillsSeen = 0;
  private readonly orderSeen = new Map<string, string>();
  private readonly balanceSeen = new Map<string, string>();
  private version = 0;

  constructor(
    private readonly auth: WeexAuthenticator,
    private readonly engine: SpotEngine,
    private readonly accounts: () => Iterable<SimAccount>,
    private readonly now: () => number,
  ) {}

  /** Takes over upgrades on the private path; a bad signature is refused with 401 and the code. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    if ((req.url ?? "").split("?")[0] !== "/spot/v3/ws/private") return false;
    let account: SimAccount;
    try {
      account = this.auth.verifyWs(req.headers);
    } catch (e) {
      const body = e instanceof WeexApiError ? JSON.stringify(e.body()) : "unauthorized";
      socket.end(
        `HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      return true;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, account));
    return true;
  }

  stop(): void {
    for (const c of this.conns) c.socket.terminate();
    this.conns.clear();
    this.wss.close();
  }

  /** Connections subscribed to `channel` (tests wait for a subscription before acting). */
  subscribers(channel: string): number {
    return [...this.conns].filter((c) => c.channels.has(channel)).length;
  }

  flush(): void {
    const E = this.now();
    for (const f of this.engine.fills.slice(this.fillsSeen)) {
      const m = f.order.market;
      this.send(f.order.account, "fill", {
        e: "fill",
        E,
        v: ++this.version,
        msgEvent: "OrderUpdate",
        d: [
          {
            id: f.id,
            symbol: m.id,
            baseCoin: m.base,
            quoteCoin: m.quote,
            orderId: f.order.orderId,
            orderSide: f.order.side,
            fillSize: fxFormat(f.qty, Math.max(1, stepDecimals(m.stepSize))),
            fillValue: fxFormat(f.quote),
            fillFee: fxFormat(f.commission, 8),
            direction: f.isMaker ? "MAKER" : "TAKER",
            createdTime: String(f.time),
            updatedTime: String(f.time),
          },
        ],
      });
    }
    this.fillsSeen = this.engine.fills.length;
    for (const o of this.engine.orders) {
      const sig = `${o.status}|${o.executedQty}|${o.updateTime}`;
      if (this.orderSeen.get(o.orderId) === sig) continue;
      this.orderSeen.set(o.orderId, sig);
      this.send(o.account, "orders", {
        e: "orders",
        E,
        v: ++this.version,
        msgEvent: "OrderUpdate",
        d: [
          wsOrder(
            o,
            this.engine.fillsOfOrder(o).reduce((sum, f) => sum + f.commission, 0n),
          ),
        ],
      });
    }
    for (const account of this.accounts()) {
      const changed = account.assets().filter((asset) => {
        const b = account.balance(asset);
        const key = `${account.name}:${asset}`;
        const sig = `${b.free}|${b.locked}`;
        if (this.balanceSeen.get(key) === sig) return false;
        this.balanceSeen.set(key, sig);
        return true;
      });
      if (changed.length === 0) continue;
      this.send(account, "account", {
        e: "account",
        E,
        v: ++this.version,
        msgEvent: "OrderUpdate",
        d: changed.map((coin) => {
          const b = account.balance(coin);
          return {
            coin,
            equity: fxFormat(b.free + b.locked, 8),
            available: fxFormat(b.free, 8),
            frozen: b.locked === 0n ? "0" : fxFormat(b.locked, 8),
          };
        }),
      });
    }
  }

  private accept(socket: WebSocket, account: SimAccount): void {
    const conn: Conn = { socket, account, channels: new Set() };
    this.conns.add(conn);
    socket.on("close", () => this.conns.delete(conn));
    socket.on("error", () => this.conns.delete(conn));
    socket.on("message", (data) => {
      let msg: { id?: unknown; method?: unknown; params?: unknown };
      try {
        msg = JSON.parse(data.toString()) as typeof msg;
      } catch {
        socket.send(JSON.stringify({ result: false, id: null, msg: "INVALID_ARGUMENT: invalid json" }));
        return;
      }
      if (msg.method === "PONG") return;
      const params = Array.isArray(msg.params) ? msg.params.map(String) : [];
      const bad = params.find((p) => !CHANNELS.has(p));
      if ((msg.method !== "SUBSCRIBE" && msg.method !== "UNSUBSCRIBE") || bad !== undefined) {
        socket.send(
          JSON.stringify({ result: false, id: msg.id, msg: `INVALID_ARGUMENT: invalid channel : ${bad}` }),
        );
        return;
      }
      for (const p of params) {
        if (msg.method === "SUBSCRIBE") conn.channels.add(p);
        else conn.channels.delete(p);
      }
      socket.send(JSON.stringify({ result: true, id: msg.id }));
    });
  }

  private send(account: SimAccount, channel: string, payload: unknown): void {
    const text = JSON.stringify(payload);
    for (const c of this.conns) {
      if (c.account === account && c.channels.has(channel) && c.socket.readyState === c.socket.OPEN) {
        c.socket.send(text);
      }
    }
  }
}

function wsOrder(o: SpotOrder, cumFee: bigint): Record<string, unknown> {
  const m = o.market;
  const step = Math.max(1, stepDecimals(m.stepSize));
  return {
    id: o.orderId,
    symbol: m.id,
    baseCoin: m.base,
    quoteCoin: m.quote,
    orderSide: o.side,
    price: o.type === "MARKET" ? "0" : fxFormat(o.price, stepDecimals(m.tickSize)),
    size: fxFormat(o.origQty, step),
    value: "0",
    clientOrderId: o.clientOrderId,
    type: o.type,
    timeInForce: o.timeInForce,
    reduceOnly: false,
    triggerPrice: "0",
    orderSource: "API",
    takerFeeRate: String(m.takerFeeRate ?? 0.001),
    makerFeeRate: String(m.makerFeeRate ?? 0.001),
    status: o.status,
    cumFillSize: o.executedQty === 0n ? "0" : fxFormat(o.executedQty, step),
    cumFillValue: fxFormat(o.cumQuote),
    cumFillFee: fxFormat(cumFee, 8),
    createdTime: String(o.time),
    updatedTime: String(o.updateTime),
  };
}
