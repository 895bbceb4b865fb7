import ccxt from "ccxt";
import type { Exchange } from "ccxt";
import { WeexSimulator } from "../../../offchain/venue/weex/WeexSimulator.js";
import type { WeexSimulatorOptions } from "../../../offchain/venue/weex/WeexSimulator.js";
import type { SimMarket } from "../../../offchain/venue/weex/MarketState.js";
import { loadCandles } from "../data/helpers.js";

export const VAULT = { name: "vault", apiKey: "weex_test_key", secret: "s3cret", passphrase: "pass-1" };

export const ETH: SimMarket = {
  id: "ETHUSDT",
  base: "ETH",
  quote: "USDT",
  tickSize: 0.01,
  stepSize: 0.00001,
  spot: true,
  swap: true,
  levelSize: 0.5,
  minQty: 0.001,
  minNotional: 5,
};

const history = {
  ETHUSDT: { timeframe: "1h" as const, candles: loadCandles("1h", "ETH-USDT.csv") },
};

/** A simulator with one funded account ("vault") trading ETH/USDT on replayed hourly candles. */
export async function startTradingSimulator(
  clock: () => number,
  extra: Partial<WeexSimulatorOptions> = {},
): Promise<WeexSimulator> {
  const sim = new WeexSimulator({
    markets: [ETH],
    history,
    clock,
    seed: 7,
    accounts: [{ ...VAULT, balances: { USDT: "100000", ETH: "10" } }],
    trading: { restingFillShare: 0.0001, depthLevels: 40 },
    ws: { pingIntervalMs: 0 },
    ...extra,
  });
  await sim.start();
  return sim;
}

/** The real ccxt `weex` class, signed with `creds`, pointed at the simulator. */
export function weexClient(
  sim: WeexSimulator,
  creds: { apiKey: string; secret: string; passphrase: string } = VAULT,
): Exchange {
  return new ccxt.weex({
    apiKey: creds.apiKey,
    secret: creds.secret,
    password: creds.passphrase,
    urls: { api: sim.ccxtUrls() } as never,
    // ccxt's own throttle would only slow a loopback simulator down; limits are the simulator's
    enableRateLimit: false,
  });
}

/** The rejection of `p`, or fails when it resolves. */
export async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error("expected a rejection");
}
