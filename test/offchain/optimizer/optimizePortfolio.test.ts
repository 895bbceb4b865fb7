import { expect } from "chai";
import { expectClose } from "../../helpers/expectClose.js";
import { OptimizerInputError } from "../../../offchain/optimizer/errors.js";
import { optimizePortfolio } from "../../../offchain/optimizer/optimizePortfolio.js";
import { randomInput } from "./fixtures.js";

/** Fake clock: every read advances time by `step` ms, so latency is a function of call count. */
function fakeClock(step: number): () => number {
  let t = 0;
  return () => (t += step);
}

describe("optimizer: hybrid orchestration and circuit breaker", () => {
  const input = { ...randomInput(31, 16, false), k: 4, mode: "long-short" as const };

  it("runs QAOA on the top-N candidates and reports full optimizer_meta", async () => {
    const r = await optimizePortfolio(input, { seed: 9, topN: 8, qaoa: { p: 2 }, clock: fakeClock(1) });
    const m = r.optimizer_meta;
    expect(m.candidates).to.have.length(8);
    // top-N by |score| in long-short mode
    const byStrength = [...input.scores.map((s, i) => [Math.abs(s), i] as const)].sort((a, b) => b[0] - a[0]);
    expect(new Set(m.candidates)).to.deep.equal(
      new Set(byStrength.slice(0, 8).map(([, i]) => input.assets[i])),
    );
    expect(r.assets).to.have.length(4);
    expect(m.mixer).to.equal("xy-ring");
    expect(m.p).to.equal(2);
    expect(m.angles!.gammas).to.have.length(2);
    expect(m.shots).to.equal(1024);
    expect(m.seed).to.equal(9);
    expect(m.approximation_ratio).to.be.within(0, 1);
    if (m.fallback) expect(m.fallback_reason).to.match(/approximation ratio/);
    else expect(m.solver).to.equal("qaoa");
    // equal weights, signed by score direction
    r.assets.forEach((a, i) => {
      const s = input.scores[input.assets.indexOf(a)]!;
      expectClose(r.weights[i], (s < 0 ? -1 : 1) / 4, 1e-15);
    });
  });

  it("is deterministic given the seed and clock", async () => {
    const a = await optimizePortfolio(input, { seed: 3, topN: 8, clock: fakeClock(1) });
    const b = await optimizePortfolio(input, { seed: 3, topN: 8, clock: fakeClock(1) });
    expect(JSON.stringify(a)).to.equal(JSON.stringify(b));
  });

  it("falls back to the classical solver when QAOA exceeds the latency budget (fake clock)", async () => {
    const r = await optimizePortfolio(input, {
      seed: 3,
      topN: 8,
      latencyBudgetMs: 500,
      clock: fakeClock(1000),
    });
    expect(r.optimizer_meta.fallback).to.equal(true);
    expect(r.optimizer_meta.fallback_reason).to.match(/latency 1000\.0 ms > budget 500 ms/);
    expect(r.optimizer_meta.solver).to.equal("exact");
    const fast = await optimizePortfolio(input, {
      seed: 3,
      topN: 8,
      latencyBudgetMs: 500,
      minApproximationRatio: 0,
      clock: fakeClock(1),
    });
    expect(fast.optimizer_meta.fallback).to.equal(false);
    expect(fast.optimizer_meta.solver).to.equal("qaoa");
  });

  it("falls back when the approximation ratio is below the threshold and when the noise is too high", async () => {
    const strict = await optimizePortfolio(input, {
      seed: 3,
      topN: 8,
      minApproximationRatio: 1.01,
      clock: fakeClock(1),
    });
    expect(strict.optimizer_meta.fallback_reason).to.match(
      /approximation ratio .* < 1.01 against the exact bound/,
    );
    const exact = await optimizePortfolio(input, { solver: "exact", topN: 8, clock: fakeClock(1) });
    expect(strict.assets).to.deep.equal(exact.assets);
    const noisy = await optimizePortfolio(input, {
      seed: 3,
      topN: 8,
      minApproximationRatio: 0,
      qaoa: { p: 1, noise: { depolarizing2q: 0.05 } },
      clock: fakeClock(1),
    });
    expect(noisy.optimizer_meta.fallback).to.equal(true);
    expect(noisy.optimizer_meta.fallback_reason).to.match(/fidelity .*too noisy/);
  });

  it("falls back when the candidate set needs more qubits than allowed", async () => {
    const r = await optimizePortfolio(input, { topN: 10, qaoa: { maxQubits: 8 }, clock: fakeClock(1) });
    expect(r.optimizer_meta.fallback_reason).to.match(/needs 10 qubits > maxQubits 8/);
  });

  it("keeps forced-in assets through the top-N filter and honours forced-out ones", async () => {
    const weakest =
      input.assets[input.scores.map(Math.abs).indexOf(Math.min(...input.scores.map(Math.abs)))]!;
    const strongest =
      input.assets[input.scores.map(Math.abs).indexOf(Math.max(...input.scores.map(Math.abs)))]!;
    const r = await optimizePortfolio(
      { ...input, forceIn: [weakest], forceOut: [strongest] },
      { topN: 6, seed: 1, clock: fakeClock(1) },
    );
    expect(r.assets).to.include(weakest);
    expect(r.assets).to.not.include(strongest);
    expect(r.optimizer_meta.candidates).to.include(weakest);
  });

  it("mean-variance weighting and classical solvers produce consistent results", async () => {
    const mv = await optimizePortfolio(input, {
      solver: "annealing",
      topN: 16,
      weighting: "mean-variance",
      seed: 2,
    });
    expect(mv.optimizer_meta.solver).to.equal("annealing");
    expectClose(
      mv.weights.reduce((s, w) => s + Math.abs(w), 0),
      1,
      1e-9,
    );
    const eq = await optimizePortfolio(input, { solver: "annealing", topN: 16, seed: 2 });
    expect(mv.assets).to.deep.equal(eq.assets);
    expect(mv.objective).to.be.at.least(eq.objective - 1e-12);
  });

  it("rejects bad options and inputs with typed errors", async () => {
    let err: unknown;
    try {
      await optimizePortfolio({ ...input, k: 0 });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(OptimizerInputError);
    err = undefined;
    try {
      await optimizePortfolio(input, { topN: 0 });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(OptimizerInputError);
  });
});
