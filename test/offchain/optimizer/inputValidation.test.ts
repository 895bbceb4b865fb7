import { expect } from "chai";
import { buildProblem } from "../../../offchain/optimizer/buildProblem.js";
import { OptimizerInputError } from "../../../offchain/optimizer/errors.js";
import { optimizePortfolio } from "../../../offchain/optimizer/optimizePortfolio.js";
import type { OptimizeOptions } from "../../../offchain/optimizer/optimizePortfolio.js";
import { costDiagonal } from "../../../offchain/optimizer/costDiagonal.js";
import { QaoaSimulator } from "../../../offchain/optimizer/QaoaSimulator.js";
import type { MixerKind } from "../../../offchain/optimizer/QaoaSimulator.js";
import { runQaoa } from "../../../offchain/optimizer/runQaoa.js";
import { runVqe } from "../../../offchain/optimizer/runVqe.js";
import { toQubo } from "../../../offchain/optimizer/toQubo.js";
import { randomInput } from "./fixtures.js";

async function rejection(f: () => Promise<unknown>): Promise<unknown> {
  try {
    await f();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe("optimizer: inputs are never accepted silently", () => {
  const input = { ...randomInput(31, 10, false), k: 3 };

  it("refuses an unknown mixer name, listing the valid ones, at every level", async () => {
    const typo = "xy_ring" as MixerKind;
    const e = await rejection(() => optimizePortfolio(input, { topN: 6, qaoa: { mixer: typo } }));
    expect(e).to.be.instanceOf(OptimizerInputError);
    expect((e as Error).message).to.match(/"xy_ring".*x, xy-ring, xy-complete/);
    const qubo = toQubo(buildProblem(input).selection, { budgetPenalty: false });
    expect(() => runQaoa(qubo, { mixer: typo, p: 1 })).to.throw(OptimizerInputError, /xy-ring/);
    expect(() => new QaoaSimulator(costDiagonal(qubo), { mixer: typo, hammingWeight: 3 })).to.throw(
      OptimizerInputError,
      /xy-complete/,
    );
  });

  it("refuses non-finite, fractional and out-of-range numeric options with typed errors", async () => {
    const bad: OptimizeOptions[] = [
      { seed: 1.5 },
      { seed: NaN },
      { topN: NaN },
      { qaoa: { maxEvaluations: NaN } },
      { qaoa: { maxEvaluations: 0 } },
      { qaoa: { p: 1.5 } },
      { qaoa: { shots: -1 } },
      { qaoa: { threads: 0 } },
      { qaoa: { integerLevels: 1.5 } },
      { qaoa: { optimizer: "adam" as "spsa" } },
      { vqe: { iterations: NaN } },
      { vqe: { learningRate: NaN } },
      { vqe: { restarts: 0 } },
      { weighting: "risk-parity" as "equal" },
      { maxWeight: NaN },
      { solver: "qaoa", latencyBudget: 5 } as OptimizeOptions, // unknown key (typo)
    ];
    for (const options of bad) {
      const e = await rejection(() => optimizePortfolio(input, { topN: 6, ...options }));
      expect(e, JSON.stringify(options)).to.be.instanceOf(OptimizerInputError);
    }
    const qubo = toQubo(buildProblem(input).selection, { budgetPenalty: false });
    for (const o of [{ maxEvaluations: NaN }, { seed: 1.5 }, { seed: NaN }])
      expect(() => runQaoa(qubo, { mixer: "xy-ring", p: 1, ...o }), JSON.stringify(o)).to.throw(
        OptimizerInputError,
      );
    const penalised = toQubo(buildProblem(input).selection);
    for (const o of [{ seed: 1.5 }, { iterations: NaN }, { shots: 2.5 }])
      expect(() => runVqe(penalised, { iterations: 1, ...o }), JSON.stringify(o)).to.throw(
        OptimizerInputError,
      );
  });

  it("does not treat a zero-variance asset as riskless: floors its variance and says so", async () => {
    const returns = input.returns.map((row) => row.map((v, i) => (i === 2 ? 0 : v)));
    const p = buildProblem({ ...input, returns });
    const n = input.assets.length;
    let maxOther = 0;
    for (let i = 0; i < n; i++) if (i !== 2) maxOther = Math.max(maxOther, p.covariance[i * n + i]!);
    expect(p.covariance[2 * n + 2]).to.be.at.least(maxOther);
    expect(p.warnings.join("\n")).to.match(/A2.*zero variance/);
    const r = await optimizePortfolio({ ...input, returns }, { solver: "exact" });
    expect(r.optimizer_meta.warnings.join("\n")).to.match(/A2.*zero variance/);
    // Constant non-zero returns are no more informative than zeros.
    const constant = input.returns.map((row) => row.map((v, i) => (i === 4 ? 0.01 : v)));
    expect(buildProblem({ ...input, returns: constant }).warnings.join("\n")).to.match(/A4/);
  });

  it("flags returns with no variance at all (no risk information) instead of deciding silently", async () => {
    const flat = input.returns.map((row) => row.map(() => 0.001));
    expect(buildProblem({ ...input, returns: flat }).warnings.join("\n")).to.match(
      /no asset's returns vary.*scores alone/,
    );
    const r = await optimizePortfolio({ ...input, returns: flat }, { solver: "exact" });
    expect(r.assets).to.have.length(3);
    expect(r.optimizer_meta.warnings.join("\n")).to.match(/no asset's returns vary/);
  });

  it("runVqe with shots: 0 at 17 qubits picks the most probable state without overflowing the stack", () => {
    const big = { ...randomInput(3, 17, false), k: 5 };
    const qubo = toQubo(buildProblem(big).selection);
    expect(qubo.numVars).to.equal(17);
    const r = runVqe(qubo, { shots: 0, iterations: 0, restarts: 1, layers: 0, seed: 1 });
    expect(r.bits).to.be.within(0, 2 ** 17 - 1);
  });
});
