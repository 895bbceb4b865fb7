import { expect } from "chai";
import { expectClose } from "../../helpers/expectClose.js";
import { buildProblem } from "../../../offchain/optimizer/buildProblem.js";
import { InfeasibleProblemError, OptimizerInputError } from "../../../offchain/optimizer/errors.js";
import { Rng } from "../../../offchain/optimizer/rng.js";
import { isFeasible } from "../../../offchain/optimizer/selectionCost.js";
import { solveAnnealing } from "../../../offchain/optimizer/solveAnnealing.js";
import { solveExact } from "../../../offchain/optimizer/solveExact.js";
import { solveGreedy } from "../../../offchain/optimizer/solveGreedy.js";
import { solveMeanVarianceQp } from "../../../offchain/optimizer/solveMeanVarianceQp.js";
import { randomInput } from "./fixtures.js";

describe("optimizer: classical solvers", () => {
  it("annealing and greedy return feasible portfolios; annealing matches exact on nearly all instances", () => {
    let tried = 0;
    let annealExact = 0;
    let greedyExact = 0;
    for (let seed = 400; seed < 460; seed++) {
      let sel;
      let exact;
      try {
        sel = buildProblem(randomInput(seed, 12)).selection;
        exact = solveExact(sel);
        solveGreedy(sel);
      } catch (e) {
        expect(e).to.be.instanceOf(InfeasibleProblemError);
        continue;
      }
      tried++;
      const sa = solveAnnealing(sel, { seed, sweeps: 200 });
      const gr = solveGreedy(sel);
      expect(isFeasible(sel, sa.x)).to.equal(true);
      expect(isFeasible(sel, gr.x)).to.equal(true);
      expect(sa.cost).to.be.at.least(exact.cost - 1e-15);
      expect(gr.cost).to.be.at.least(exact.cost - 1e-15);
      if (sa.cost - exact.cost < 1e-12) annealExact++;
      if (gr.cost - exact.cost < 1e-12) greedyExact++;
    }
    expect(tried).to.be.greaterThan(30);
    expect(annealExact / tried).to.be.at.least(0.95);
    expect(annealExact).to.be.at.least(greedyExact);
  });

  it("annealing is deterministic for a seed", () => {
    const sel = buildProblem({ ...randomInput(3, 25, false), k: 8 }).selection;
    expect(solveAnnealing(sel, { seed: 1 })).to.deep.equal(solveAnnealing(sel, { seed: 1 }));
  });

  it("mean-variance QP respects budget and bounds, follows score signs, and beats random feasible weights", () => {
    const problem = buildProblem({ ...randomInput(21, 6, false), mode: "long-short" });
    const { weights, objective } = solveMeanVarianceQp(problem, { maxWeight: 0.4 });
    let gross = 0;
    weights.forEach((w, i) => {
      gross += Math.abs(w);
      expect(Math.abs(w)).to.be.at.most(0.4 + 1e-9);
      if (Math.abs(w) > 1e-9) expect(Math.sign(w)).to.equal(problem.signs[i]);
    });
    expectClose(gross, 1, 1e-9);
    const rng = new Rng(4);
    const n = 6;
    for (let t = 0; t < 300; t++) {
      // random point of the feasible set: Dirichlet-ish weights, rejected if a bound is broken
      const v = Array.from({ length: n }, () => -Math.log(1 - rng.next()));
      const s = v.reduce((a, b) => a + b, 0);
      const w = v.map((x) => x / s);
      if (w.some((x) => x > 0.4)) continue;
      let obj = 0;
      for (let i = 0; i < n; i++) {
        obj += problem.alpha * problem.expectedReturns[i]! * w[i]!;
        for (let j = 0; j < n; j++) obj -= problem.beta * w[i]! * problem.covariance[i * n + j]! * w[j]!;
      }
      expect(objective).to.be.at.least(obj - 1e-12);
    }
  });

  it("QP reports impossible bounds and bad subsets with typed errors", () => {
    const problem = buildProblem(randomInput(22, 4, false));
    expect(() => solveMeanVarianceQp(problem, { maxWeight: 0.2 })).to.throw(
      InfeasibleProblemError,
      /cannot sum/,
    );
    expect(() => solveMeanVarianceQp(problem, { subset: [7] })).to.throw(OptimizerInputError, /out of range/);
  });
});
