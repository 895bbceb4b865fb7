import { expect } from "chai";
import { OptimizerInputError } from "../../../offchain/optimizer/errors.js";
import { optimizePortfolio } from "../../../offchain/optimizer/optimizePortfolio.js";
import type { OptimizeOptions } from "../../../offchain/optimizer/optimizePortfolio.js";
import type { QpuProvider } from "../../../offchain/optimizer/QpuProvider.js";
import { randomInput } from "./fixtures.js";

/** Fake clock: every read advances time by `step` ms. */
function fakeClock(step: number): () => number {
  let t = 0;
  return () => (t += step);
}

/** A provider whose every call fails with `error` (a transport bug, not a typed QpuError). */
function failingProvider(error: Error): QpuProvider {
  const fail = (): Promise<never> => Promise.reject(error);
  return { name: "flaky", submit: fail, status: fail, result: fail, cancel: fail, estimateCost: () => 0 };
}

async function rejection(f: () => Promise<unknown>): Promise<unknown> {
  try {
    await f();
  } catch (e) {
    return e;
  }
  throw new Error("expected a rejection");
}

describe("optimizer: circuit breaker never returns worse than known, never escapes", () => {
  const input = { ...randomInput(31, 16, false), k: 4, mode: "long-short" as const };

  it("never replaces a better exact optimum with a QAOA answer that merely passes the ratio", async () => {
    const exact = await optimizePortfolio(input, { solver: "exact", topN: 8 });
    let worseQaoa = 0;
    for (let seed = 0; seed < 12; seed++) {
      const r = await optimizePortfolio(input, {
        seed,
        topN: 8,
        minApproximationRatio: 0,
        qaoa: { p: 1, shots: 1, maxEvaluations: 4 },
        clock: fakeClock(1),
      });
      const m = r.optimizer_meta;
      if (m.approximation_ratio! < 1 - 1e-9) {
        worseQaoa++;
        expect(m.solver, `seed ${seed}`).to.equal("exact");
        expect(m.fallback).to.equal(true);
        expect(m.fallback_reason).to.match(/worse than the exact optimum/);
      }
      expect(r.objective, `seed ${seed}`).to.be.at.least(exact.objective - 1e-12);
    }
    expect(worseQaoa, "some QAOA answers must be suboptimal for this test to mean anything").to.be.above(0);
  });

  it("enforces the latency budget during the QAOA run, not after it", async () => {
    // The fake clock advances 1 ms per read: a budget of 5 ms is spent after a few evaluations.
    const r = await optimizePortfolio(input, { seed: 3, topN: 8, latencyBudgetMs: 5, clock: fakeClock(1) });
    const m = r.optimizer_meta;
    expect(m.fallback).to.equal(true);
    expect(m.solver).to.equal("exact");
    expect(m.fallback_reason).to.match(/latency .* > budget 5 ms.*stopped/);
    expect(m.evaluations).to.be.at.most(5);
    const vqe = await optimizePortfolio(input, {
      solver: "vqe",
      seed: 3,
      topN: 6,
      latencyBudgetMs: 5,
      clock: fakeClock(1),
    });
    expect(vqe.optimizer_meta.fallback_reason).to.match(/latency .* > budget 5 ms.*stopped/);
  });

  it("falls back, with the reason, when the QPU provider throws a plain Error or a RangeError", async () => {
    for (const error of [new Error("socket hang up"), new RangeError("Invalid array length")]) {
      const r = await optimizePortfolio(input, {
        seed: 1,
        topN: 6,
        qpu: { provider: failingProvider(error), timeoutMs: 1000, costBudget: 1, retries: 0 },
        clock: fakeClock(1),
      });
      expect(r.optimizer_meta.fallback).to.equal(true);
      expect(r.optimizer_meta.solver).to.equal("exact");
      expect(r.optimizer_meta.fallback_reason).to.include(`${error.name}: ${error.message}`);
    }
  });

  it("falls back when the simulator cannot allocate its state (RangeError from SharedArrayBuffer)", async () => {
    const original = globalThis.SharedArrayBuffer;
    globalThis.SharedArrayBuffer = function () {
      throw new RangeError("Array buffer allocation failed");
    } as unknown as SharedArrayBufferConstructor;
    try {
      const r = await optimizePortfolio(input, {
        seed: 1,
        topN: 14,
        qaoa: { threads: 2, p: 1 },
        clock: fakeClock(1),
      });
      expect(r.optimizer_meta.fallback).to.equal(true);
      expect(r.optimizer_meta.fallback_reason).to.include("RangeError: Array buffer allocation failed");
      expect(r.assets).to.have.length(4);
    } finally {
      globalThis.SharedArrayBuffer = original;
    }
  });

  it("falls back when maxQubits is above what the simulator can hold", async () => {
    const big = { ...randomInput(7, 28, false), k: 3 };
    const r = await optimizePortfolio(big, { topN: 28, qaoa: { maxQubits: 30 }, clock: fakeClock(1) });
    expect(r.optimizer_meta.fallback).to.equal(true);
    expect(r.optimizer_meta.fallback_reason).to.match(/28 qubits > .*26/);
  });

  it("refuses non-finite or out-of-range breaker thresholds with typed errors", async () => {
    const bad: OptimizeOptions[] = [
      { latencyBudgetMs: NaN },
      { latencyBudgetMs: Infinity },
      { latencyBudgetMs: -1 },
      { minApproximationRatio: NaN },
      { minFidelity: NaN },
      { minFidelity: 1.5 },
      { qaoa: { maxQubits: NaN } },
      { qaoa: { maxQubits: 2.5 } },
    ];
    for (const options of bad) {
      const e = await rejection(() => optimizePortfolio(input, { topN: 6, ...options }));
      expect(e, JSON.stringify(options)).to.be.instanceOf(OptimizerInputError);
    }
  });
});
