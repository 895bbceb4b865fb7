import { assert } from "chai";
import { ConfigError } from "../../../offchain/engine/errors.js";
import { applyKillSwitch } from "../../../offchain/strategy/applyKillSwitch.js";
import { decideTargets } from "../../../offchain/strategy/decideTargets.js";
import { KillLevel } from "../../../offchain/strategy/KillLevel.js";
import { KillSwitch } from "../../../offchain/strategy/KillSwitch.js";
import { movingAverageMomentum } from "../../../offchain/strategy/movingAverageMomentum.js";
import type { MarketHistory } from "../../../offchain/strategy/ScoreProvider.js";
import { parseStrategyConfig } from "../../../offchain/strategy/StrategyConfig.js";
import type { CandleSeries } from "../../../offchain/types/market.js";
import { syntheticSeries } from "../backtest/syntheticSeries.js";

function historyOf(series: readonly CandleSeries[], bars: number): MarketHistory {
  const candles: Record<string, CandleSeries["candles"]> = {};
  for (const s of series) candles[s.symbol] = s.candles.slice(0, bars);
  const last = series[0]!.candles[bars - 1]!;
  return {
    time: last.timestamp + 86_400_000,
    timeframe: "1d",
    symbols: series.map((s) => s.symbol).sort(),
    candles,
  };
}

const ctx = {
  runId: "0xr",
  seed: 1,
  held: {},
  killLevel: KillLevel.Normal,
  periodsPerYear: 365,
  clock: () => 0,
};

describe("strategy", () => {
  describe("parseStrategyConfig", () => {
    it("rejects unknown keys and bad values, and freezes the result", () => {
      assert.throws(() => parseStrategyConfig({ kk: 3 }), ConfigError, /unknown key "kk"/);
      assert.throws(() => parseStrategyConfig({ killSwitch: { flatten: 0.3 } }), ConfigError, /unknown key/);
      assert.throws(() => parseStrategyConfig({ k: 0 }), ConfigError, /k must/);
      assert.throws(() => parseStrategyConfig({ stopLoss: 1.5 }), ConfigError, /stopLoss/);
      const c = parseStrategyConfig({ k: 2, mode: "long-short" });
      assert.isTrue(Object.isFrozen(c));
      assert.equal(c.k, 2);
    });
  });

  describe("applyKillSwitch mirrors SignalRisk.sol", () => {
    const held = { A: 0.3, B: -0.2 };
    it("NoNewEntries: no opening or flipping, growth allowed", () => {
      const out = applyKillSwitch(held, { A: 0.5, B: 0.1, C: 0.2 }, KillLevel.NoNewEntries);
      assert.deepEqual(out, { A: 0.5 });
    });
    it("ReduceOnly: nothing grows either", () => {
      const out = applyKillSwitch(held, { A: 0.5, B: -0.1, C: 0.2 }, KillLevel.ReduceOnly);
      assert.deepEqual(out, { A: 0.3, B: -0.1 });
    });
    it("Flatten: all flat; Normal: untouched", () => {
      assert.deepEqual(applyKillSwitch(held, { A: 0.5 }, KillLevel.Flatten), {});
      assert.deepEqual(applyKillSwitch(held, { C: 0.5 }, KillLevel.Normal), { C: 0.5 });
    });
  });

  describe("KillSwitch", () => {
    const day = 86_400_000;
    it("trips ReduceOnly on a daily loss and Flatten on drawdown; levels only rise", () => {
      const k = new KillSwitch({
        noNewEntriesDrawdown: 0.1,
        reduceOnlyDailyLoss: 0.05,
        flattenDrawdown: 0.3,
        resetAfterBars: null,
      });
      assert.equal(k.update(0, 100), KillLevel.Normal);
      assert.equal(k.update(day, 100), KillLevel.Normal);
      assert.equal(k.update(2 * day, 94), KillLevel.ReduceOnly); // -6 % in a day
      assert.equal(k.update(3 * day, 120), KillLevel.ReduceOnly); // never lowers by itself
      assert.equal(k.update(4 * day, 80), KillLevel.Flatten); // -33 % from the 120 peak
      assert.match(k.reason!, /drawdown/);
    });
    it("NoNewEntries on a moderate drawdown; re-arms after resetAfterBars", () => {
      const k = new KillSwitch({
        noNewEntriesDrawdown: 0.1,
        reduceOnlyDailyLoss: null,
        flattenDrawdown: null,
        resetAfterBars: 2,
      });
      k.update(0, 100);
      assert.equal(k.update(day, 88), KillLevel.NoNewEntries);
      k.update(2 * day, 88);
      assert.equal(k.update(3 * day, 88), KillLevel.Normal);
    });
  });

  describe("movingAverageMomentum", () => {
    it("scores an up-trend positive and a down-trend negative", async () => {
      const up = syntheticSeries("UP/USDT", 80, 1, { path: (_, p) => p * 1.01 });
      const down = syntheticSeries("DN/USDT", 80, 2, { path: (_, p) => p * 0.99 });
      const s = await movingAverageMomentum().score(historyOf([up, down], 80));
      const by = Object.fromEntries(s.map((x) => [x.symbol, x]));
      assert.isAbove(by["UP/USDT"]!.score, 0);
      assert.isBelow(by["DN/USDT"]!.score, 0);
      assert.isAtLeast(by["UP/USDT"]!.confidence, 0);
      assert.isAtMost(by["UP/USDT"]!.confidence, 1);
    });
    it("skips symbols with less history than the slow window", async () => {
      const s = await movingAverageMomentum({ fast: 5, slow: 60 }).score(
        historyOf([syntheticSeries("A/USDT", 50, 1)], 50),
      );
      assert.lengthOf(s, 0);
    });
  });

  describe("decideTargets", () => {
    const series = ["A", "B", "C", "D", "E"].map((b, i) =>
      syntheticSeries(`${b}/USDT`, 120, i + 1, { drift: (i - 2) * 0.004 }),
    );
    const history = historyOf(series, 120);
    const provider = movingAverageMomentum();

    it("long-only never shorts, short-only never goes long, long-short may do both", async () => {
      const lo = await decideTargets(
        history,
        provider,
        parseStrategyConfig({ mode: "long-only", k: 2 }),
        ctx,
      );
      const so = await decideTargets(
        history,
        provider,
        parseStrategyConfig({ mode: "short-only", k: 2 }),
        ctx,
      );
      const ls = await decideTargets(
        history,
        provider,
        parseStrategyConfig({ mode: "long-short", k: 4 }),
        ctx,
      );
      assert.isTrue(Object.values(lo.weights).every((w) => w > 0));
      assert.isTrue(Object.values(so.weights).every((w) => w < 0));
      assert.isAbove(Object.keys(lo.weights).length, 0);
      assert.isAbove(Object.keys(so.weights).length, 0);
      const signs = new Set(Object.values(ls.weights).map(Math.sign));
      assert.deepEqual([...signs].sort(), [-1, 1]);
      for (const [s, w] of Object.entries(ls.weights)) assert.equal(Math.sign(w), Math.sign(ls.scores[s]!));
    });

    it("maxWeight caps every asset's |weight| and leaves the excess in cash", async () => {
      const free = await decideTargets(history, provider, parseStrategyConfig({ k: 1 }), ctx);
      const [only] = Object.values(free.weights);
      assert.isAtMost(Math.abs(only! - 1), 1e-12, "one asset takes the whole (fixed gross 1) book");
      const capped = await decideTargets(
        history,
        provider,
        parseStrategyConfig({ k: 1, maxWeight: 0.4 }),
        ctx,
      );
      assert.deepEqual(Object.keys(capped.weights), Object.keys(free.weights));
      assert.equal(Object.values(capped.weights)[0], 0.4);
      assert.throws(() => parseStrategyConfig({ maxWeight: 1.5 }), ConfigError);
    });

    it("volatility target and capped Kelly keep gross exposure within maxGross", async () => {
      for (const sizing of [
        { kind: "vol-target", annualVol: 5, maxGross: 0.8 },
        { kind: "vol-target", annualVol: 0.05, maxGross: 1 },
        { kind: "kelly", fraction: 1, maxGross: 0.7 },
      ]) {
        const d = await decideTargets(history, provider, parseStrategyConfig({ k: 2, sizing }), ctx);
        const gross = Object.values(d.weights).reduce((a, w) => a + Math.abs(w), 0);
        assert.isAtMost(gross, sizing.maxGross + 1e-12, JSON.stringify(sizing));
      }
      const tiny = await decideTargets(
        history,
        provider,
        parseStrategyConfig({ k: 2, sizing: { kind: "vol-target", annualVol: 0.05, maxGross: 1 } }),
        ctx,
      );
      const gross = Object.values(tiny.weights).reduce((a, w) => a + Math.abs(w), 0);
      assert.isBelow(gross, 0.5, "a 5 % vol target on ~50 % vol assets must scale down");
    });

    it("is deterministic and changes inputsHash when the data changes", async () => {
      const cfg = parseStrategyConfig({ k: 2 });
      const a = await decideTargets(history, provider, cfg, ctx);
      const b = await decideTargets(history, provider, cfg, ctx);
      assert.deepEqual(a, b);
      const other = historyOf(series, 119);
      const c = await decideTargets({ ...other, time: history.time }, provider, cfg, ctx);
      assert.notEqual(c.inputsHash, a.inputsHash);
    });

    it("under Flatten holds nothing", async () => {
      const d = await decideTargets(history, provider, parseStrategyConfig({ k: 2 }), {
        ...ctx,
        held: { "E/USDT": 0.5 },
        killLevel: KillLevel.Flatten,
      });
      assert.deepEqual(d.weights, {});
    });
  });
});
