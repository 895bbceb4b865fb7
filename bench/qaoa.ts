// QAOA simulator benchmark: time per expectation evaluation, memory per amplitude, comparison
// with the `quantum-circuit` npm simulator on the same exported circuits, and a full angle
// optimisation at n = 20, p = 3. Run: npm run bench:qaoa  (results also go to bench/results/).
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import QuantumCircuit from "quantum-circuit";
import { buildQaoaCircuit } from "../offchain/optimizer/circuit.js";
import { costDiagonal } from "../offchain/optimizer/costDiagonal.js";
import { QaoaSimulator } from "../offchain/optimizer/QaoaSimulator.js";
import { runQaoa } from "../offchain/optimizer/runQaoa.js";
import { toIsing } from "../offchain/optimizer/toIsing.js";
import { toQasm } from "../offchain/optimizer/toQasm.js";
import { toQubo } from "../offchain/optimizer/toQubo.js";
import { syntheticProblem } from "./syntheticProblem.js";

interface Row {
  n: number;
  p: number;
  diagonal: string;
  evalMs: number;
  diagMs: number;
  bytesPerAmplitude: number;
  quantumCircuitMs?: number;
  ratio?: number;
}

const rows: Row[] = [];
const angles = (p: number): { gammas: number[]; betas: number[] } => ({
  gammas: Array.from({ length: p }, (_, i) => 0.01 * (i + 1)),
  betas: Array.from({ length: p }, (_, i) => 0.6 - 0.1 * i),
});

function timeEval(sim: QaoaSimulator, p: number, minMs: number): number {
  const { gammas, betas } = angles(p);
  sim.evaluate(gammas, betas); // warm-up (JIT)
  let reps = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < minMs || reps < 3) {
    sim.evaluate(gammas, betas);
    reps++;
    t = performance.now();
  }
  return (t - t0) / reps;
}

console.log(`node ${process.version}, ${cpus()[0]?.model ?? "cpu"}, single thread`);
console.log("n  p  diagonal         eval ms   diag ms  bytes/amp  quantum-circuit ms  speed-up");
for (const n of [12, 16, 20, 22]) {
  const problem = syntheticProblem(n, n, Math.floor(n / 2));
  for (const diagonal of ["real", "integer-levels"] as const) {
    const qubo = toQubo(problem.selection, diagonal === "real" ? {} : { integerLevels: 4096 });
    const before = process.memoryUsage().arrayBuffers;
    const t0 = performance.now();
    const diag = costDiagonal(qubo);
    const diagMs = performance.now() - t0;
    const sim = new QaoaSimulator(diag, { mixer: "x" });
    const measuredBytes = (process.memoryUsage().arrayBuffers - before) / sim.size;
    for (const p of [1, 3]) {
      const row: Row = {
        n,
        p,
        diagonal: sim.bytesPerAmplitude === 18 ? "integer-levels" : "real",
        evalMs: timeEval(sim, p, n >= 20 ? 1500 : 500),
        diagMs,
        bytesPerAmplitude: sim.bytesPerAmplitude,
      };
      // quantum-circuit on the same circuit (n ≤ 16 only, and p = 3 only where it stays short)
      if (diagonal === "real" && (n === 12 || (n === 16 && p === 1))) {
        const { gammas, betas } = angles(p);
        const qasm = toQasm(buildQaoaCircuit({ ising: toIsing(qubo), mixer: "x", gammas, betas }), n, {
          measure: false,
        });
        const qc = new QuantumCircuit();
        qc.importQASM(qasm, () => undefined);
        const q0 = performance.now();
        qc.run();
        row.quantumCircuitMs = performance.now() - q0;
        row.ratio = row.quantumCircuitMs / row.evalMs;
      }
      rows.push(row);
      console.log(
        `${String(n).padEnd(3)}${String(p).padEnd(3)}${row.diagonal.padEnd(17)}${row.evalMs.toFixed(2).padStart(8)}` +
          `${diagMs.toFixed(1).padStart(10)}${String(row.bytesPerAmplitude).padStart(11)}` +
          `${row.quantumCircuitMs === undefined ? "" : row.quantumCircuitMs.toFixed(0).padStart(20)}` +
          `${row.ratio === undefined ? "" : (row.ratio.toFixed(0) + "×").padStart(10)}` +
          (p === 1 ? `   (measured ArrayBuffer growth ${measuredBytes.toFixed(1)} B/amp)` : ""),
      );
    }
  }
}

// Full angle optimisation: grid + Nelder–Mead at p = 1, INTERP warm starts to p = 3.
const full: {
  n: number;
  p: number;
  diagonal: string;
  seconds: number;
  evaluations: number;
  groundProbability: number;
}[] = [];
for (const integerLevels of [undefined, 4096]) {
  const problem = syntheticProblem(20, 20, 10);
  const qubo = toQubo(problem.selection, { budgetPenalty: false, integerLevels });
  const t0 = performance.now();
  const r = runQaoa(qubo, { p: 3, mixer: "xy-ring", seed: 1, maxEvaluations: 60 });
  const seconds = (performance.now() - t0) / 1000;
  full.push({
    n: 20,
    p: 3,
    diagonal: integerLevels ? "integer-levels" : "real",
    seconds,
    evaluations: r.evaluations,
    groundProbability: r.groundProbability,
  });
  console.log(
    `full optimisation n=20 p=3 xy-ring (${integerLevels ? "integer-levels" : "real"}): ${seconds.toFixed(2)} s, ` +
      `${r.evaluations} evaluations, P(optimum) = ${r.groundProbability.toExponential(2)}`,
  );
}

mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
writeFileSync(
  new URL("./results/qaoa.json", import.meta.url),
  JSON.stringify({ node: process.version, cpu: cpus()[0]?.model, rows, full }, null, 2) + "\n",
);
