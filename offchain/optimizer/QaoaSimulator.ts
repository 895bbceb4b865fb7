import { availableParallelism } from "node:os";
import { compressDiagonal } from "./costDiagonal.js";
import { OptimizerInputError } from "./errors.js";
import { checkOneOf } from "./optionChecks.js";
import {
  BLOCK_BITS,
  REDUCE_BITS,
  layerPlan,
  partialSums,
  resetRange,
  runLayer,
} from "./statevectorKernels.js";
import type { LayerPlan, StateArrays } from "./statevectorKernels.js";
import { releaseStatevectorPool, sharedStatevectorPool } from "./StatevectorPool.js";
import type { StatevectorPool } from "./StatevectorPool.js";
import { CMD } from "./workerProtocol.js";

export { binomial, popcount } from "./statevectorKernels.js";

/**
 * `x`: transverse-field mixer Σ X_i from |+⟩^n (constraints only through penalties).
 * `xy-ring` / `xy-complete`: Hamming-weight-preserving XY mixer Σ (X_i X_j + Y_i Y_j)/2 over a
 * ring or all pairs of the decision qubits, started from a Dicke state, so the budget holds by
 * construction and no amplitude is wasted on portfolios of the wrong size.
 */
export type MixerKind = "x" | "xy-ring" | "xy-complete";

/** Every mixer the simulator implements; any other name is refused (never run as "no mixer"). */
export const MIXER_KINDS: readonly MixerKind[] = ["x", "xy-ring", "xy-complete"];

/**
 * Smallest register the default thread count parallelises. On the idle 2-core benchmark machine two
 * threads measured 1.2–1.9× of one at n = 14 and 1.7–1.9× at n = 16–22 (`bench:qaoa`), and less than
 * 1× at n ≤ 13, where a pass is too short to repay the barriers. On a machine shared with other jobs
 * threads can lose (0.4–1.1× was measured under a load average of 6–10): pass `threads: 1` there.
 */
export const DEFAULT_MIN_THREAD_QUBITS = 14;

export interface QaoaSimulatorOptions {
  readonly mixer?: MixerKind;
  /** Qubits 0..xyQubits−1 get the XY mixer and a Dicke start; the rest (slack) get X. Default: all. */
  readonly xyQubits?: number;
  /** Hamming weight of the Dicke start (required for XY mixers). */
  readonly hammingWeight?: number;
  /** Use the level table for integer diagonals (default true). */
  readonly compress?: boolean;
  /**
   * Threads for the statevector passes (rounded down to a power of two, at most 2^(n−12)); 1 forces
   * the single-threaded path. Default: every core from `minThreadQubits` qubits up, else 1.
   * Results are bit-identical whatever the count.
   */
  readonly threads?: number;
  /** Register size from which the default uses threads (default DEFAULT_MIN_THREAD_QUBITS). */
  readonly minThreadQubits?: number;
}

/**
 * Statevector simulator specialised for QAOA: the state is split into real and imaginary
 * Float64Arrays and updated in place; the cost diagonal is precomputed once; one layer is a phase
 * pass fused with the low-qubit mixer rotations in cache-sized blocks, then the remaining mixer
 * rotations two qubits per pass. Nothing is allocated per layer. From `minThreadQubits` qubits up
 * the passes are split across worker threads over shared memory (see `runLayer`); call
 * `dispose()` when done so the workers drop the arrays.
 *
 * @example
 * const sim = new QaoaSimulator(costDiagonal(qubo), { mixer: "x" });
 * const energy = sim.evaluate([0.3], [0.7]);
 */
export class QaoaSimulator {
  readonly numQubits: number;
  readonly size: number;
  readonly mixer: MixerKind;
  readonly re: Float64Array;
  readonly im: Float64Array;
  /** Threads the passes run on (1 = single-threaded). */
  readonly threads: number;
  private readonly st: StateArrays;
  private readonly plan: LayerPlan;
  private readonly xyEdges: readonly (readonly [number, number])[];

  constructor(diagonal: Float64Array, options: QaoaSimulatorOptions = {}) {
    const size = diagonal.length;
    const n = Math.round(Math.log2(size));
    if (size < 2 || 2 ** n !== size)
      throw new OptimizerInputError(`diagonal length must be a power of two ≥ 2, got ${size}`);
    this.numQubits = n;
    this.size = size;
    checkOneOf("mixer", options.mixer, MIXER_KINDS);
    this.mixer = options.mixer ?? "x";
    const xyQubits = this.mixer === "x" ? 0 : (options.xyQubits ?? n);
    const hammingWeight = options.hammingWeight ?? -1;
    if (this.mixer !== "x") {
      if (xyQubits < 2 || xyQubits > n)
        throw new OptimizerInputError(`xyQubits must be in [2, ${n}] for an XY mixer, got ${xyQubits}`);
      if (!Number.isInteger(hammingWeight) || hammingWeight < 0 || hammingWeight > xyQubits)
        throw new OptimizerInputError(
          `XY mixer needs hammingWeight in [0, ${xyQubits}] (the budget k), got ${options.hammingWeight}`,
        );
    }
    this.threads = threadCount(n, options);
    const shared = this.threads > 1;
    // Worker threads see only SharedArrayBuffer memory; single-threaded runs keep plain buffers.
    const alloc = (length: number): Float64Array =>
      shared ? new Float64Array(new SharedArrayBuffer(length * 8)) : new Float64Array(length);
    const lv = options.compress === false ? undefined : compressDiagonal(diagonal);
    let dense: Float64Array | undefined;
    let index: Uint16Array | undefined;
    let levels: Float64Array | undefined;
    if (lv) {
      // Level mode drops the dense diagonal: 16 bytes state + 2 bytes index per amplitude.
      index = shared ? new Uint16Array(new SharedArrayBuffer(size * 2)) : lv.index;
      if (shared) index.set(lv.index);
      levels = alloc(lv.levels.length);
      levels.set(lv.levels);
    } else if (shared) {
      dense = alloc(size);
      dense.set(diagonal);
    } else dense = diagonal;
    const nl = levels ? levels.length : 0;
    this.re = alloc(size);
    this.im = alloc(size);
    this.st = {
      re: this.re,
      im: this.im,
      dense,
      index,
      levels,
      cosT: alloc(nl),
      sinT: alloc(nl),
      partials: alloc(Math.max(1, size >> REDUCE_BITS)),
    };
    this.xyEdges = xyEdges(this.mixer, xyQubits);
    this.plan = layerPlan(this.mixer, n, xyQubits, hammingWeight, this.xyEdges);
    this.reset();
  }

  /** Edges the XY mixer acts on, in application order (used by the QASM exporter too). */
  get edges(): readonly (readonly [number, number])[] {
    return this.xyEdges;
  }

  /** Energy of basis state `i`. */
  energy(i: number): number {
    const { dense, levels, index } = this.st;
    return dense ? dense[i]! : levels![index![i]!]!;
  }

  /** Bytes held per amplitude (state + diagonal), for the memory benchmark. */
  get bytesPerAmplitude(): number {
    return 16 + (this.st.dense ? 8 : 2);
  }

  /** Initial state: |+⟩^n for the X mixer; Dicke(xyQubits, k) ⊗ |+⟩^(slack) for XY. */
  reset(): void {
    const chunk = this.size / this.threads;
    const own = (): void => resetRange(this.st, this.plan, 0, chunk);
    if (this.threads > 1) this.pool().dispatch(CMD.reset, own);
    else own();
  }

  /** Runs p layers from the initial state; gammas and betas have length p. */
  run(gammas: ArrayLike<number>, betas: ArrayLike<number>): void {
    if (gammas.length !== betas.length)
      throw new OptimizerInputError(
        `gammas (${gammas.length}) and betas (${betas.length}) must have equal length`,
      );
    this.reset();
    for (let l = 0; l < gammas.length; l++) this.layer(gammas[l]!, betas[l]!);
  }

  /** ⟨ψ(γ, β)|C|ψ(γ, β)⟩. */
  evaluate(gammas: ArrayLike<number>, betas: ArrayLike<number>): number {
    this.run(gammas, betas);
    return this.expectation();
  }

  /** One QAOA layer e^{−iβB} e^{−iγC}. */
  layer(gamma: number, beta: number): void {
    this.fillTables(gamma);
    const c = Math.cos(beta);
    const s = Math.sin(beta);
    if (this.threads > 1) {
      const pool = this.pool();
      pool.dispatch(
        CMD.layer,
        () => runLayer(this.st, this.plan, gamma, c, s, 0, this.threads, pool.barrier),
        [gamma, c, s],
      );
    } else runLayer(this.st, this.plan, gamma, c, s, 0, 1, noBarrier);
  }

  /** ⟨C⟩: partial sums over fixed 2^12-amplitude blocks, added in index order (thread-independent). */
  expectation(): number {
    const chunk = this.size / this.threads;
    const own = (): void => partialSums(this.st, 0, chunk);
    if (this.threads > 1) this.pool().dispatch(CMD.partials, own);
    else own();
    const { partials } = this.st;
    let e = 0;
    for (let b = 0; b < partials.length; b++) e += partials[b]!;
    return e;
  }

  /** Measurement probabilities of the current state (written into `out` when given). */
  probabilities(out: Float64Array = new Float64Array(this.size)): Float64Array {
    const { re, im, size } = this;
    for (let i = 0; i < size; i++) out[i] = re[i]! * re[i]! + im[i]! * im[i]!;
    return out;
  }

  /** Lets the worker threads drop this simulator's arrays (the pool itself stays up). */
  dispose(): void {
    if (this.threads > 1) releaseStatevectorPool(this);
  }

  private pool(): StatevectorPool {
    const pool = sharedStatevectorPool(this.threads);
    if (!pool.isAttached(this)) pool.attach(this, this.st, this.plan, this.threads);
    return pool;
  }

  private fillTables(gamma: number): void {
    const { levels, cosT, sinT } = this.st;
    if (!levels) return;
    for (let l = 0; l < levels.length; l++) {
      cosT[l] = Math.cos(gamma * levels[l]!);
      sinT[l] = Math.sin(gamma * levels[l]!);
    }
  }
}

function noBarrier(): void {}

/** Power of two ≤ the requested threads, keeping each thread's chunk at least one cache block. */
function threadCount(n: number, options: QaoaSimulatorOptions): number {
  const minQubits = options.minThreadQubits ?? DEFAULT_MIN_THREAD_QUBITS;
  const wanted = options.threads ?? (n >= minQubits ? availableParallelism() : 1);
  if (!Number.isInteger(wanted) || wanted < 1)
    throw new OptimizerInputError(`threads must be an integer ≥ 1, got ${wanted}`);
  let parts = 1;
  while (parts * 2 <= wanted && n - Math.log2(parts * 2) >= BLOCK_BITS) parts *= 2;
  return parts;
}

/** Qubit pairs the XY mixer couples, in application order. */
export function xyEdges(mixer: MixerKind, m: number): [number, number][] {
  checkOneOf("mixer", mixer, MIXER_KINDS);
  const edges: [number, number][] = [];
  if (mixer === "xy-ring") {
    for (let i = 0; i + 1 < m; i++) edges.push([i, i + 1]);
    if (m > 2) edges.push([m - 1, 0]);
  } else if (mixer === "xy-complete") {
    for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) edges.push([i, j]);
  }
  return edges;
}
