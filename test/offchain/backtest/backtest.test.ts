import { assert } from "chai";
import fc from "fast-check";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyzeBacktest } from "../../../offchain/backtest/analyzeBacktest.js";
import { calibrateImpact } from "../../../offchain/backtest/calibrateImpact.js";
import { checkLookahead } from "../../../offchain/backtest/checkLookahead.js";
import { checkRecursive } from "../../../offchain/backtest/checkRecursive.js";
import { CsvCandleSource } from "../../../offchain/backtest/CsvCandleSource.js";
import { parseExecutionConfig } from "../../../offchain/backtest/ExecutionConfig.js";
import { impactFraction } from "../../../offchain/backtest/ImpactModel.js";
import { concentration } from "../../../offchain/backtest/metrics/concentration.js";
import { computeMetrics } from "../../../offchain/backtest/metrics/computeMetrics.js";
import { drawdownSeries } from "../../../offchain/backtest/metrics/drawdownSeries.js";
import { STRESS_WINDOWS } from "../../../offchain/backtest/metrics/stressScenarios.js";
import { valueAtRisk } from "../../../offchain/backtest/metrics/valueAtRisk.js";
import { runBacktest } from "../../../offchain/backtest/runBacktest.js";
import type { BacktestOptions } from "../../../offchain/backtest/runBacktest.js";
import { walkForward } from "../../../offchain/backtest/walkForward.js";
import { LiveSourceInBacktestError } from "../../../offchain/engine/errors.js";
import type { CandleHistorySource } from "../../../offchain/engine/CandleHistorySource.js";
import { wireBacktest } from "../../../offchain/engine/wiring.js";
import { writeRunDirectory } from "../../../offchain/report/runDirectory.js";
import { canonicalJson } from "../../../offchain/runlog/canonicalJson.js";
import { verifyRunLog } from "../../../offchain/runlog/verifyRunLog.js";
import { movingAverageMomentum } from "../../../offchain/strategy/movingAverageMomentum.js";
import type { ScoreProvider } from "../../../offchain/strategy/ScoreProvider.js";
import { parseStrategyConfig } from "../../../offchain/strategy/StrategyConfig.js";
import { TIMEFRAME_MS } from "../../../offchain/types/market.js";
import type { CandleSeries } from "../../../offchain/types/market.js";
import { expectClose } from "../../helpers/expectClose.js";
import { syntheticSeries } from "./syntheticSeries.js";

const DAY = 86_400_000;
const provider = movingAverageMomentum({ fast: 5, slow: 20 });
const strategy = parseStrategyConfig({ k: 2, rebalanceEvery: 3, covarianceLookback: 20 });
const execution = parseExecutionConfig({});
const basket = ["A", "B", "C", "D"].map((b, i) =>
  syntheticSeries(`${b}/USDT`, 160, 10 + i, { drift: (i - 1.5) * 0.003 }),
);
const base: BacktestOptions = { series: basket, provider, strategy, execution, seed: 3 };
const offline = (series: readonly CandleSeries[]): CandleHistorySource => ({
  name: "mem",
  kind: "offline",
  load: async () => [...series],
});

describe("backtest", () => {
  let real: CandleSeries[];
  before(async () => {
    real = await new CsvCandleSource().load("1d", [
      "BTC/USDT",
      "ETH/USDT",
      "SOL/USDT",
      "BNB/USDT",
      "XRP/USDT",
    ]);
  });

  describe("determinism", () => {
    it("same seed and inputs give byte-identical results, run log and run directory", async () => {
      const opts: BacktestOptions = {
        ...base,
        series: real,
        strategy: parseStrategyConfig({ k: 2, stopLoss: 0.2 }),
        execution: parseExecutionConfig({ impact: calibrateImpact().model }),
      };
      const a = await runBacktest(opts);
      const b = await runBacktest(opts);
      assert.isAbove(a.decisions.length, 100);
      assert.equal(a.runLog, b.runLog);
      assert.equal(canonicalJson(a), canonicalJson(b));
      const [da, db] = [mkdtempSync(join(tmpdir(), "bt-a-")), mkdtempSync(join(tmpdir(), "bt-b-"))];
      writeRunDirectory(da, a, analyzeBacktest(a), { x: 1 }, "t");
      writeRunDirectory(db, b, analyzeBacktest(b), { x: 1 }, "t");
      for (const f of readdirSync(da))
        assert.isTrue(readFileSync(join(da, f)).equals(readFileSync(join(db, f))), f);
      assert.isTrue(verifyRunLog(a.runLog, { expectedHead: a.runLogHead }).ok);
    });

    it("a different seed or config changes the run id", async () => {
      const a = await runBacktest(base);
      const b = await runBacktest({ ...base, seed: 4 });
      assert.notEqual(a.runId, b.runId);
    });
  });

  describe("offline-only wiring", () => {
    it("refuses a live source", async () => {
      const live: CandleHistorySource = { name: "weex-ws", kind: "live", load: async () => basket };
      let err: unknown;
      try {
        await wireBacktest({ source: live, timeframe: "1d", provider, strategy, execution, seed: 1 });
      } catch (e) {
        err = e;
      }
      assert.instanceOf(err, LiveSourceInBacktestError);
    });

    it("fails a source that claims to be offline but calls the network, and restores fetch", async () => {
      const liar: CandleHistorySource = {
        name: "liar",
        kind: "offline",
        load: async () => {
          await fetch("https://api.weex.com/v1/candles");
          return basket;
        },
      };
      const before = globalThis.fetch;
      let err: unknown;
      try {
        await wireBacktest({ source: liar, timeframe: "1d", provider, strategy, execution, seed: 1 });
      } catch (e) {
        err = e;
      }
      assert.instanceOf(err, LiveSourceInBacktestError);
      assert.match((err as Error).message, /network/);
      assert.equal(globalThis.fetch, before);
    });

    it("runs an offline source", async () => {
      const r = await wireBacktest({
        source: offline(basket),
        timeframe: "1d",
        provider,
        strategy,
        execution,
        seed: 1,
      });
      assert.isAbove(r.decisions.length, 10);
    });
  });

  describe("execution model", () => {
    it("fills at the next open with latency 0 and one bar later with latency 1", async () => {
      const r0 = await runBacktest({ ...base, execution: parseExecutionConfig({ slippageBps: 0 }) });
      const r1 = await runBacktest({
        ...base,
        execution: parseExecutionConfig({ slippageBps: 0, latencyBars: 1 }),
      });
      const d0 = r0.decisions[0]!.timestamp;
      const f0 = r0.fills.filter((f) => f.reason === "rebalance")[0]!;
      const f1 = r1.fills.filter((f) => f.reason === "rebalance")[0]!;
      assert.equal(f0.timestamp, d0);
      assert.equal(f1.timestamp, d0 + DAY);
      const bar = basket.find((s) => s.symbol === f0.symbol)!.candles.find((c) => c.timestamp === d0)!;
      expectClose(f0.price, bar.open, 1e-9);
    });

    it("charges taker fees, slippage and impact on market orders, maker fees on limits", async () => {
      const m = await runBacktest({
        ...base,
        execution: parseExecutionConfig({ takerFeeBps: 10, slippageBps: 5, impact: calibrateImpact().model }),
      });
      for (const f of m.fills) {
        expectClose(f.fee, (f.quantity * f.price * 10) / 10_000, 1e-9 * f.fee + 1e-12);
        assert.isAbove(f.impactCost, 0);
      }
      const l = await runBacktest({
        ...base,
        execution: parseExecutionConfig({ orderType: "limit", makerFeeBps: 2 }),
      });
      for (const f of l.fills.filter((x) => x.reason === "rebalance")) {
        expectClose(f.fee, (f.quantity * f.price * 2) / 10_000, 1e-9 * f.fee + 1e-12);
        assert.equal(f.slippageCost, 0);
      }
    });

    it("stop-loss exits at the stop price on a crash", async () => {
      // Entry around bar 21 (≈ +23 %), crash of 30 % at bar 35: well through a 10 % stop.
      const crash = syntheticSeries("X/USDT", 60, 5, {
        path: (i, p) => (i < 30 ? p * 1.01 : i === 35 ? p * 0.7 : p),
      });
      const r = await runBacktest({
        ...base,
        series: [crash],
        strategy: parseStrategyConfig({ k: 1, rebalanceEvery: 1, covarianceLookback: 20, stopLoss: 0.1 }),
      });
      const stop = r.fills.find((f) => f.reason === "stop-loss");
      assert.isDefined(stop);
      assert.equal(stop!.side, "sell");
      const crashBar = crash.candles[35]!;
      assert.equal(stop!.timestamp, crashBar.timestamp);
      assert.isBelow(stop!.price, crashBar.open);
      assert.isAbove(stop!.price, crashBar.close, "exits at the stop, above the bar's close");
      assert.equal(r.equity.at(-1)!.values["X/USDT"] ?? 0, 0);
    });

    it("kill switch flattens on drawdown and stays flat (no new entries) without a reset", async () => {
      const crash = syntheticSeries("X/USDT", 140, 6, {
        path: (i, p) => (i < 80 ? p * 1.01 : i === 85 ? p * 0.7 : p * 1.01),
      });
      const r = await runBacktest({
        ...base,
        series: [crash],
        strategy: parseStrategyConfig({
          k: 1,
          rebalanceEvery: 1,
          covarianceLookback: 20,
          killSwitch: { flattenDrawdown: 0.2 },
        }),
      });
      const killFill = r.fills.find((f) => f.reason === "kill-switch");
      assert.isDefined(killFill);
      const after = r.fills.filter((f) => f.timestamp > killFill!.timestamp);
      assert.lengthOf(after, 0, "no order after the flatten");
      assert.equal(r.equity.at(-1)!.killLevel, 3);
    });
  });

  describe("market impact calibration", () => {
    it("fits the Kraken depth snapshots with a sane exponent and tracks the walked book", () => {
      const c = calibrateImpact();
      assert.equal(c.snapshots, 54);
      assert.isAbove(c.model.exponent, 0.5);
      assert.isBelow(c.model.exponent, 3);
      assert.isAbove(c.r2, 0.5);
      for (const row of c.check.filter((x) => x.notional >= 10_000 && Number.isFinite(x.book))) {
        assert.isAbove(row.model / row.book, 0.5, JSON.stringify(row));
        assert.isBelow(row.model / row.book, 2, JSON.stringify(row));
      }
      const m = c.model;
      assert.isBelow(impactFraction(m, 1e4, 1e9), impactFraction(m, 1e6, 1e9));
      assert.isBelow(impactFraction(m, 1e6, 1e10), impactFraction(m, 1e6, 1e8));
    });
  });

  describe("bias checks", () => {
    it("the lookahead checker passes the honest baseline", async () => {
      const r = await checkLookahead({
        series: basket,
        makeProvider: () => provider,
        strategy,
        execution,
        seed: 1,
        samples: 4,
      });
      assert.isTrue(r.ok, JSON.stringify(r.mismatches));
      assert.equal(r.checked, 4);
    });

    it("the lookahead checker catches a provider that peeks at the next candle", async () => {
      const leaky = (series: readonly CandleSeries[]): ScoreProvider => ({
        ...provider,
        score(h) {
          return h.symbols.map((symbol) => {
            const s = series.find((x) => x.symbol === symbol)!;
            const next = s.candles.find((c) => c.timestamp === h.time);
            const now = h.candles[symbol]!.at(-1)!;
            return { symbol, score: next ? next.close / now.close - 1 : 0, confidence: 1 };
          });
        },
      });
      const r = await checkLookahead({
        series: basket,
        makeProvider: leaky,
        strategy,
        execution,
        seed: 1,
        samples: 4,
      });
      assert.isFalse(r.ok);
      assert.include(r.mismatches[0]!.fields, "scores");
    });

    it("the recursive check passes SMAs and catches an EMA seeded at the first bar", async () => {
      const times = [100, 130, 159].map((i) => basket[0]!.candles[i]!.timestamp + DAY);
      assert.isTrue((await checkRecursive(provider, basket, times)).ok);
      const ema: ScoreProvider = {
        ...provider,
        score(h) {
          return h.symbols.map((symbol) => {
            const c = h.candles[symbol]!;
            let e = c[0]!.close;
            for (const k of c) e += 0.05 * (k.close - e);
            return { symbol, score: c.at(-1)!.close / e - 1, confidence: 1 };
          });
        },
      };
      const r = await checkRecursive(ema, basket, times);
      assert.isFalse(r.ok);
      assert.isAbove(r.mismatches.length, 0);
    });
  });

  describe("metrics and risk", () => {
    it("drawdown, VaR/CVaR and HHI on known inputs", () => {
      assert.deepEqual(drawdownSeries([100, 120, 90, 130, -5]), [0, 0, 0.25, 0, 1]);
      const rets = Array.from({ length: 100 }, (_, i) => (i - 50) / 1000); // -5 % .. +4.9 %
      const v = valueAtRisk(rets, 0.95);
      expectClose(v.historicalVar, 0.045, 1e-12);
      expectClose(v.historicalCvar, 0.0475, 1e-12);
      assert.isAbove(v.parametricCvar, v.parametricVar);
      expectClose(concentration({ A: 0.5, B: -0.5 }).hhi, 0.5, 1e-12);
      assert.equal(concentration({}).hhi, 0);
    });

    it("computes Sharpe, win rate and profit factor from a simple path", () => {
      const m = computeMetrics({
        times: [0, DAY, 2 * DAY, 3 * DAY],
        equity: [100, 110, 99, 108.9],
        periodsPerYear: 365,
      });
      expectClose(m.totalReturn, 0.089, 1e-12);
      expectClose(m.maxDrawdown, 0.1, 1e-12);
      assert.isNotNull(m.sharpe);
      assert.isNull(m.winRate);
    });

    it("analyses a real-data run: benchmarks, stress windows, no NaN anywhere", async () => {
      const r = await runBacktest({ ...base, series: real, strategy: parseStrategyConfig({ k: 2 }) });
      const a = analyzeBacktest(r);
      assert.isNotNull(a.benchmarks.buyAndHoldBtc);
      assert.lengthOf(a.risk.stress, STRESS_WINDOWS.length);
      for (const s of a.risk.stress) assert.isNotNull(s.btcReturn, s.name);
      const btcMarch = a.risk.stress[0]!.btcReturn!;
      assert.isBelow(btcMarch, -0.2, "BTC lost > 20 % in March 2020");
      assert.notInclude(JSON.stringify(a), "NaN");
      assert.doesNotThrow(() => canonicalJson(a)); // throws on NaN/Infinity
    });

    it("walk-forward chooses per fold and stitches out-of-sample equity", async () => {
      const wf = await walkForward({
        series: real,
        candidates: [
          { label: "5/20", params: { fast: 5, slow: 20 } },
          { label: "10/50", params: { fast: 10, slow: 50 } },
        ],
        makeProvider: (p) => movingAverageMomentum(p),
        strategy: parseStrategyConfig({ k: 2 }),
        execution,
        seed: 1,
        trainDays: 365,
        testDays: 365,
        from: Date.UTC(2020, 0, 1),
      });
      assert.isAtLeast(wf.folds.length, 2);
      for (let i = 1; i < wf.equity.length; i++) assert.isAtLeast(wf.equity[i]!.time, wf.equity[i - 1]!.time);
      assert.isTrue(wf.folds.every((f) => ["5/20", "10/50"].includes(f.chosen)));
    });
  });

  describe("properties (fast-check)", () => {
    it("no NaN, equity identity, cash-flow identity, fees ≥ 0, max drawdown in [0, 1]", async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            seed: fc.integer({ min: 0, max: 1_000 }),
            assets: fc.integer({ min: 1, max: 4 }),
            bars: fc.integer({ min: 40, max: 110 }),
            vol: fc.double({ min: 0.005, max: 0.12, noNaN: true }),
            mode: fc.constantFrom("long-only", "short-only", "long-short"),
            k: fc.integer({ min: 1, max: 3 }),
            rebalance: fc.integer({ min: 1, max: 5 }),
            sizing: fc.constantFrom(
              { kind: "fixed", gross: 1 },
              { kind: "fixed", gross: 2 },
              { kind: "vol-target", annualVol: 0.3, maxGross: 1.5 },
              { kind: "kelly", fraction: 0.5, maxGross: 1 },
            ),
            stopLoss: fc.option(fc.double({ min: 0.02, max: 0.5, noNaN: true }), { nil: null }),
            takeProfit: fc.option(fc.double({ min: 0.02, max: 1, noNaN: true }), { nil: null }),
            fee: fc.integer({ min: 0, max: 50 }),
            latency: fc.integer({ min: 0, max: 2 }),
            orderType: fc.constantFrom("market", "limit"),
            flatten: fc.option(fc.double({ min: 0.05, max: 0.9, noNaN: true }), { nil: null }),
          }),
          async (p) => {
            const series = Array.from({ length: p.assets }, (_, i) =>
              syntheticSeries(`S${i}/USDT`, p.bars, p.seed * 10 + i, { vol: p.vol, drift: (i - 1) * 0.002 }),
            );
            const r = await runBacktest({
              series,
              provider: movingAverageMomentum({ fast: 3, slow: 12 }),
              strategy: parseStrategyConfig({
                mode: p.mode,
                k: p.k,
                topN: 4,
                rebalanceEvery: p.rebalance,
                covarianceLookback: 10,
                sizing: p.sizing,
                stopLoss: p.stopLoss,
                takeProfit: p.takeProfit,
                killSwitch: { flattenDrawdown: p.flatten },
              }),
              execution: parseExecutionConfig({
                takerFeeBps: p.fee,
                makerFeeBps: p.fee / 2,
                latencyBars: p.latency,
                orderType: p.orderType,
                impact: calibrateImpact().model,
              }),
              seed: p.seed,
            });
            const barMs = TIMEFRAME_MS["1d"];
            let cash = r.execution.initialCapital;
            let fi = 0;
            const lastClose: Record<string, number> = {};
            for (const pt of r.equity) {
              for (const v of [pt.equity, pt.cash, ...Object.values(pt.values)])
                assert.isTrue(Number.isFinite(v), "finite");
              // Identity: cash + Σ positions × price = equity.
              const sum = pt.cash + Object.values(pt.values).reduce((a, v) => a + v, 0);
              expectClose(sum, pt.equity, 1e-9 * Math.max(1, Math.abs(pt.equity)), "equity identity");
              // Cash rebuilt independently from the fills up to this bar.
              while (fi < r.fills.length && r.fills[fi]!.timestamp + barMs <= pt.time) {
                const f = r.fills[fi++]!;
                assert.isAtLeast(f.fee, 0, "fees never negative");
                cash -= (f.side === "buy" ? 1 : -1) * f.quantity * f.price + f.fee;
              }
              expectClose(pt.cash, cash, 1e-6 * Math.max(1, Math.abs(cash)), "cash flow identity");
              for (const s of series) {
                const c = s.candles.find((x) => x.timestamp + barMs === pt.time);
                if (c) lastClose[s.symbol] = c.close;
              }
            }
            const a = analyzeBacktest(r);
            assert.isAtLeast(a.strategy.maxDrawdown, 0);
            assert.isAtMost(a.strategy.maxDrawdown, 1);
            assert.notInclude(JSON.stringify(a), "NaN");
            assert.notInclude(r.runLog, "NaN");
            if (p.mode === "long-only")
              for (const d of r.decisions) assert.isTrue(Object.values(d.weights).every((w) => w >= 0));
            if (p.mode === "short-only")
              for (const d of r.decisions) assert.isTrue(Object.values(d.weights).every((w) => w <= 0));
          },
        ),
        { numRuns: 40, seed: 20240601 },
      );
    });
  });
});
