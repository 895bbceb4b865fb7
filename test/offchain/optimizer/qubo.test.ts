import { expect } from "chai";
import { expectClose } from "../../helpers/expectClose.js";
import { buildProblem } from "../../../offchain/optimizer/buildProblem.js";
import { costDiagonal, compressDiagonal } from "../../../offchain/optimizer/costDiagonal.js";
import { InfeasibleProblemError, OptimizerInputError } from "../../../offchain/optimizer/errors.js";
import { integerScaledQubo } from "../../../offchain/optimizer/integerScaledQubo.js";
import { isFeasible, selectionCost } from "../../../offchain/optimizer/selectionCost.js";
import { solveExact } from "../../../offchain/optimizer/solveExact.js";
import { popcount } from "../../../offchain/optimizer/QaoaSimulator.js";
import { isingEnergy, toIsing } from "../../../offchain/optimizer/toIsing.js";
import { decodeQubo, quboEnergy, toQubo } from "../../../offchain/optimizer/toQubo.js";
import { randomInput } from "./fixtures.js";

function argmin(a: Float64Array): number {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i]! < a[best]!) best = i;
  return best;
}

describe("optimizer: problem translation, QUBO and Ising", () => {
  it("QUBO ground state equals the brute-force constrained optimum on 150 random instances", () => {
    let withSlack = 0;
    let infeasible = 0;
    for (let seed = 1; seed <= 150; seed++) {
      const n = 3 + (seed % 8);
      let problem;
      try {
        problem = buildProblem(randomInput(seed, n));
      } catch (e) {
        expect(e).to.be.instanceOf(InfeasibleProblemError);
        infeasible++;
        continue;
      }
      const sel = problem.selection;
      let exact;
      try {
        exact = solveExact(sel);
      } catch (e) {
        expect(e).to.be.instanceOf(InfeasibleProblemError);
        infeasible++;
        continue;
      }
      const qubo = toQubo(sel);
      if (qubo.numVars > qubo.numDecision) withSlack++;
      const diag = costDiagonal(qubo);
      const ground = argmin(diag);
      const x = decodeQubo(qubo, n, ground);
      expect(isFeasible(sel, x), `seed ${seed}: ground state infeasible`).to.equal(true);
      expectClose(selectionCost(sel, x), exact.cost, 1e-12);
      expectClose(diag[ground], exact.cost, 1e-12);
    }
    expect(infeasible).to.be.lessThan(40);
    expect(withSlack).to.be.greaterThan(5); // the slack-bit encoding was exercised
  });

  it("Gray-code diagonal, direct QUBO energy and Ising energy agree on every basis state", () => {
    for (let seed = 200; seed < 220; seed++) {
      const problem = buildProblem(randomInput(seed, 7, false));
      const qubo = toQubo(problem.selection);
      const ising = toIsing(qubo);
      const diag = costDiagonal(qubo);
      for (let b = 0; b < diag.length; b++) {
        expectClose(diag[b], quboEnergy(qubo, b), 1e-12);
        expectClose(isingEnergy(ising, b), diag[b]!, 1e-12);
      }
    }
  });

  it("integer-scaled QUBO has an integral spectrum, compresses to levels, and its ground state is feasible", () => {
    for (let seed = 300; seed < 330; seed++) {
      let problem;
      try {
        problem = buildProblem(randomInput(seed, 8));
        solveExact(problem.selection);
      } catch {
        continue; // infeasible instance
      }
      const qubo = toQubo(problem.selection, { integerLevels: 200 });
      const diag = costDiagonal(qubo);
      const lv = compressDiagonal(diag);
      expect(lv).to.not.equal(undefined);
      for (let b = 0; b < diag.length; b += 7) expect(lv!.levels[lv!.index[b]!]).to.equal(diag[b]);
      const x = decodeQubo(qubo, 8, argmin(diag));
      expect(isFeasible(problem.selection, x)).to.equal(true);
    }
  });

  it("long-short mode flips short assets so their expected return is positive", () => {
    const input = { ...randomInput(7, 5, false), mode: "long-short" as const, scores: [1, -2, 0.5, -0.1, 0] };
    const p = buildProblem(input);
    expect(Array.from(p.signs)).to.deep.equal([1, -1, 1, -1, 1]);
    for (const m of p.expectedReturns) expect(m).to.be.at.least(0);
    const longOnly = buildProblem({ ...input, mode: "long-only" });
    expect(longOnly.expectedReturns[1]).to.be.below(0);
  });

  it("rejects bad input with typed errors that say what to fix", () => {
    const ok = randomInput(9, 4, false);
    expect(() => buildProblem({ ...ok, scores: [1, NaN, 0, 0] })).to.throw(OptimizerInputError, /finite/);
    expect(() => buildProblem({ ...ok, k: 5 })).to.throw(OptimizerInputError, /k must be/);
    expect(() => buildProblem({ ...ok, assets: [], scores: [] })).to.throw(OptimizerInputError, /empty/);
    expect(() => buildProblem({ ...ok, scores: [1, 2] })).to.throw(OptimizerInputError, /one per asset/);
    expect(() => buildProblem({ ...ok, forceIn: ["nope"] })).to.throw(OptimizerInputError, /unknown asset/);
    expect(() => buildProblem({ ...ok, k: 1, forceIn: ["A0", "A1"] })).to.throw(InfeasibleProblemError);
    const returns = ok.returns.map((r) => [...r]);
    returns[3]![2] = Infinity;
    expect(() => buildProblem({ ...ok, returns })).to.throw(OptimizerInputError, /returns\[3\]\[2\]/);
  });

  it("auto integer scaling keeps the ground state, and falls back to the real QUBO when rounding would lose it", () => {
    for (let seed = 60; seed < 70; seed++) {
      const sel = buildProblem({ ...randomInput(seed, 9, false), k: 3 }).selection;
      for (const budgetPenalty of [true, false]) {
        const { qubo, integer } = integerScaledQubo(sel, { budgetPenalty });
        expect(integer).to.equal(true);
        expect(qubo.energyScale).to.be.above(1);
        const diag = costDiagonal(qubo);
        let best = -1;
        for (let i = 0; i < diag.length; i++)
          if ((budgetPenalty || popcount(i) === 3) && (best < 0 || diag[i]! < diag[best]!)) best = i;
        const x = decodeQubo(qubo, sel.n, best);
        expectClose(selectionCost(sel, x), solveExact(sel).cost, 1e-12);
      }
    }
    // Two assets 1e-6 apart in a range of ~1: 16 levels cannot tell them apart.
    const sel = {
      n: 4,
      k: 1,
      linear: Float64Array.from([-1, -1 + 1e-6, 0, 0.5]),
      quadratic: new Float64Array(16),
      fixed: new Int8Array(4).fill(-1),
      groups: [],
    };
    const coarse = integerScaledQubo(sel, { budgetPenalty: false, levels: 16 });
    expect(coarse.integer).to.equal(false);
    expect(coarse.qubo.energyScale).to.equal(1);
    expect(integerScaledQubo(sel, { budgetPenalty: false, levels: 1e8 }).integer).to.equal(true);
  });
});
