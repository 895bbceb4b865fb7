import { expect } from "chai";
import fc from "fast-check";
import { buildProblem } from "../../../offchain/optimizer/buildProblem.js";
import type { PortfolioInput } from "../../../offchain/optimizer/buildProblem.js";
import { InfeasibleProblemError } from "../../../offchain/optimizer/errors.js";
import { optimizePortfolio } from "../../../offchain/optimizer/optimizePortfolio.js";
import { isFeasible } from "../../../offchain/optimizer/selectionCost.js";
import { solveAnnealing } from "../../../offchain/optimizer/solveAnnealing.js";
import { solveGreedy } from "../../../offchain/optimizer/solveGreedy.js";
import type { SelectionProblem } from "../../../offchain/optimizer/types.js";
import { Rng } from "../../../offchain/optimizer/rng.js";
import { syntheticReturns } from "./fixtures.js";

/**
 * 24 assets; "sector" = A0..A11 and "region" = A0..A5 ∪ A12..A17, each at most 4. A0..A5 score
 * best and sit in both groups, so greedy fills both groups with them and is stuck at 4 + 6
 * ungrouped = 10 < k = 12, although 4 + 4 + 6 = 14 assets can be held together.
 */
function overlappingGroupsInput(): PortfolioInput {
  const n = 24;
  const assets = Array.from({ length: n }, (_, i) => `A${i}`);
  const scores = assets.map((_, i) => (i < 6 ? 3 - i * 0.01 : i >= 18 ? 1 - i * 0.01 : 0.5 - i * 0.01));
  return {
    assets,
    scores,
    returns: syntheticReturns(new Rng(5), 60, n),
    k: 12,
    alpha: 1,
    beta: 0.1,
    groups: [
      { name: "sector", assets: assets.slice(0, 12), max: 4 },
      { name: "region", assets: [...assets.slice(0, 6), ...assets.slice(12, 18)], max: 4 },
    ],
  };
}

/** Brute force over all 2^n selections: is any feasible? */
function bruteFeasible(p: SelectionProblem): boolean {
  const x = new Uint8Array(p.n);
  for (let mask = 0; mask < 2 ** p.n; mask++) {
    for (let i = 0; i < p.n; i++) x[i] = (mask >>> i) & 1;
    if (isFeasible(p, x)) return true;
  }
  return false;
}

/** Random selection problems with overlapping group limits and forced assets. */
const selectionProblem = fc
  .record({
    n: fc.integer({ min: 2, max: 11 }),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    groups: fc.integer({ min: 0, max: 5 }),
  })
  .map(({ n, seed, groups }): SelectionProblem => {
    const rng = new Rng(seed);
    const k = 1 + rng.int(n);
    const fixed = new Int8Array(n).fill(-1);
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      if (u < 0.1) fixed[i] = 1;
      else if (u < 0.2) fixed[i] = 0;
    }
    const gs = Array.from({ length: groups }, (_, g) => {
      const members = Array.from({ length: n }, (_, i) => i).filter(() => rng.next() < 0.5);
      return { name: `g${g}`, members, max: rng.int(Math.max(1, members.length)) };
    });
    const linear = Float64Array.from({ length: n }, () => rng.normal());
    const quadratic = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = i + 1; j < n; j++) quadratic[i * n + j] = quadratic[j * n + i] = 0.3 * rng.normal();
    return { n, k, linear, quadratic, fixed, groups: gs };
  });

describe("optimizer: a feasible problem is never declared infeasible", () => {
  it("greedy and annealing complete the overlapping-groups portfolio greedy used to get stuck on", () => {
    const sel = buildProblem(overlappingGroupsInput()).selection;
    for (const r of [solveGreedy(sel), solveAnnealing(sel, { seed: 1 })]) {
      expect(isFeasible(sel, r.x)).to.equal(true);
      expect(r.x.reduce((s, v) => s + v, 0)).to.equal(12);
    }
  });

  it("the default solver answers it (C(24, 12) > 300k, so the bound comes from annealing)", async () => {
    const input = overlappingGroupsInput();
    const r = await optimizePortfolio(input, { topN: 24, seed: 2 });
    expect(r.assets).to.have.length(12);
    expect(r.optimizer_meta.bound_solver).to.equal("annealing");
    const sector = new Set(input.groups![0]!.assets);
    const region = new Set(input.groups![1]!.assets);
    expect(r.assets.filter((a) => sector.has(a)).length).to.be.at.most(4);
    expect(r.assets.filter((a) => region.has(a)).length).to.be.at.most(4);
  });

  it("the top-N filter keeps a feasible candidate set (the 12 best scores alone are infeasible)", async () => {
    const input = overlappingGroupsInput();
    for (const solver of ["qaoa", "exact", "annealing", "greedy"] as const) {
      const r = await optimizePortfolio(input, { solver, seed: 2 });
      expect(r.assets, solver).to.have.length(12);
    }
  });

  it("property: greedy and annealing return a feasible portfolio exactly when one exists", () => {
    fc.assert(
      fc.property(selectionProblem, (p) => {
        const feasible = bruteFeasible(p);
        for (const solve of [() => solveGreedy(p), () => solveAnnealing(p, { seed: 3, sweeps: 20 })]) {
          if (feasible) {
            const r = solve();
            expect(isFeasible(p, r.x)).to.equal(true);
          } else expect(solve).to.throw(InfeasibleProblemError);
        }
      }),
      { numRuns: 400, seed: 11 },
    );
  });

  it("property: optimizePortfolio answers every feasible portfolio problem whatever topN", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.integer({ min: 4, max: 10 }),
        fc.integer({ min: 1, max: 10 }),
        async (seed, n, topN) => {
          const rng = new Rng(seed);
          const assets = Array.from({ length: n }, (_, i) => `A${i}`);
          const groups = Array.from({ length: 1 + rng.int(3) }, (_, g) => ({
            name: `g${g}`,
            assets: assets.filter(() => rng.next() < 0.5),
            max: rng.int(3),
          }));
          const input: PortfolioInput = {
            assets,
            scores: assets.map(() => rng.normal()),
            returns: syntheticReturns(rng, 30, n),
            k: 1 + rng.int(n),
            groups,
          };
          let full: SelectionProblem;
          try {
            full = buildProblem(input).selection;
          } catch {
            return; // refused before any solver runs (not this property's concern)
          }
          if (!bruteFeasible(full)) return;
          for (const solver of ["exact", "annealing", "greedy"] as const) {
            const r = await optimizePortfolio(input, { solver, topN, seed: 1 });
            const x = Uint8Array.from(assets, (a) => (r.assets.includes(a) ? 1 : 0));
            expect(isFeasible(full, x), `${solver} topN ${topN}`).to.equal(true);
          }
        },
      ),
      { numRuns: 150, seed: 12 },
    );
  });
});
