import { expect } from "chai";
import ccxt from "ccxt";
import type { Exchange, Order } from "ccxt";
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ManualClock } from "../../../offchain/data/Clock.js";
import { dataDir } from "../../../offchain/data/dataDir.js";
import type { WeexSimulator } from "../../../offchain/venue/weex/WeexSimulator.js";
import { expectClose } from "../../helpers/expectClose.js";
import { H } from "../data/helpers.js";
import { VAULT, rejection, startTradingSimulator, weexClient } from "./weexTradingHelpers.js";

const fixtures = JSON.parse(
  readFileSync(join(dataDir(), "weex", "ccxt-static-response-weex.json"), "utf8"),
) as { methods: Record<string, { httpResponse: unknown }[]> };
/** ccxt's typings want an id string; the calls by client order id pass none, as ccxt allows. */
const NO_ID = undefined as unknown as string;
const raw = (method: string, i = 0): unknown => fixtures.methods[method]![i]!.httpResponse;

/** Same keys and JSON types, recursively through the first array element. */
function shapeOf(v: unknown): unknown {
  if (Array.isArray(v)) return v.length === 0 ? [] : [shapeOf(v[0])];
  if (v && typeof v === "object") {
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, shapeOf((v as Record<string, unknown>)[k])]),
    );
  }
  return v === null ? "null" : typeof v;
}

describe("WeexSimulator trading with the real ccxt weex class", function () {
  const t0 = Date.UTC(2023, 5, 1, 12, 30);
  const clock = new ManualClock(t0);
  let sim: WeexSimulator;
  let ex: Exchange;

  const balance = async (): Promise<{ usdt: number; usdtUsed: number; eth: number; ethUsed: number }> => {
    const b = await ex.fetchBalance();
    return {
      usdt: b["USDT"]!.free!,
      usdtUsed: b["USDT"]!.used!,
      eth: b["ETH"]!.free!,
      ethUsed: b["ETH"]!.used!,
    };
  };

  before(async function () {
    sim = await startTradingSimulator(() => clock.now());
    ex = weexClient(sim);
    await ex.loadMarkets();
  });
  after(async function () {
    await sim.stop();
  });
  afterEach(function () {
    sim.faults.clear();
  });

  describe("authentication", function () {
    it("a correctly signed request reads the account; the raw payload has WEEX's shape", async function () {
      const b = await ex.fetchBalance();
      expect(b["USDT"]!.free).to.equal(100000);
      expect(b["ETH"]!.total).to.equal(10);
      const info = b.info as unknown;
      expect(shapeOf(info)).to.deep.equal(shapeOf(raw("fetchBalance")));
    });

    it("bad secret, unknown key, wrong passphrase → WEEX -1047/-1044/-1049 → AuthenticationError", async function () {
      const cases: [Partial<typeof VAULT>, number][] = [
        [{ secret: "wrong" }, -1047],
        [{ apiKey: "weex_nobody" }, -1044],
        [{ passphrase: "nope" }, -1049],
      ];
      for (const [override, code] of cases) {
        const bad = weexClient(sim, { ...VAULT, ...override });
        const e = await rejection(bad.fetchBalance());
        expect(e, String(code)).to.be.instanceOf(ccxt.AuthenticationError);
        expect(String(e)).to.contain(String(code));
      }
    });

    it("missing headers → -1040 with HTTP 401; a stale timestamp → -1046 (ccxt: BadRequest)", async function () {
      const r = await fetch(`${sim.url}/api/v3/account/`);
      expect(r.status).to.equal(401);
      expect(await r.json()).to.deep.equal({ code: -1040, msg: "ACCESS_KEY header is required." });
      const skewed = weexClient(sim);
      skewed.options["timeDifference"] = 60_000; // signs with a timestamp one minute in the past
      const e = await rejection(skewed.fetchBalance());
      expect(e).to.be.instanceOf(ccxt.BadRequest);
      expect(String(e)).to.contain("-1046");
    });
  });

  describe("orders", function () {
    it("a market buy walks the book: several fills at rising prices, taker fee in ETH", async function () {
      const before = await balance();
      const book = await ex.fetchOrderBook("ETH/USDT", 100);
      const placed = await ex.createOrder("ETH/USDT", "market", "buy", 3);
      expect(placed.id!).to.match(/^\d{18}$/);
      const order = await ex.fetchOrder(placed.id!, "ETH/USDT");
      expect(order.status).to.equal("closed");
      expect(order.filled).to.equal(3);
      expect(order.average!).to.be.greaterThan(book.asks[0]![0]!);
      const trades = await ex.fetchMyTrades("ETH/USDT");
      const mine = trades.filter((t) => t.order === placed.id!);
      expect(mine.length).to.be.greaterThan(2);
      const prices = mine.map((t) => t.price);
      expect(prices).to.deep.equal([...prices].sort((x, y) => x! - y!));
      expect(prices[0]).to.equal(book.asks[0]![0]);
      for (const t of mine) {
        expect(t.fee!.currency).to.equal("ETH");
        expectClose(t.fee!.cost, t.amount! * 0.001, 1e-12);
      }
      const after = await balance();
      expectClose(after.eth - before.eth, 3 * 0.999, 1e-9);
      expectClose(before.usdt - after.usdt, order.cost!, 1e-6);
    });

    it("a market order larger than the tradable book fills what is there; the rest is cancelled", async function () {
      clock.advance(1000); // a fresh book second
      const book = await ex.fetchOrderBook("ETH/USDT", 100); // 200 levels shown, 40 tradable
      const tradable = book.asks.slice(0, 40).reduce((s, [, q]) => s + q!, 0);
      const placed = await ex.createOrder("ETH/USDT", "market", "buy", 30);
      const order = await ex.fetchOrder(placed.id!);
      expect(order.status).to.equal("canceled");
      expectClose(order.filled, tradable, 1e-9);
      expect(order.filled!).to.be.lessThan(30);
      expect((await balance()).usdtUsed).to.equal(0);
    });

    it("IOC takes what is inside its price and cancels the rest; FOK that cannot fill all fills nothing", async function () {
      clock.advance(1000);
      const book = await ex.fetchOrderBook("ETH/USDT", 100);
      const ioc = await ex.createOrder("ETH/USDT", "limit", "buy", 5, book.asks[1]![0]!, {
        timeInForce: "IOC",
      });
      const iocOrder = await ex.fetchOrder(ioc.id!);
      expect(iocOrder.status).to.equal("canceled");
      expectClose(iocOrder.filled, book.asks[0]![1]! + book.asks[1]![1]!, 1e-9);
      const tradableBids = book.bids.slice(0, 40).reduce((sum, [, q]) => sum + q!, 0);
      const size = Math.ceil(tradableBids) + 1;
      expect((await balance()).eth, "enough ETH to try").to.be.greaterThan(size);
      const before = await balance();
      const fok = await ex.createOrder("ETH/USDT", "limit", "sell", size, 1000, { timeInForce: "FOK" });
      const fokOrder = await ex.fetchOrder(fok.id!);
      expect(fokOrder.status).to.equal("canceled");
      expect(fokOrder.filled).to.equal(0);
      expect(await balance()).to.deep.equal(before);
    });

    it("a resting limit buy locks funds, fills as maker when the replayed price trades through, then is cancelled", async function () {
      clock.set(t0);
      const before = await balance();
      const placed = await ex.createOrder("ETH/USDT", "limit", "buy", 2, 1858, {
        clientOrderId: "sigil-rest-1",
      });
      const open = await ex.fetchOpenOrders("ETH/USDT");
      expect(open.map((o: Order) => o.id)).to.include(placed.id!);
      const locked = await balance();
      expectClose(locked.usdtUsed - before.usdtUsed, 2 * 1858, 1e-6);

      clock.set(t0 + 1.5 * H); // the 13:00 candle's low 1859.37 stays above 1858
      expect((await ex.fetchOrder(placed.id!)).filled).to.equal(0);
      clock.set(t0 + 2.5 * H); // the 14:00 candle trades down to 1855.68: filled up to its share
      const partial = await ex.fetchOrder(NO_ID, "ETH/USDT", { clientOrderId: "sigil-rest-1" });
      expect(partial.id).to.equal(placed.id!);
      expect((partial.info as { status: string }).status).to.equal("PARTIALLY_FILLED");
      expectClose(partial.filled, 1.44474, 1e-9); // 0.0001 × 14 447.453 ETH, floored to the step
      expect(partial.average).to.equal(1858);

      const canceled = await ex.cancelOrder(placed.id!, "ETH/USDT");
      expect(canceled.status).to.equal("canceled");
      const after = await balance();
      expect(after.usdtUsed).to.equal(before.usdtUsed);
      expectClose(before.usdt - after.usdt, 1.44474 * 1858, 1e-6);
      expectClose(after.eth - before.eth, 1.44474 * 0.999, 1e-9);
      expect((await ex.fetchOrder(placed.id!)).status).to.equal("canceled");
    });

    it("a marketable limit sell takes the bids down to its price and rests the rest", async function () {
      clock.set(t0 + 3 * H + 7000);
      const book = await ex.fetchOrderBook("ETH/USDT", 100);
      const limit = book.bids[2]![0]!;
      const placed = await ex.createOrder("ETH/USDT", "limit", "sell", 5, limit);
      const order = await ex.fetchOrder(placed.id!);
      const topQty = book.bids.slice(0, 3).reduce((s, [, q]) => s + q!, 0);
      expect(order.filled!).to.be.greaterThan(0);
      expectClose(order.filled, Math.min(5, topQty), 1e-9);
      expect(order.status).to.equal(order.filled === 5 ? "closed" : "partially_filled");
      if (order.filled! < 5) await ex.cancelOrder(placed.id!);
    });

    it("lists open, all and closed orders and cancels all open orders of a symbol", async function () {
      const a = await ex.createOrder("ETH/USDT", "limit", "buy", 0.01, 1000);
      const b = await ex.createOrder("ETH/USDT", "limit", "sell", 0.01, 3000);
      expect((await ex.fetchOpenOrders("ETH/USDT")).map((o) => o.id)).to.have.members([a.id!, b.id!]);
      const canceled = await ex.cancelAllOrders("ETH/USDT");
      expect(canceled.map((o) => o.id)).to.have.members([a.id!, b.id!]);
      expect(await ex.fetchOpenOrders("ETH/USDT")).to.have.length(0);
      const all = await ex.fetchOrders("ETH/USDT");
      expect(all.length).to.be.greaterThanOrEqual(5);
      expect(shapeOf(all[0]!.info)).to.deep.equal(shapeOf((raw("fetchOrders") as unknown[])[0]));
      const closed = await ex.fetchClosedOrders("ETH/USDT");
      expect(closed.every((o) => o.status === "closed")).to.equal(true);
      expect(closed.length).to.be.greaterThan(0);
      const c = await ex.createOrder("ETH/USDT", "limit", "buy", 0.01, 1000);
      const batch = await ex.cancelOrders([c.id!], "ETH/USDT");
      expect(batch[0]!.id).to.equal(c.id!);
      expect(await rejection(ex.cancelOrder(c.id!))).to.be.instanceOf(ccxt.OrderNotFound);
      expect(await rejection(ex.fetchOrder("123"))).to.be.instanceOf(ccxt.OrderNotFound);
    });

    it("raw order, trade and ledger payloads have the fixtures' shapes", async function () {
      const trades = await ex.fetchMyTrades("ETH/USDT");
      expect(shapeOf(trades[0]!.info)).to.deep.equal(shapeOf((raw("fetchMyTrades", 1) as unknown[])[0]));
      const order = await ex.fetchOrder(trades[0]!.order!);
      expect(shapeOf(order.info)).to.deep.equal(shapeOf(raw("fetchOrder", 1)));
      const ledger = await ex.fetchLedger();
      expect(shapeOf(ledger[0]!.info)).to.deep.equal(shapeOf((raw("fetchLedger") as unknown[])[0]));
    });
  });

  describe("rejections", function () {
    it("insufficient balance → FAILED_PRECONDITION … not enough → InsufficientFunds", async function () {
      const e = await rejection(ex.createOrder("ETH/USDT", "limit", "buy", 100, 1800));
      expect(e).to.be.instanceOf(ccxt.InsufficientFunds);
      const e2 = await rejection(ex.createOrder("ETH/USDT", "market", "sell", 1000));
      expect(e2).to.be.instanceOf(ccxt.InsufficientFunds);
      expect((await balance()).usdtUsed).to.equal(0);
    });

    it("invalid sizes: below the step (ccxt, InvalidOrder), below minTradeAmount or minNotional (WEEX -1140)", async function () {
      expect(await rejection(ex.createOrder("ETH/USDT", "market", "buy", 0.000001))).to.be.instanceOf(
        ccxt.InvalidOrder,
      );
      const small = await rejection(ex.createOrder("ETH/USDT", "limit", "buy", 0.0005, 1800));
      expect(small).to.be.instanceOf(ccxt.BadRequest);
      expect(String(small)).to.contain("-1140");
      const cheap = await rejection(ex.createOrder("ETH/USDT", "limit", "buy", 0.002, 100));
      expect(String(cheap)).to.contain("-1140");
      const e = await rejection(ex.createOrder("ETH/USDT", "limit", "buy", 1, 1800, { timeInForce: "GTD" }));
      expect(e).to.be.instanceOf(ccxt.InvalidOrder); // -1115
    });

    it("raw signed requests: -1160 off-step quantity, -1045 no JSON content type, -1135 bad JSON, -1117 bad side", async function () {
      const signedPost = async (body: string, contentType = "application/json"): Promise<unknown> => {
        const ts = String(Date.now());
        const sign = createHmac("sha256", VAULT.secret)
          .update(ts + "POST/api/v3/order" + body)
          .digest("base64");
        const r = await fetch(`${sim.url}/api/v3/order`, {
          method: "POST",
          headers: {
            "ACCESS-KEY": VAULT.apiKey,
            "ACCESS-SIGN": sign,
            "ACCESS-TIMESTAMP": ts,
            "ACCESS-PASSPHRASE": VAULT.passphrase,
            "Content-Type": contentType,
          },
          body,
        });
        return ((await r.json()) as { code: number }).code;
      };
      const order = (q: string, side = "BUY"): string =>
        JSON.stringify({ symbol: "ETHUSDT", side, type: "LIMIT", quantity: q, price: "1000" });
      expect(await signedPost(order("0.010001"))).to.equal(-1160);
      expect(await signedPost(order("0.01"), "text/plain")).to.equal(-1045);
      expect(await signedPost("{not json")).to.equal(-1135);
      expect(await signedPost(order("0.01", "HOLD"))).to.equal(-1117);
    });

    it("a duplicate client order id → -1142 (BadRequest); an over-long one → -1180 (InvalidOrder)", async function () {
      await ex.createOrder("ETH/USDT", "limit", "buy", 0.01, 1000, { clientOrderId: "sigil-dup" });
      const dup = await rejection(
        ex.createOrder("ETH/USDT", "limit", "buy", 0.01, 1000, { clientOrderId: "sigil-dup" }),
      );
      expect(dup).to.be.instanceOf(ccxt.BadRequest);
      expect(String(dup)).to.contain("Duplicate newClientOrderId");
      const long = await rejection(
        ex.createOrder("ETH/USDT", "limit", "buy", 0.01, 1000, { clientOrderId: "x".repeat(41) }),
      );
      expect(long).to.be.instanceOf(ccxt.InvalidOrder);
      await ex.cancelAllOrders("ETH/USDT");
    });

    it("a replayed signed order POST (same signature, timestamp and body) books nothing: -1047", async function () {
      const signed = (method: string, path: string, body: string, ts = String(Date.now())) => ({
        method,
        headers: {
          "ACCESS-KEY": VAULT.apiKey,
          "ACCESS-SIGN": createHmac("sha256", VAULT.secret)
            .update(ts + method + path + body)
            .digest("base64"),
          "ACCESS-TIMESTAMP": ts,
          "ACCESS-PASSPHRASE": VAULT.passphrase,
          "Content-Type": "application/json",
        },
        ...(body === "" ? {} : { body }),
      });
      const send = async (path: string, init: RequestInit) => {
        const r = await fetch(`${sim.url}${path}`, init);
        return { status: r.status, body: (await r.json()) as { code?: number; orderId?: string } };
      };
      // no client order id: nothing but the signature tells the copy from the original
      const noId = JSON.stringify({
        symbol: "ETHUSDT",
        side: "BUY",
        type: "LIMIT",
        quantity: "0.01",
        price: "1000",
      });
      const request = signed("POST", "/api/v3/order", noId);
      const n = sim.spot.orders.length;
      const first = await send("/api/v3/order", request);
      expect(first.status).to.equal(200);
      expect(first.body.orderId).to.be.a("string");
      const replay = await send("/api/v3/order", request);
      expect(replay.status).to.equal(401);
      expect(replay.body.code).to.equal(-1047);
      expect(sim.spot.orders.length).to.equal(n + 1);
      // with a client order id: the replay is refused as such; a fresh signature as a duplicate id
      const withId = JSON.stringify({
        symbol: "ETHUSDT",
        side: "BUY",
        type: "LIMIT",
        quantity: "0.01",
        price: "1000",
        newClientOrderId: "sigilreplay1",
      });
      const ts = String(Date.now());
      expect((await send("/api/v3/order", signed("POST", "/api/v3/order", withId, ts))).status).to.equal(200);
      expect((await send("/api/v3/order", signed("POST", "/api/v3/order", withId, ts))).body.code).to.equal(
        -1047,
      );
      const fresh = signed("POST", "/api/v3/order", withId, String(Number(ts) + 1));
      expect((await send("/api/v3/order", fresh)).body.code).to.equal(-1142);
      expect(sim.spot.orders.length).to.equal(n + 2);
      // a replayed read changes nothing and is answered
      const read = signed("GET", "/api/v3/openOrders?symbol=ETHUSDT", "");
      expect((await send("/api/v3/openOrders?symbol=ETHUSDT", read)).status).to.equal(200);
      expect((await send("/api/v3/openOrders?symbol=ETHUSDT", read)).status).to.equal(200);
      await ex.cancelAllOrders("ETH/USDT");
    });

    it("injected 503 and 429 on the order POST book nothing", async function () {
      const n = sim.spot.orders.length;
      sim.faults.inject("POST /api/v3/order", { kind: "status", status: 503 });
      sim.faults.inject("POST /api/v3/order", { kind: "status", status: 429, retryAfter: "1" });
      expect(await rejection(ex.createOrder("ETH/USDT", "market", "buy", 0.01))).to.be.instanceOf(
        ccxt.ExchangeNotAvailable,
      );
      expect(await rejection(ex.createOrder("ETH/USDT", "market", "buy", 0.01))).to.be.instanceOf(
        ccxt.RateLimitExceeded,
      );
      expect(sim.spot.orders.length).to.equal(n);
    });
  });

  describe("unknown outcome", function () {
    it("the order is booked but the answer lost: the client reconciles by client order id", async function () {
      clock.advance(5000);
      sim.faults.inject("POST /api/v3/order", { kind: "unknownOutcome" });
      const cid = "sigil-uo-1";
      const e = await rejection(
        ex.createOrder("ETH/USDT", "market", "buy", 0.5, undefined, { clientOrderId: cid }),
      );
      expect(e).to.be.instanceOf(ccxt.NetworkError);
      // the retry with the same id cannot double the position ...
      const again = await rejection(
        ex.createOrder("ETH/USDT", "market", "buy", 0.5, undefined, { clientOrderId: cid }),
      );
      // (the same signature again, were ccxt to sign it in the same millisecond, is a refused replay)
      expect(String(again)).to.match(/Duplicate newClientOrderId|replayed request/);
      // ... and the query by client order id says what happened
      const order = await ex.fetchOrder(NO_ID, "ETH/USDT", { clientOrderId: cid });
      expect(order.status).to.equal("closed");
      expect(order.filled).to.equal(0.5);
      expect(order.clientOrderId).to.equal(cid);
    });

    it("a hung order POST times out (RequestTimeout); the resting order is found by client order id", async function () {
      const impatient = weexClient(sim);
      impatient.timeout = 300;
      await impatient.loadMarkets();
      sim.faults.inject("POST /api/v3/order", { kind: "unknownOutcome", mode: "hang" });
      const cid = "sigil-uo-2";
      const e = await rejection(
        impatient.createOrder("ETH/USDT", "limit", "buy", 0.01, 1000, { clientOrderId: cid }),
      );
      expect(e).to.be.instanceOf(ccxt.RequestTimeout);
      const order = await ex.fetchOrder(NO_ID, "ETH/USDT", { clientOrderId: cid });
      expect(order.status).to.equal("open");
      const canceled = await ex.cancelOrder(NO_ID, "ETH/USDT", { clientOrderId: cid });
      expect(canceled.clientOrderId).to.equal(cid);
    });
  });

  describe("custody", function () {
    it("credit/debit appear as transfer bills and transfer records, and move the balance", async function () {
      const before = await balance();
      const inMove = sim.credit("vault", "USDT", "2500.5", "0xdeposit01");
      const outMove = sim.debit("vault", "USDT", "500", "0xreturn01");
      const after = await balance();
      expectClose(after.usdt - before.usdt, 2000.5, 1e-9);
      const ledger = await ex.fetchLedger("USDT");
      const byId = new Map(ledger.map((l) => [l.id, l]));
      expect(byId.get(inMove.billId)).to.include({ type: "transfer", direction: "in", amount: 2500.5 });
      expect(byId.get(outMove.billId)).to.include({ type: "transfer", direction: "out", amount: 500 });
      expect(sim.account("vault").custody.map((m) => m.ref)).to.deep.equal(["0xdeposit01", "0xreturn01"]);
      const transfers = await ex.fetchTransfers();
      expect(transfers.map((t) => t.amount)).to.have.members([2500.5, -500]);
      expect(() => sim.debit("vault", "USDT", "1000000000", "0xtoo-much")).to.throw(/not enough/);
    });
  });
});

describe("WeexSimulator private rate limits and determinism", function () {
  const t0 = Date.UTC(2023, 5, 1, 12, 30);

  it("over WEEX's private weight budget → 429 + Retry-After → RateLimitExceeded; the next window admits", async function () {
    const rateClock = new ManualClock(1_000_000);
    const sim = await startTradingSimulator(() => t0, {
      rateLimitClock: () => rateClock.now(),
      rateLimits: { private: { weight: 20, windowMs: 10_000 } },
    });
    try {
      const ex = weexClient(sim);
      for (let i = 0; i < 4; i++) await ex.fetchBalance(); // weight 5 each
      const e = await rejection(ex.fetchBalance());
      expect(e).to.be.instanceOf(ccxt.RateLimitExceeded);
      const headers = (ex as unknown as { last_response_headers: Record<string, string> })
        .last_response_headers;
      expect(headers["Retry-After"]).to.equal("10");
      rateClock.advance(10_000);
      expect((await ex.fetchBalance())["USDT"]!.free).to.equal(100000);
    } finally {
      await sim.stop();
    }
  });

  it("the same seed, clock and orders give the same ids, fills and balances", async function () {
    const run = async (): Promise<unknown> => {
      const clock = new ManualClock(t0);
      const sim = await startTradingSimulator(() => clock.now());
      try {
        const ex = weexClient(sim);
        await ex.createOrder("ETH/USDT", "market", "buy", 2, undefined, { clientOrderId: "d1" });
        await ex.createOrder("ETH/USDT", "limit", "buy", 1, 1858, { clientOrderId: "d2" });
        clock.advance(3 * H);
        const trades = await ex.fetchMyTrades("ETH/USDT");
        const b = await ex.fetchBalance();
        return { trades: trades.map((t) => [t.id, t.order, t.price, t.amount, t.timestamp]), b: b.info };
      } finally {
        await sim.stop();
      }
    };
    const [a, b] = [await run(), await run()];
    expect(a).to.deep.equal(b);
  });
});
