import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { availableParallelism } from "node:os";
import { buildProblem } from "../../../offchain/optimizer/buildProblem.js";
import { costDiagonal } from "../../../offchain/optimizer/costDiagonal.js";
import { OptimizerInputError } from "../../../offchain/optimizer/errors.js";
import { QaoaSimulator } from "../../../offchain/optimizer/QaoaSimulator.js";
import type { MixerKind } from "../../../offchain/optimizer/QaoaSimulator.js";
import { runQaoa } from "../../../offchain/optimizer/runQaoa.js";
import { closeStatevectorPool, statevectorWorkerCount } from "../../../offchain/optimizer/StatevectorPool.js";
import { toQubo } from "../../../offchain/optimizer/toQubo.js";
import { randomInput } from "./fixtures.js";

function qubo(seed: number, n: number, mixer: MixerKind, integerLevels?: number, group = false) {
  const input = { ...randomInput(seed, n, false), k: Math.floor(n / 2) };
  const problem = buildProblem(
    group ? { ...input, groups: [{ name: "g", assets: input.assets.slice(0, 6), max: 2 }] } : input,
  );
  return toQubo(problem.selection, { budgetPenalty: mixer === "x", integerLevels });
}

/** Final state and ⟨C⟩ after three layers at `threads`. */
function simulate(q: ReturnType<typeof qubo>, mixer: MixerKind, threads: number) {
  const diag = costDiagonal(q);
  let spread = 0;
  for (const e of diag) spread = Math.max(spread, Math.abs(e));
  const sim = new QaoaSimulator(diag, { mixer, xyQubits: q.numDecision, hammingWeight: q.kFree, threads });
  const energy = sim.evaluate([0.9 / spread, -1.7 / spread, 2.3 / spread], [0.61, 0.37, -0.23]);
  const state = { threads: sim.threads, energy, re: Array.from(sim.re), im: Array.from(sim.im) };
  sim.dispose();
  return state;
}

describe("optimizer: QAOA simulator worker threads", () => {
  after(() => closeStatevectorPool());

  const cases: [number, MixerKind, number | undefined, boolean][] = [
    [14, "x", undefined, false],
    [15, "x", 400, false],
    [14, "xy-ring", 300, false],
    [15, "xy-ring", undefined, false],
    [15, "xy-complete", undefined, false],
    [14, "xy-ring", undefined, true], // 14 decision qubits + 2 slack qubits under X
  ];
  for (const [n, mixer, levels, group] of cases)
    it(`two threads are bit-identical to one: n = ${n}, ${mixer}, ${levels ? "level" : "dense"} diagonal${group ? ", slack" : ""}`, () => {
      const q = qubo(n + (levels ?? 0), n, mixer, levels, group);
      const one = simulate(q, mixer, 1);
      const two = simulate(q, mixer, 2);
      expect(one.threads).to.equal(1);
      expect(two.threads).to.equal(2);
      expect(two.energy).to.equal(one.energy);
      expect(two.re).to.deep.equal(one.re);
      expect(two.im).to.deep.equal(one.im);
    });

  it("runQaoa results are bit-identical for a seed whatever the thread count (n = 14, both mixers)", () => {
    for (const mixer of ["x", "xy-ring"] as const) {
      const q = qubo(40, 14, mixer);
      const options = { p: 2, mixer, seed: 3, shots: 64, maxEvaluations: 12 };
      const one = runQaoa(q, { ...options, threads: 1 });
      const two = runQaoa(q, { ...options, threads: 2 });
      expect(two).to.deep.equal(one);
    }
  });

  it("chooses the thread count from the register size; threads: 1 forces one thread", () => {
    const diag = (n: number): Float64Array => new Float64Array(1 << n);
    expect(new QaoaSimulator(diag(10), { threads: 2 }).threads).to.equal(1); // chunk < one cache block
    expect(new QaoaSimulator(diag(13)).threads).to.equal(1);
    // From n = 14 the default uses every core (a power of two), as measured to pay on an idle machine.
    expect(new QaoaSimulator(diag(16)).threads).to.equal(availableParallelism() >= 2 ? 2 : 1);
    expect(new QaoaSimulator(diag(14), { threads: 1 }).threads).to.equal(1);
    expect(new QaoaSimulator(diag(14), { threads: 3 }).threads).to.equal(2); // power of two
    expect(new QaoaSimulator(diag(13), { minThreadQubits: 13, threads: 2 }).threads).to.equal(2);
    expect(() => new QaoaSimulator(diag(14), { threads: 0 })).to.throw(OptimizerInputError, /threads/);
  });

  it("terminates its workers on close, and idle workers never keep a process alive", async () => {
    simulate(qubo(41, 14, "x"), "x", 2);
    expect(statevectorWorkerCount()).to.equal(1);
    await closeStatevectorPool();
    expect(statevectorWorkerCount()).to.equal(0);
    // A process that never closes the pool must still exit by itself.
    const fixture = fileURLToPath(new URL("./threadedExitFixture.ts", import.meta.url));
    const child = spawnSync(process.execPath, ["--import", import.meta.resolve("tsx/esm"), fixture], {
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(child.error, String(child.error)).to.equal(undefined);
    expect(child.status, child.stderr).to.equal(0);
    expect(JSON.parse(child.stdout).threads).to.equal(2);
  });
});
