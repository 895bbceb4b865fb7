import { expect } from "chai";
import { expectClose } from "../../helpers/expectClose.js";
import { buildProblem } from "../../../offchain/optimizer/buildProblem.js";
import { buildQaoaCircuit } from "../../../offchain/optimizer/circuit.js";
import { costDiagonal } from "../../../offchain/optimizer/costDiagonal.js";
import { OptimizerInputError } from "../../../offchain/optimizer/errors.js";
import { nelderMead } from "../../../offchain/optimizer/nelderMead.js";
import { QaoaSimulator, popcount } from "../../../offchain/optimizer/QaoaSimulator.js";
import type { MixerKind } from "../../../offchain/optimizer/QaoaSimulator.js";
import { interpolate, runQaoa } from "../../../offchain/optimizer/runQaoa.js";
import { spsa } from "../../../offchain/optimizer/spsa.js";
import { toIsing } from "../../../offchain/optimizer/toIsing.js";
import { toQubo } from "../../../offchain/optimizer/toQubo.js";
import { randomInput } from "./fixtures.js";
import { simulateGates } from "./referenceSimulator.js";

const gammas = [0.37, -0.81];
const betas = [0.66, 0.29];

function compareWithReference(
  seed: number,
  n: number,
  mixer: MixerKind,
  integerLevels?: number,
  withGroup = false,
): number {
  const input = { ...randomInput(seed, n, false), k: Math.floor(n / 2) };
  const problem = buildProblem(
    withGroup ? { ...input, groups: [{ name: "g", assets: input.assets.slice(0, 5), max: 2 }] } : input,
  );
  const qubo = toQubo(problem.selection, { budgetPenalty: mixer === "x", integerLevels });
  // Energies are O(1e-4) in raw units; scale γ so the phases are O(1) and the test is sharp.
  const diag = costDiagonal(qubo);
  let spread = 0;
  for (const e of diag) spread = Math.max(spread, Math.abs(e));
  const g = gammas.map((x) => (x * 3) / spread);
  const sim = new QaoaSimulator(diag, { mixer, xyQubits: qubo.numDecision, hammingWeight: qubo.kFree });
  sim.run(g, betas);
  const gates = buildQaoaCircuit({
    ising: toIsing(qubo),
    mixer,
    xyQubits: qubo.numDecision,
    hammingWeight: qubo.kFree,
    edges: sim.edges,
    gammas: g,
    betas,
  });
  const ref = simulateGates(gates, qubo.numVars);
  let maxDiff = 0;
  let norm = 0;
  for (let i = 0; i < sim.size; i++) {
    const p = sim.re[i]! ** 2 + sim.im[i]! ** 2;
    norm += p;
    maxDiff = Math.max(maxDiff, Math.abs(p - (ref.re[i]! ** 2 + ref.im[i]! ** 2)));
  }
  expectClose(norm, 1, 1e-10);
  return maxDiff;
}

describe("optimizer: QAOA statevector simulator", () => {
  it("fused X-mixer layers match a gate-by-gate reference (n = 13 and 14, dense and level diagonals)", () => {
    expect(compareWithReference(1, 13, "x")).to.be.below(1e-12);
    expect(compareWithReference(2, 14, "x")).to.be.below(1e-12);
    expect(compareWithReference(3, 14, "x", 500)).to.be.below(1e-12);
  });

  it("XY ring and complete mixers from a Dicke state match the reference, slack qubits included", () => {
    expect(compareWithReference(4, 8, "xy-ring")).to.be.below(1e-12);
    expect(compareWithReference(5, 7, "xy-complete")).to.be.below(1e-12);
    expect(compareWithReference(6, 8, "xy-ring", undefined, true)).to.be.below(1e-12);
    expect(compareWithReference(7, 8, "xy-ring", 300)).to.be.below(1e-12);
    expect(compareWithReference(9, 14, "xy-ring", 300)).to.be.below(1e-12);
    expect(compareWithReference(10, 13, "xy-ring")).to.be.below(1e-12);
  });

  it("XY mixer keeps all probability on portfolios of exactly k assets", () => {
    const qubo = toQubo(buildProblem({ ...randomInput(8, 9, false), k: 4 }).selection, {
      budgetPenalty: false,
    });
    const sim = new QaoaSimulator(costDiagonal(qubo), { mixer: "xy-ring", hammingWeight: 4 });
    sim.run([1e4, -3e4, 2e4], [0.3, 0.9, 1.4]);
    const probs = sim.probabilities();
    let outside = 0;
    probs.forEach((p, i) => {
      if (popcount(i) !== 4) outside += p;
    });
    expect(outside).to.be.below(1e-15);
  });

  it("runQaoa is bit-identical for a seed, improves with depth, and beats random sampling", () => {
    const problem = buildProblem({ ...randomInput(11, 8, false), k: 3 });
    const qubo = toQubo(problem.selection);
    const a = runQaoa(qubo, { p: 3, seed: 5, shots: 256 });
    const b = runQaoa(qubo, { p: 3, seed: 5, shots: 256 });
    expect(a).to.deep.equal(b);
    expect(a.depthHistory[2]!).to.be.at.most(a.depthHistory[0]! + 1e-15);
    // Probability of the optimum beats uniform sampling of all 256 bitstrings at least twofold.
    expect(a.groundProbability).to.be.greaterThan(2 / 256);
    expectClose(a.energy, a.groundEnergy, 1e-12);
  });

  it("XY mixer reaches the same optimum and on average beats uniform sampling of feasible portfolios", () => {
    let mean = 0;
    for (let seed = 11; seed < 16; seed++) {
      const problem = buildProblem({ ...randomInput(seed, 8, false), k: 3 });
      const x = runQaoa(toQubo(problem.selection), { p: 1, seed: 1 });
      const xy = runQaoa(toQubo(problem.selection, { budgetPenalty: false }), {
        p: 3,
        seed: 1,
        mixer: "xy-ring",
      });
      expectClose(xy.groundEnergy, x.groundEnergy, 1e-12);
      mean += xy.groundProbability / 5;
    }
    expect(mean).to.be.greaterThan(2 / 56); // C(8,3) = 56 feasible portfolios
  });

  it("noise lowers fidelity and the probability of the optimum; SPSA also runs deterministically", () => {
    const qubo = toQubo(buildProblem({ ...randomInput(13, 7, false), k: 3 }).selection);
    const clean = runQaoa(qubo, { p: 2, seed: 2 });
    const noisy = runQaoa(qubo, {
      p: 2,
      seed: 2,
      noise: { depolarizing1q: 0.001, depolarizing2q: 0.01, readout: 0.02 },
    });
    expect(clean.fidelity).to.equal(1);
    expect(noisy.fidelity).to.be.below(0.8);
    expect(noisy.groundProbability).to.be.below(clean.groundProbability);
    const s1 = runQaoa(qubo, { p: 2, seed: 2, optimizer: "spsa", maxEvaluations: 120 });
    const s2 = runQaoa(qubo, { p: 2, seed: 2, optimizer: "spsa", maxEvaluations: 120 });
    expect(s1).to.deep.equal(s2);
  });

  it("warm start from given angles skips the grid and interpolation extends the schedule", () => {
    expect(interpolate([1, 2, 10, 20])).to.deep.equal([1, 1.5, 2, 10, 15, 20]);
    const qubo = toQubo(buildProblem({ ...randomInput(14, 6, false), k: 2 }).selection);
    const cold = runQaoa(qubo, { p: 1, seed: 3 });
    const warm = runQaoa(qubo, { p: 1, seed: 3, initialAngles: { gammas: cold.gammas, betas: cold.betas } });
    expect(warm.evaluations).to.be.below(cold.evaluations);
    expect(warm.expectation).to.be.at.most(cold.expectation + 1e-12);
  });

  it("rejects inconsistent configuration", () => {
    const qubo = toQubo(buildProblem({ ...randomInput(15, 5, false), k: 2 }).selection);
    expect(() => runQaoa(qubo, { mixer: "xy-ring" })).to.throw(OptimizerInputError, /budgetPenalty/);
    expect(() => runQaoa(qubo, { p: 0 })).to.throw(OptimizerInputError, /p must be/);
    expect(() => runQaoa(qubo, { noise: { readout: 2 } })).to.throw(OptimizerInputError, /probability/);
    expect(() => new QaoaSimulator(new Float64Array(6))).to.throw(OptimizerInputError, /power of two/);
  });
});

describe("optimizer: angle optimisers", () => {
  it("Nelder–Mead finds the Rosenbrock minimum", () => {
    const r = nelderMead(([a, b]) => (1 - a!) ** 2 + 100 * (b! - a! * a!) ** 2, [-1.2, 1], {
      maxEvaluations: 2000,
    });
    expectClose(r.x[0], 1, 1e-3);
    expectClose(r.x[1], 1, 1e-3);
  });

  it("SPSA gets close to a quadratic's minimum", () => {
    const r = spsa(([a, b]) => (a! - 0.5) ** 2 + (b! + 0.3) ** 2, [0, 0], {
      seed: 9,
      iterations: 400,
      a: 0.5,
    });
    expectClose(r.x[0], 0.5, 0.05);
    expectClose(r.x[1], -0.3, 0.05);
  });
});
