import { expect } from "chai";
import { expectClose } from "../../helpers/expectClose.js";
import QuantumCircuit from "quantum-circuit";
import { buildProblem } from "../../../offchain/optimizer/buildProblem.js";
import { buildQaoaCircuit, dickeCircuit } from "../../../offchain/optimizer/circuit.js";
import { costDiagonal } from "../../../offchain/optimizer/costDiagonal.js";
import { QaoaSimulator } from "../../../offchain/optimizer/QaoaSimulator.js";
import type { MixerKind } from "../../../offchain/optimizer/QaoaSimulator.js";
import { runQaoa } from "../../../offchain/optimizer/runQaoa.js";
import { toIsing } from "../../../offchain/optimizer/toIsing.js";
import { toQasm } from "../../../offchain/optimizer/toQasm.js";
import { toQubo } from "../../../offchain/optimizer/toQubo.js";
import { randomInput } from "./fixtures.js";

/** Probabilities from the independent `quantum-circuit` simulator after importing our QASM. */
function referenceProbabilities(qasm: string, n: number): Float64Array {
  const qc = new QuantumCircuit();
  const errors: unknown[] = [];
  qc.importQASM(qasm, (e) => errors.push(...e));
  expect(errors, JSON.stringify(errors)).to.deep.equal([]);
  qc.run();
  expect(qc.numQubits).to.equal(n);
  const p = new Float64Array(2 ** n);
  for (let i = 0; i < p.length; i++) {
    const a = qc.state[String(i)];
    if (a) p[i] = a.re * a.re + a.im * a.im;
  }
  return p;
}

function exportAndCompare(seed: number, n: number, k: number, mixer: MixerKind, withGroup: boolean): void {
  const input = { ...randomInput(seed, n, false), k };
  const problem = buildProblem(
    withGroup ? { ...input, groups: [{ name: "g", assets: input.assets.slice(0, 4), max: 2 }] } : input,
  );
  const qubo = toQubo(problem.selection, { budgetPenalty: mixer === "x" });
  const opt = runQaoa(qubo, { p: 2, mixer, seed, maxEvaluations: 80 });
  const sim = new QaoaSimulator(costDiagonal(qubo), {
    mixer,
    xyQubits: qubo.numDecision,
    hammingWeight: qubo.kFree,
  });
  sim.run(opt.gammas, opt.betas);
  const ours = sim.probabilities();
  const gates = buildQaoaCircuit({
    ising: toIsing(qubo),
    mixer,
    xyQubits: qubo.numDecision,
    hammingWeight: qubo.kFree,
    edges: sim.edges,
    gammas: opt.gammas,
    betas: opt.betas,
  });
  const qasm = toQasm(gates, qubo.numVars);
  expect(qasm).to.match(/^OPENQASM 2\.0;\ninclude "qelib1\.inc";\nqreg q\[\d+\];\ncreg c\[\d+\];/);
  expect(qasm).to.match(/measure q -> c;\n$/);
  const theirs = referenceProbabilities(qasm, qubo.numVars);
  let maxDiff = 0;
  for (let i = 0; i < ours.length; i++) maxDiff = Math.max(maxDiff, Math.abs(ours[i]! - theirs[i]!));
  expect(maxDiff).to.be.below(1e-6);
}

describe("optimizer: OpenQASM 2.0 export checked by the quantum-circuit simulator", () => {
  it("X-mixer QAOA circuit with optimised angles matches our probabilities", () => {
    exportAndCompare(41, 6, 3, "x", false);
  });

  it("XY-ring QAOA circuit from a Dicke state matches", () => {
    exportAndCompare(42, 6, 3, "xy-ring", false);
  });

  it("XY-complete circuit with group slack qubits matches", () => {
    exportAndCompare(43, 6, 3, "xy-complete", true);
  });

  it("the Dicke preparation gives equal weight to every k-subset", () => {
    const p = referenceProbabilities(toQasm(dickeCircuit(5, 2), 5, { measure: false }), 5);
    for (let i = 0; i < 32; i++) {
      const w = i.toString(2).split("1").length - 1;
      expectClose(p[i], w === 2 ? 0.1 : 0, 1e-9);
    }
  });
});
