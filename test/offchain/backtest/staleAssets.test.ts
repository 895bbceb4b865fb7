import { assert } from "chai";
import { analyzeBacktest } from "../../../offchain/backtest/analyzeBacktest.js";
import { parseExecutionConfig } from "../../../offchain/backtest/ExecutionConfig.js";
import { buyAndHold, equalWeight } from "../../../offchain/backtest/metrics/benchmarks.js";
import { runBacktest } from "../../../offchain/backtest/runBacktest.js";
import { movingAverageMomentum } from "../../../offchain/strategy/movingAverageMomentum.js";
import { parseStrategyConfig } from "../../../offchain/strategy/StrategyConfig.js";
import type { CandleSeries } from "../../../offchain/types/market.js";
import { expectClose } from "../../helpers/expectClose.js";
import { syntheticSeries } from "./syntheticSeries.js";

const DAY = 86_400_000;
const provider = movingAverageMomentum({ fast: 5, slow: 20 });
const strategy = parseStrategyConfig({ k: 2, rebalanceEvery: 3, covarianceLookback: 20 });
const execution = parseExecutionConfig({ slippageBps: 0, takerFeeBps: 0 });
/**
 * Two strong risers (held by momentum) and two decliners that turn up at `stopAt`; `cut` edits
 * the candles of riser A (e.g. stops it).
 */
function basket(stopAt: number, cut: (i: number) => boolean = (i) => i < stopAt): CandleSeries[] {
  const rising = ["A", "B"].map((b, i) =>
    syntheticSeries(`${b}/USDT`, 200, 40 + i, { drift: 0.01, vol: 0.01 }),
  );
  const falling = ["C", "D"].map((b, i) =>
    syntheticSeries(`${b}/USDT`, 200, 50 + i, { drift: -0.002, vol: 0.01 }),
  );
  return [
    ...rising.map((s) => (s.symbol === "A/USDT" ? { ...s, candles: s.candles.filter((_, i) => cut(i)) } : s)),
    // after the risers stop, the others rise so new weight has somewhere to go
    ...falling.map((s) => ({
      ...s,
      candles: s.candles.map((c, i) => {
        const f = i < stopAt ? 1 : Math.exp(0.01 * (i - stopAt));
        return { ...c, open: c.open * f, high: c.high * f, low: c.low * f, close: c.close * f };
      }),
    })),
  ];
}

describe("assets that stop trading", () => {
  it("a held asset that stops is written down, gets no new weight, and gross exposure stays within the limit", async () => {
    const r = await runBacktest({ series: basket(100), provider, strategy, execution, seed: 1 });
    const held = r.stale.filter((e) => e.quantity !== 0);
    assert.isAbove(held.length, 0, "a held riser went stale");
    for (const e of held) {
      assert.isNull(e.resumedAt);
      expectClose(e.writtenDown, e.quantity * e.lastClose, 1e-9);
      assert.equal(e.staleFrom - e.lastCandleClose, (r.staleAfterBars + 1) * DAY);
    }
    let worst = 0;
    for (const p of r.equity) {
      const gross = Object.values(p.values).reduce((a, v) => a + Math.abs(v), 0);
      worst = Math.max(worst, gross / p.equity);
    }
    // the limit is 1× equity; next-open fills may drift it by a bar's move, never by a dead position
    assert.isAtMost(worst, 1.05, `max gross / equity ${worst.toFixed(3)}`);
    assert.deepEqual(
      r.stale.map((e) => e.symbol),
      ["A/USDT"],
    );
    const staleFrom = r.stale[0]!.staleFrom;
    for (const d of r.decisions.filter((x) => x.timestamp >= staleFrom))
      assert.notProperty(d.weights, "A/USDT", "no new weight");
    // the equity from the write-down on no longer counts the dead position
    for (const p of r.equity.filter((x) => x.time >= staleFrom)) assert.equal(p.values["A/USDT"] ?? 0, 0);
    const before = r.equity.find((p) => p.time === staleFrom - DAY)!;
    const after = r.equity.find((p) => p.time === staleFrom)!;
    assert.isBelow(after.equity, before.equity - 0.9 * held[0]!.writtenDown, "written down");
  });

  it("a position in an asset with no bar at a decision uses up gross room for the new weights", async () => {
    // A (held) has no bars for 4 steps, fewer than staleAfterBars: decisions in between cannot sell it
    const series = basket(200, (i) => i < 120 || i >= 124);
    const r = await runBacktest({ series, provider, strategy, execution, seed: 1, staleAfterBars: 5 });
    assert.lengthOf(r.stale, 0);
    const decided = r.decisions.filter((d) => d.timestamp > series[0]!.candles[119]!.timestamp + DAY);
    assert.isTrue(
      decided.some((d) => d.timestamp <= series[0]!.candles[120]!.timestamp),
      "a decision fell inside A's silence",
    );
    let worst = 0;
    for (const p of r.equity)
      worst = Math.max(worst, Object.values(p.values).reduce((a, v) => a + Math.abs(v), 0) / p.equity);
    assert.isAtMost(worst, 1.05, `max gross / equity ${worst.toFixed(3)}`);
  });

  it("equal weight drops an asset that stopped (written down, no weight after), buy-and-hold too", () => {
    const times = Array.from({ length: 30 }, (_, i) => (i + 1) * DAY);
    const a = times.map((t, i) => [t, 100 * 1.01 ** i] as const);
    const b = times.slice(0, 10).map((t) => [t, 50] as const);
    const ew = equalWeight({ "A/USDT": a, "B/USDT": b }, times, 1000, 1, 3 * DAY);
    for (let i = 14; i < times.length; i++) expectClose(ew[i]! / ew[i - 1]!, 1.01, 1e-12);
    const bh = buyAndHold(b, times, 1000, 3 * DAY);
    expectClose(bh[9]!, 1000, 1e-12);
    assert.equal(bh[20], 0, "written down once stale");
  });

  it("benchmarks start at the requested start, not at the first decision after warm-up", async () => {
    const series = basket(200);
    const start = series[0]!.candles[0]!.timestamp; // before any warm-up
    const r = await runBacktest({ series, provider, strategy, execution, seed: 1, start });
    const a = analyzeBacktest(r);
    assert.equal(a.period.basis, "requested-start");
    assert.equal(a.period.from, start + DAY, "the first close after the requested start");
    assert.isAbove(a.period.firstDecision!, a.period.from, "warm-up comes first");
    const eqw = a.curves.equalWeight;
    assert.lengthOf(eqw, r.equity.filter((p) => p.time >= a.period.from).length);
    // equal weight rebalanced every 3 bars from the first close: its first step is the first bar
    expectClose(eqw[0]!, execution.initialCapital, 1e-9);
    const noStart = analyzeBacktest(await runBacktest({ series, provider, strategy, execution, seed: 1 }));
    assert.equal(noStart.period.basis, "first-decision");
    assert.equal(noStart.period.from, noStart.period.firstDecision);
  });
});
