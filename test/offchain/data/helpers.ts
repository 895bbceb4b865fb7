import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Candle } from "../../../offchain/types/market.js";
import { dataDir } from "../../../offchain/data/dataDir.js";
import { WeexSimulator } from "../../../offchain/venue/weex/WeexSimulator.js";
import type { Clock } from "../../../offchain/data/Clock.js";

/** Real candles from the shared data directory (test fixture loader, independent of CsvSource). */
export function loadCandles(timeframe: "1h" | "1d", file: string): Candle[] {
  const text = readFileSync(join(dataDir(), "ohlcv", timeframe, file), "utf8");
  return text
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => {
      const [t, o, h, l, c, v] = line.split(",").map(Number);
      return { timestamp: t!, open: o!, high: h!, low: l!, close: c!, volume: v! };
    });
}

export const H = 3_600_000;
export const D = 86_400_000;

/** A simulator replaying real ETH and BTC hourly candles on `clock`. */
export async function startSimulator(clock: Clock, ws?: { pingIntervalMs?: number }): Promise<WeexSimulator> {
  const sim = new WeexSimulator({
    markets: [
      {
        id: "ETHUSDT",
        base: "ETH",
        quote: "USDT",
        tickSize: 0.01,
        stepSize: 0.00001,
        spot: true,
        swap: true,
      },
      {
        id: "BTCUSDT",
        base: "BTC",
        quote: "USDT",
        tickSize: 0.01,
        stepSize: 0.00001,
        spot: true,
        swap: true,
      },
    ],
    history: {
      ETHUSDT: { timeframe: "1h", candles: loadCandles("1h", "ETH-USDT.csv") },
      BTCUSDT: { timeframe: "1h", candles: loadCandles("1h", "BTC-USDT.csv") },
    },
    clock: () => clock.now(),
    ...(ws ? { ws } : {}),
  });
  await sim.start();
  return sim;
}
