import { expect } from "chai";
import { buildProblem } from "../../../offchain/optimizer/buildProblem.js";
import { OptimizerInputError } from "../../../offchain/optimizer/errors.js";
import { optimizePortfolio } from "../../../offchain/optimizer/optimizePortfolio.js";
import { isFeasible } from "../../../offchain/optimizer/selectionCost.js";
import { solveExact } from "../../../offchain/optimizer/solveExact.js";
import { runVqe } from "../../../offchain/optimizer/runVqe.js";
import { decodeQubo, toQubo } from "../../../offchain/optimizer/toQubo.js";
import { randomInput } from "./fixtures.js";

describe("optimizer: VQE with a hardware-efficient ansatz", () => {
  it("lowers the energy, samples a feasible near-optimal portfolio, and is deterministic", () => {
    let hits = 0;
    for (let seed = 60; seed < 64; seed++) {
      const problem = buildProblem({ ...randomInput(seed, 7, false), k: 3 });
      const qubo = toQubo(problem.selection);
      const r = runVqe(qubo, { layers: 2, seed, iterations: 60, restarts: 2 });
      expect(r.history.at(-1)!).to.be.below(r.history[0]!);
      const x = decodeQubo(qubo, 7, r.bits);
      expect(isFeasible(problem.selection, x)).to.equal(true);
      if (Math.abs(r.energy - solveExact(problem.selection).cost) < 1e-12) hits++;
      if (seed === 60)
        expect(runVqe(qubo, { layers: 2, seed, iterations: 60, restarts: 2 })).to.deep.equal(r);
    }
    expect(hits).to.be.at.least(3);
  });

  it("runs as an orchestrator solver with the same circuit breaker", async () => {
    const input = { ...randomInput(66, 8, false), k: 3 };
    const r = await optimizePortfolio(input, {
      solver: "vqe",
      seed: 4,
      vqe: { iterations: 40 },
      minApproximationRatio: 1.01,
    });
    expect(r.optimizer_meta.fallback).to.equal(true);
    expect(r.optimizer_meta.fallback_reason).to.match(/approximation ratio/);
    expect(r.optimizer_meta.p).to.equal(2);
  });

  it("needs the budget penalty in the QUBO", () => {
    const qubo = toQubo(buildProblem(randomInput(65, 5, false)).selection, { budgetPenalty: false });
    expect(() => runVqe(qubo)).to.throw(OptimizerInputError, /budgetPenalty/);
  });
});
