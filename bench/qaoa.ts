// QAOA simulator benchmark: time per expectation evaluation (single thread), memory per amplitude,
// comparison with the `quantum-circuit` npm simulator on the same exported circuits, one thread
// against two per register size, and a full angle optimisation at n = 20, p = 3.
// Run: npm run bench:qaoa  (results also go to bench/results/).
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import QuantumCircuit from "quantum-circuit";
import { buildQaoaCircuit } from "../offchain/optimizer/circuit.js";
import { costDiagonal } from "../offchain/optimizer/costDiagonal.js";
import { QaoaSimulator } from "../offchain/optimizer/QaoaSimulator.js";
import { optimizePortfolio } from "../offchain/optimizer/optimizePortfolio.js";
import { runQaoa } from "../offchain/optimizer/runQaoa.js";
import { closeStatevectorPool } from "../offchain/optimizer/StatevectorPool.js";
import { toIsing } from "../offchain/optimizer/toIsing.js";
import { toQasm } from "../offchain/optimizer/toQasm.js";
import { toQubo } from "../offchain/optimizer/toQubo.js";
import { syntheticInput, syntheticProblem } from "./syntheticProblem.js";

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
    const sim = new QaoaSimulator(diag, { mixer: "x", threads: 1 });
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

// One thread against two: evaluations at p = 3 alternate between the two simulators so that load
// from other jobs hits both alike; the median of each is reported.
const threadRows: {
  n: number;
  mixer: string;
  diagonal: string;
  oneThreadMs: number;
  twoThreadMs: number;
  speedup: number;
}[] = [];
console.log("\nthreads (p = 3, median of alternating runs)");
console.log("n   mixer     diagonal         1 thread ms  2 threads ms  speed-up");
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
for (const n of [12, 13, 14, 15, 16, 18, 20, 22])
  for (const mixer of ["x", "xy-ring"] as const)
    for (const diagonal of ["real", "integer-levels"] as const) {
      if (n < 14 && diagonal === "real") continue;
      const k = Math.floor(n / 2);
      const qubo = toQubo(syntheticProblem(n, n, k).selection, {
        budgetPenalty: mixer === "x",
        integerLevels: diagonal === "real" ? undefined : 4096,
      });
      const diag = costDiagonal(qubo);
      const sims = [1, 2].map(
        (threads) => new QaoaSimulator(diag, { mixer, hammingWeight: k, threads, minThreadQubits: 1 }),
      );
      const { gammas, betas } = angles(3);
      const times: number[][] = [[], []];
      const budget = n >= 20 ? 4000 : 1500;
      const t0 = performance.now();
      for (let round = 0; round < 200 && (performance.now() - t0 < budget || round < 3); round++)
        sims.forEach((sim, i) => {
          const t = performance.now();
          sim.evaluate(gammas, betas);
          if (round > 0) times[i]!.push(performance.now() - t); // round 0 warms up the JIT
        });
      sims.forEach((sim) => sim.dispose());
      const [one, two] = times.map(median) as [number, number];
      threadRows.push({ n, mixer, diagonal, oneThreadMs: one, twoThreadMs: two, speedup: one / two });
      console.log(
        `${String(n).padEnd(4)}${mixer.padEnd(10)}${diagonal.padEnd(17)}${one.toFixed(2).padStart(11)}` +
          `${two.toFixed(2).padStart(14)}${(one / two).toFixed(2).padStart(10)}`,
      );
    }

// Full angle optimisation at n = 20, p = 3 with the default budget: 6×5 grid + Nelder–Mead at
// p = 1, INTERP warm starts to p = 3, each depth stopping at the relative tolerance or 120 evaluations.
const full: {
  path: string;
  seconds: number;
  evaluations: number;
  msPerEvaluation: number;
  groundProbability: number | null;
}[] = [];
const record = (
  path: string,
  seconds: number,
  evaluations: number,
  groundProbability: number | null,
): void => {
  full.push({
    path,
    seconds,
    evaluations,
    msPerEvaluation: (seconds * 1000) / evaluations,
    groundProbability,
  });
  console.log(
    `full optimisation n=20 p=3 xy-ring, ${path}: ${seconds.toFixed(2)} s, ${evaluations} evaluations ` +
      `(${((seconds * 1000) / evaluations).toFixed(1)} ms each)` +
      (groundProbability === null ? "" : `, P(optimum) = ${groundProbability.toExponential(2)}`),
  );
};
console.log("");
const problem20 = syntheticProblem(20, 20, 10);
for (const [path, integerLevels, threads] of [
  ["real diagonal, 1 thread", undefined, 1],
  ["real diagonal, 2 threads", undefined, 2],
  ["integer levels, 1 thread", 4096, 1],
  ["integer levels, 2 threads", 4096, 2],
] as const) {
  const qubo = toQubo(problem20.selection, { budgetPenalty: false, integerLevels });
  const t0 = performance.now();
  const r = runQaoa(qubo, { p: 3, mixer: "xy-ring", seed: 1, threads });
  record(path, (performance.now() - t0) / 1000, r.evaluations, r.groundProbability);
}
// The orchestrator's default path: auto integer levels (ground state checked), default threads (1).
{
  const t0 = performance.now();
  const choice = await optimizePortfolio(syntheticInput(20, 20, 10), {
    seed: 1,
    topN: 20,
    qaoa: { p: 3 },
    latencyBudgetMs: 60_000,
  });
  record(
    `optimizePortfolio default path (${choice.optimizer_meta.integer_scaled ? "integer levels" : "real diagonal"}, answer from ${choice.optimizer_meta.solver})`,
    (performance.now() - t0) / 1000,
    choice.optimizer_meta.evaluations ?? 0,
    choice.optimizer_meta.ground_probability,
  );
}
await closeStatevectorPool();

mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
writeFileSync(
  new URL("./results/qaoa.json", import.meta.url),
  JSON.stringify(
    { node: process.version, cpu: cpus()[0]?.model, cores: cpus().length, rows, threads: threadRows, full },
    null,
    2,
  ) + "\n",
);
