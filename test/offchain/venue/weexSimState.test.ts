import { expect } from "chai";
import ccxt from "ccxt";
import type { Exchange } from "ccxt";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ManualClock } from "../../../offchain/data/Clock.js";
import { fx, fxFormat } from "../../../offchain/venue/weex/fixedPoint.js";
import { SimStateError, parseSimState } from "../../../offchain/venue/weex/SimState.js";
import type { WeexSimState } from "../../../offchain/venue/weex/SimState.js";
import { loadSimState, saveSimState } from "../../../offchain/venue/weex/simStateFile.js";
import { WeexSimulator } from "../../../offchain/venue/weex/WeexSimulator.js";
import type { WeexSimulatorOptions } from "../../../offchain/venue/weex/WeexSimulator.js";
import { expectClose } from "../../helpers/expectClose.js";
import { H } from "../data/helpers.js";
import { ETH, VAULT, rejection, startTradingSimulator, weexClient } from "./weexTradingHelpers.js";

/** ccxt's typings want an id string; the calls by client order id pass none, as ccxt allows. */
const NO_ID = undefined as unknown as string;
const t0 = Date.UTC(2023, 5, 1, 12, 30);
const CLIENT_IDS = ["m-buy-1", "rest-1", "cxl-1", "m-sell-1", "m-buy-2"];

/**
 * The trading before the "Ctrl-C": market orders on both sides, a resting limit buy that the
 * 14:00 candle fills in part (4 ETH at 1858: 1.44474 by then, the rest over later candles), a
 * cancelled limit sell, custody both ways, and a market buy in the book second of the export.
 * Clock times are absolute, so the script runs the same against any simulator.
 */
async function tradeBeforeRestart(ex: Exchange, sim: WeexSimulator, clock: ManualClock): Promise<void> {
  clock.set(t0);
  await ex.createOrder("ETH/USDT", "market", "buy", 1, undefined, { clientOrderId: "m-buy-1" });
  await ex.createOrder("ETH/USDT", "limit", "buy", 4, 1858, { clientOrderId: "rest-1" });
  await ex.createOrder("ETH/USDT", "limit", "sell", 0.5, 3000, { clientOrderId: "cxl-1" });
  await ex.cancelOrder(NO_ID, "ETH/USDT", { clientOrderId: "cxl-1" });
  // every order names its client id: ccxt would otherwise make up a random one
  await ex.createOrder("ETH/USDT", "market", "sell", 0.3, undefined, { clientOrderId: "m-sell-1" });
  sim.credit("vault", "USDT", "2500.5", "0xdeposit01");
  sim.debit("vault", "USDT", "100", "0xreturn01");
  clock.set(t0 + 2.5 * H);
  const rest = await ex.fetchOrder(NO_ID, "ETH/USDT", { clientOrderId: "rest-1" });
  expect(rest.filled).to.equal(1.44474);
  // takes book levels in this market second: the export must remember them
  await ex.createOrder("ETH/USDT", "market", "buy", 2, undefined, { clientOrderId: "m-buy-2" });
}

/** What a client can see of the account through ccxt. */
async function venueView(ex: Exchange): Promise<Record<string, unknown>> {
  const orders = await ex.fetchOrders("ETH/USDT");
  const byId = [];
  for (const o of orders) byId.push(await ex.fetchOrder(o.id!, "ETH/USDT"));
  const byClientId = [];
  for (const o of orders) {
    byClientId.push(await ex.fetchOrder(NO_ID, "ETH/USDT", { clientOrderId: o.clientOrderId }));
  }
  return {
    balance: (await ex.fetchBalance()).info,
    orders,
    byId,
    byClientId,
    open: await ex.fetchOpenOrders("ETH/USDT"),
    trades: await ex.fetchMyTrades("ETH/USDT"),
    ledger: await ex.fetchLedger(undefined, undefined, 100),
    transfers: await ex.fetchTransfers(),
  };
}

function allIds(state: WeexSimState): string[] {
  return [
    ...state.orders.map((o) => o.orderId),
    ...state.fills.map((f) => f.id),
    ...state.accounts.flatMap((a) => a.bills.map((b) => b.billId)),
  ];
}

describe("WeexSimulator state persistence (restart with the real ccxt weex class)", function () {
  const clock = new ManualClock(t0);
  let dir: string;
  let file: string;
  let saved: WeexSimState;
  let beforeRestart: Record<string, unknown>;
  /** Restarted from the state file. */
  let restarted: WeexSimulator;
  let exRestarted: Exchange;
  /** Never restarted: the same requests at the same clock times. */
  let control: WeexSimulator;
  let exControl: Exchange;

  before(async function () {
    dir = mkdtempSync(join(tmpdir(), "weex-sim-state-"));
    file = join(dir, "venue", "weex-sim.json");

    const first = await startTradingSimulator(() => clock.now());
    try {
      const exFirst = weexClient(first);
      await exFirst.loadMarkets();
      await tradeBeforeRestart(exFirst, first, clock);
      beforeRestart = await venueView(exFirst);
      saveSimState(file, first.exportState());
    } finally {
      await first.stop(); // the "Ctrl-C"
    }

    control = await startTradingSimulator(() => clock.now());
    exControl = weexClient(control);
    await exControl.loadMarkets();
    await tradeBeforeRestart(exControl, control, clock);

    saved = loadSimState(file)!;
    restarted = await startTradingSimulator(() => clock.now(), { state: saved });
    exRestarted = weexClient(restarted);
    await exRestarted.loadMarkets();
  });
  after(async function () {
    await restarted?.stop();
    await control?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("the state file is versioned plain JSON without credentials; amounts are exact decimal strings", function () {
    const text = readFileSync(file, "utf8");
    for (const secret of [VAULT.apiKey, VAULT.secret, VAULT.passphrase]) expect(text).not.to.contain(secret);
    const json = JSON.parse(text) as WeexSimState;
    expect(json.version).to.equal(1);
    expect(json.accounts.map((a) => a.name)).to.deep.equal(["vault"]);
    expect(json.orders.map((o) => o.clientOrderId)).to.deep.equal(CLIENT_IDS);
    const rest = json.orders.find((o) => o.clientOrderId === "rest-1")!;
    expect(rest).to.include({ status: "PARTIALLY_FILLED", executedQty: "1.44474", account: "vault" });
    expect(rest.locked).to.equal("4747.67308"); // (4 − 1.44474) × 1858 still locked
    expect(json.book.taken.length, "book levels taken by m-buy-2").to.be.greaterThan(0);
    expect(json.fills.every((f) => json.orders.some((o) => o.orderId === f.orderId))).to.equal(true);
  });

  it("the restarted simulator exports exactly the state it was given (no opening balances re-applied)", function () {
    expect(restarted.exportState()).to.deep.equal(saved);
    expect(control.exportState()).to.deep.equal(saved);
  });

  it("through ccxt: balances, orders by id and by client order id, trades, bills and transfers are unchanged", async function () {
    const after = await venueView(exRestarted);
    expect(after).to.deep.equal(beforeRestart);
    expect((after["orders"] as unknown[]).length).to.equal(5);
    expect(restarted.account("vault").custody).to.deep.equal(control.account("vault").custody);
    expect(restarted.account("vault").custody.map((m) => m.ref)).to.deep.equal(["0xdeposit01", "0xreturn01"]);
  });

  it("a client order id used before the restart is refused as WEEX's duplicate (-1142, BadRequest)", async function () {
    for (const cid of CLIENT_IDS) {
      const e = await rejection(
        exRestarted.createOrder("ETH/USDT", "limit", "buy", 0.01, 1000, { clientOrderId: cid }),
      );
      expect(e, cid).to.be.instanceOf(ccxt.BadRequest);
      expect(String(e)).to.contain(`Duplicate newClientOrderId: ${cid}`);
    }
    expect(restarted.exportState(), "refusals book nothing").to.deep.equal(saved);
  });

  it("trading resumes exactly as without a restart: new ids, the same book second, the resting order keeps filling", async function () {
    const old = new Set(allIds(saved));
    const maxOld = [...old].reduce((m, id) => (BigInt(id) > m ? BigInt(id) : m), 0n);
    const both = async <T>(f: (ex: Exchange) => Promise<T>): Promise<[T, T]> => [
      await f(exRestarted),
      await f(exControl),
    ];

    // same market second as the export: the levels m-buy-2 took are still taken
    const [a, b] = await both((ex) =>
      ex.createOrder("ETH/USDT", "market", "buy", 1, undefined, { clientOrderId: "m-buy-3" }),
    );
    expect(a.id).to.equal(b.id);
    expect(old.has(a.id!)).to.equal(false);
    expect(BigInt(a.id!) > maxOld).to.equal(true);
    const [ta, tb] = await both((ex) => ex.fetchMyTrades("ETH/USDT"));
    expect(ta).to.deep.equal(tb);
    const newTrades = ta.filter((t) => t.order === a.id);
    expect(newTrades.length).to.be.greaterThan(0);
    for (const t of newTrades) expect(old.has(t.id!)).to.equal(false);

    clock.set(t0 + 7.5 * H); // the 19:00 candle trades down to 1857.02
    const [ra, rb] = await both((ex) => ex.fetchOrder(NO_ID, "ETH/USDT", { clientOrderId: "rest-1" }));
    expect(ra).to.deep.equal(rb);
    expect(ra.status).to.equal("partially_filled");
    expectClose(ra.filled, 1.44474 + 1.64621, 1e-9);

    clock.set(t0 + 12.5 * H); // the 23:00 candle (low 1852.66) fills the rest
    const [fa, fb] = await both((ex) => ex.fetchOrder(NO_ID, "ETH/USDT", { clientOrderId: "rest-1" }));
    expect(fa).to.deep.equal(fb);
    expect(fa.status).to.equal("closed");
    expect(fa.filled).to.equal(4);
    const makerFills = (await exRestarted.fetchMyTrades("ETH/USDT")).filter((t) => t.order === fa.id);
    expect(makerFills.map((t) => t.amount)).to.have.length(3);

    const [va, vb] = await both(venueView);
    expect(va).to.deep.equal(vb);
    expect(restarted.exportState()).to.deep.equal(control.exportState());
  });
});

describe("WeexSimulator state errors", function () {
  const clock = new ManualClock(t0);
  const base = (state?: WeexSimState, extra: Partial<WeexSimulatorOptions> = {}): WeexSimulator =>
    new WeexSimulator({
      markets: [ETH],
      history: { ETHUSDT: { timeframe: "1h", candles: [] } },
      clock: () => clock.now(),
      seed: 7,
      accounts: [{ ...VAULT, balances: { USDT: "100000", ETH: "10" } }],
      ws: { pingIntervalMs: 0 },
      ...(state ? { state } : {}),
      ...extra,
    });
  let valid: WeexSimState;
  let dir: string;

  /** The SimStateError `f` throws (fails on any other outcome, a TypeError above all). */
  const stateError = (f: () => unknown): SimStateError => {
    try {
      f();
    } catch (e) {
      expect(e, String(e)).to.be.instanceOf(SimStateError);
      return e as SimStateError;
    }
    throw new Error("expected a SimStateError");
  };
  const mutated = (change: (s: Record<string, unknown>) => void): unknown => {
    const copy = JSON.parse(JSON.stringify(valid)) as Record<string, unknown>;
    change(copy);
    return copy;
  };

  before(async function () {
    dir = mkdtempSync(join(tmpdir(), "weex-sim-state-err-"));
    const sim = await startTradingSimulator(() => clock.now());
    try {
      const ex = weexClient(sim);
      await ex.createOrder("ETH/USDT", "market", "buy", 0.5, undefined, { clientOrderId: "e-1" });
      await ex.createOrder("ETH/USDT", "limit", "buy", 1, 1000, { clientOrderId: "e-2" });
      sim.credit("vault", "USDT", "10", "0xdep");
      valid = parseSimState(JSON.parse(JSON.stringify(sim.exportState())));
    } finally {
      await sim.stop();
    }
  });
  after(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  it("loadSimState: undefined without a file; not JSON or truncated → SimStateError that says to delete it", function () {
    expect(loadSimState(join(dir, "none.json"))).to.equal(undefined);
    const path = join(dir, "torn.json");
    writeFileSync(path, JSON.stringify(valid).slice(0, 200));
    const e = stateError(() => loadSimState(path));
    expect(e.message)
      .to.contain(path)
      .and.to.contain("not valid JSON")
      .and.to.contain("Delete the state file");
    saveSimState(path, valid);
    expect(loadSimState(path)).to.deep.equal(valid);
  });

  it("a wrong or missing version, or not an object → SimStateError naming the version", function () {
    expect(stateError(() => parseSimState(mutated((s) => (s["version"] = 2)))).message).to.match(
      /state version 2; this simulator reads version 1\. Delete the state file/,
    );
    expect(stateError(() => parseSimState(mutated((s) => delete s["version"]))).message).to.contain(
      'no "version" field',
    );
    for (const bad of [null, [], "state", 42]) stateError(() => parseSimState(bad));
  });

  it("a malformed field → SimStateError with its path; unknown keys (e.g. a secret) are refused", function () {
    const e = stateError(() =>
      parseSimState(
        mutated((s) => {
          const a = (s["accounts"] as Record<string, unknown>[])[0]!;
          (a["balances"] as Record<string, Record<string, unknown>>)["USDT"]!["free"] = 12.5;
        }),
      ),
    );
    expect(e.message).to.contain("accounts.0.balances.USDT.free");
    const secret = stateError(() =>
      parseSimState(mutated((s) => ((s["accounts"] as Record<string, unknown>[])[0]!["secret"] = "x"))),
    );
    expect(secret.message).to.contain("secret");
  });

  it("null in place of any value, or any key missing, is a SimStateError, never a TypeError", function () {
    const paths: (string | number)[][] = [];
    const walk = (v: unknown, path: (string | number)[]): void => {
      if (path.length > 0) paths.push(path);
      if (v && typeof v === "object") {
        for (const [k, c] of Object.entries(v)) walk(c, [...path, Array.isArray(v) ? Number(k) : k]);
      }
    };
    walk(valid, []);
    expect(paths.length).to.be.greaterThan(50);
    for (const path of paths) {
      for (const how of ["null", "delete"] as const) {
        const copy = mutated((s) => {
          let parent = s as Record<string | number, unknown>;
          for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
          const key = path.at(-1)!;
          if (how === "null") parent[key] = null;
          else if (Array.isArray(parent)) parent.splice(key as number, 1);
          else delete parent[key];
        });
        let error: unknown;
        try {
          new WeexSimulator({
            markets: [ETH],
            history: { ETHUSDT: { timeframe: "1h", candles: [] } },
            clock: () => clock.now(),
            seed: 7,
            accounts: [VAULT],
            state: copy as WeexSimState,
          });
        } catch (e) {
          error = e;
        }
        // removing an array element may leave a valid (smaller) state: then nothing is thrown
        if (error !== undefined || how === "null") {
          expect(error, `${how} ${path.join(".")}`).to.be.instanceOf(SimStateError);
        }
      }
    }
  });

  it("inconsistent states: a fill of an unknown order, ids beyond the counter, locks without orders", function () {
    const fill = stateError(() =>
      parseSimState(mutated((s) => ((s["fills"] as Record<string, unknown>[])[0]!["orderId"] = "1"))),
    );
    expect(fill.message).to.contain("unknown order 1");
    const counter = stateError(() => base(mutated((s) => (s["idCounter"] = "2")) as WeexSimState));
    expect(counter.message).to.contain("beyond its id counter 2");
    const locks = stateError(() =>
      base(
        mutated((s) => {
          const a = (s["accounts"] as Record<string, unknown>[])[0]!;
          const usdt = (a["balances"] as Record<string, Record<string, string>>)["USDT"]!;
          usdt["free"] = fxFormat(fx(usdt["free"]!) + fx(usdt["locked"]!));
          usdt["locked"] = "0";
        }) as WeexSimState,
      ),
    );
    expect(locks.message).to.contain('locks 0 USDT of "vault" but its open orders lock 1000');
  });

  it("an account the options do not configure → SimStateError (credentials never come from the state)", function () {
    const e = stateError(() => base(valid, { accounts: [] }));
    expect(e.message).to.contain('account "vault"').and.to.contain("options.accounts");
    expect(e.hint).to.contain("API key");
  });

  it("another seed or a market the simulator does not list → SimStateError", function () {
    expect(stateError(() => base(valid, { seed: 8 })).message).to.contain("seed 7");
    const btc = stateError(() =>
      base(
        mutated(
          (s) => ((s["orders"] as Record<string, unknown>[])[0]!["symbol"] = "BTCUSDT"),
        ) as WeexSimState,
      ),
    );
    expect(btc.message).to.contain("BTCUSDT");
  });

  it("restored accounts keep their uid and balances; an account new since the save gets its opening balances", function () {
    const ops = { name: "ops", apiKey: "k2", secret: "s2", passphrase: "p2", balances: { USDT: "5" } };
    const sim = base(valid, { accounts: [ops, { ...VAULT, balances: { USDT: "1", ETH: "1" } }] });
    const vault = sim.account("vault");
    const saved = valid.accounts[0]!;
    expect(vault.uid).to.equal(saved.uid);
    expect(vault.exportState()).to.deep.equal(saved);
    expect(sim.account("ops").uid).not.to.equal(saved.uid);
    expect(sim.account("ops").balance("USDT").free).to.equal(5n * 10n ** 18n);
  });
});

describe("WeexSimulator onStateChange (what a durable venue persists before it answers)", function () {
  const clock = new ManualClock(t0);

  it("fires before the answer for every order, cancel, resting fill and custody move, never for reads", async function () {
    let snapshots: WeexSimState[] = [];
    const holder: { sim?: WeexSimulator } = {};
    const sim = await startTradingSimulator(() => clock.now(), {
      onStateChange: () => snapshots.push(holder.sim!.exportState()),
    });
    holder.sim = sim;
    try {
      const ex = weexClient(sim);
      await ex.loadMarkets();
      await ex.fetchBalance();
      await ex.fetchOrders("ETH/USDT");
      expect(snapshots, "reads change nothing").to.have.length(0);

      const o = await ex.createOrder("ETH/USDT", "limit", "buy", 4, 1858, { clientOrderId: "hook-1" });
      // The state persisted before the answer already holds the order the client was told about.
      expect(snapshots.at(-1)!.orders.map((x) => x.orderId)).to.include(o.id);
      await ex.cancelOrder(o.id!, "ETH/USDT");
      expect(snapshots.at(-1)!.orders.find((x) => x.orderId === o.id)!.status).to.equal("CANCELED");
      await ex.createOrder("ETH/USDT", "limit", "buy", 4, 1858, { clientOrderId: "hook-2" });
      sim.credit("vault", "USDT", "10", "0xhook");
      expect(snapshots.at(-1)!.accounts[0]!.custody.map((m) => m.ref)).to.deep.equal(["0xhook"]);

      // A read that lets a resting order fill (the 14:00 candle) is a change too.
      snapshots = [];
      clock.set(t0 + 2.5 * H);
      await ex.fetchBalance();
      expect(snapshots).to.have.length(1);
      expect(snapshots[0]!.fills.length).to.be.greaterThan(0);
    } finally {
      await sim.stop();
    }
  });

  it("a venue that cannot persist answers 500: the client treats the order as of unknown outcome", async function () {
    const sim = await startTradingSimulator(() => clock.now(), {
      onStateChange: () => {
        throw new Error("disk full");
      },
    });
    try {
      const ex = weexClient(sim);
      await ex.loadMarkets();
      clock.set(t0);
      const e = await rejection(
        ex.createOrder("ETH/USDT", "market", "buy", 0.1, undefined, { clientOrderId: "hook-3" }),
      );
      expect(e).to.be.instanceOf(ccxt.ExchangeError);
      expect(String(e)).to.contain("could not persist its state: disk full");
    } finally {
      await sim.stop();
    }
  });
});
