import { compressDiagonal } from "./costDiagonal.js";
import type { LevelDiagonal } from "./costDiagonal.js";
import { OptimizerInputError } from "./errors.js";

/**
 * `x`: transverse-field mixer Σ X_i from |+⟩^n (constraints only through penalties).
 * `xy-ring` / `xy-complete`: Hamming-weight-preserving XY mixer Σ (X_i X_j + Y_i Y_j)/2 over a
 * ring or all pairs of the decision qubits, started from a Dicke state, so the budget holds by
 * construction and no amplitude is wasted on portfolios of the wrong size.
 */
export type MixerKind = "x" | "xy-ring" | "xy-complete";

export interface QaoaSimulatorOptions {
  readonly mixer?: MixerKind;
  /** Qubits 0..xyQubits−1 get the XY mixer and a Dicke start; the rest (slack) get X. Default: all. */
  readonly xyQubits?: number;
  /** Hamming weight of the Dicke start (required for XY mixers). */
  readonly hammingWeight?: number;
  /** Use the level table for integer diagonals (default true). */
  readonly compress?: boolean;
}

/** 2^12 amplitudes × 16 bytes of state + diagonal stay in L2 while the low qubits are mixed. */
const BLOCK_BITS = 12;

/**
 * Statevector simulator specialised for QAOA: the state is split into real and imaginary
 * Float64Arrays and updated in place; the cost diagonal is precomputed once; one layer is a phase
 * pass fused with the low-qubit mixer rotations in cache-sized blocks, then the remaining mixer
 * rotations two qubits per pass. Nothing is allocated per layer.
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
  private readonly dense: Float64Array | undefined;
  private readonly lv: LevelDiagonal | undefined;
  private readonly cosT: Float64Array;
  private readonly sinT: Float64Array;
  private readonly levelProbability: Float64Array;
  private readonly xyQubits: number;
  private readonly hammingWeight: number;
  private readonly xyEdges: readonly (readonly [number, number])[];

  constructor(diagonal: Float64Array, options: QaoaSimulatorOptions = {}) {
    const size = diagonal.length;
    const n = Math.round(Math.log2(size));
    if (size < 2 || 2 ** n !== size)
      throw new OptimizerInputError(`diagonal length must be a power of two ≥ 2, got ${size}`);
    this.numQubits = n;
    this.size = size;
    this.mixer = options.mixer ?? "x";
    this.lv = options.compress === false ? undefined : compressDiagonal(diagonal);
    // Level mode drops the dense diagonal: 16 bytes state + 2 bytes index per amplitude.
    this.dense = this.lv ? undefined : diagonal;
    const nl = this.lv ? this.lv.levels.length : 0;
    this.cosT = new Float64Array(nl);
    this.sinT = new Float64Array(nl);
    this.levelProbability = new Float64Array(nl);
    this.re = new Float64Array(size);
    this.im = new Float64Array(size);
    this.xyQubits = this.mixer === "x" ? 0 : (options.xyQubits ?? n);
    this.hammingWeight = options.hammingWeight ?? -1;
    if (this.mixer !== "x") {
      if (this.xyQubits < 2 || this.xyQubits > n)
        throw new OptimizerInputError(`xyQubits must be in [2, ${n}] for an XY mixer, got ${this.xyQubits}`);
      if (
        !Number.isInteger(this.hammingWeight) ||
        this.hammingWeight < 0 ||
        this.hammingWeight > this.xyQubits
      )
        throw new OptimizerInputError(
          `XY mixer needs hammingWeight in [0, ${this.xyQubits}] (the budget k), got ${options.hammingWeight}`,
        );
    }
    this.xyEdges = xyEdges(this.mixer, this.xyQubits);
    this.reset();
  }

  /** Edges the XY mixer acts on, in application order (used by the QASM exporter too). */
  get edges(): readonly (readonly [number, number])[] {
    return this.xyEdges;
  }

  /** Energy of basis state `i`. */
  energy(i: number): number {
    return this.dense ? this.dense[i]! : this.lv!.levels[this.lv!.index[i]!]!;
  }

  /** Bytes held per amplitude (state + diagonal), for the memory benchmark. */
  get bytesPerAmplitude(): number {
    return 16 + (this.dense ? 8 : 2);
  }

  /** Initial state: |+⟩^n for the X mixer; Dicke(xyQubits, k) ⊗ |+⟩^(slack) for XY. */
  reset(): void {
    const { re, im, size } = this;
    im.fill(0);
    if (this.mixer === "x") {
      re.fill(1 / Math.sqrt(size));
      return;
    }
    const m = this.xyQubits;
    const low = (1 << m) - 1;
    const amp = 1 / Math.sqrt(binomial(m, this.hammingWeight) * 2 ** (this.numQubits - m));
    for (let i = 0; i < size; i++) re[i] = popcount(i & low) === this.hammingWeight ? amp : 0;
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
    if (this.mixer === "x") this.fusedXLayer(gamma, beta);
    else this.fusedXyLayer(gamma, beta);
  }

  expectation(): number {
    const { re, im, size } = this;
    let e = 0;
    if (this.dense) {
      const d = this.dense;
      for (let i = 0; i < size; i++) e += (re[i]! * re[i]! + im[i]! * im[i]!) * d[i]!;
    } else {
      // Accumulate probability per level, then one dot product: fewer dependent float adds.
      const { index, levels } = this.lv!;
      const acc = this.levelProbability;
      acc.fill(0);
      for (let i = 0; i < size; i++) acc[index[i]!]! += re[i]! * re[i]! + im[i]! * im[i]!;
      for (let l = 0; l < levels.length; l++) e += acc[l]! * levels[l]!;
    }
    return e;
  }

  /** Measurement probabilities of the current state (written into `out` when given). */
  probabilities(out: Float64Array = new Float64Array(this.size)): Float64Array {
    const { re, im, size } = this;
    for (let i = 0; i < size; i++) out[i] = re[i]! * re[i]! + im[i]! * im[i]!;
    return out;
  }

  /** Multiplies amplitudes [from, to) by e^{−iγE}. */
  private phase(gamma: number, from: number, to: number): void {
    const { re, im } = this;
    if (this.dense) {
      const d = this.dense;
      for (let i = from; i < to; i++) {
        const a = gamma * d[i]!;
        const c = Math.cos(a);
        const s = Math.sin(a);
        const r = re[i]!;
        const m = im[i]!;
        re[i] = r * c + m * s;
        im[i] = m * c - r * s;
      }
    } else {
      const { index } = this.lv!;
      const { cosT, sinT } = this;
      for (let i = from; i < to; i++) {
        const l = index[i]!;
        const c = cosT[l]!;
        const s = sinT[l]!;
        const r = re[i]!;
        const m = im[i]!;
        re[i] = r * c + m * s;
        im[i] = m * c - r * s;
      }
    }
  }

  private fillTables(gamma: number): void {
    if (!this.lv) return;
    const { levels } = this.lv;
    for (let l = 0; l < levels.length; l++) {
      this.cosT[l] = Math.cos(gamma * levels[l]!);
      this.sinT[l] = Math.sin(gamma * levels[l]!);
    }
  }

  /** Phase + RX(2β) on every qubit; low qubits inside cache blocks, high qubits two per pass. */
  private fusedXLayer(gamma: number, beta: number): void {
    this.fillTables(gamma);
    const n = this.numQubits;
    const lowBits = Math.min(n, BLOCK_BITS);
    const block = 1 << lowBits;
    const c = Math.cos(beta);
    const s = Math.sin(beta);
    for (let base = 0; base < this.size; base += block) {
      this.phase(gamma, base, base + block);
      for (let q = 0; q < lowBits; q++) this.rxRange(q, c, s, base, base + block);
    }
    let q = lowBits;
    for (; q + 1 < n; q += 2) this.rxPair(q, c, s);
    if (q < n) this.rxRange(q, c, s, 0, this.size);
  }

  private rx(q: number, beta: number): void {
    this.rxRange(q, Math.cos(beta), Math.sin(beta), 0, this.size);
  }

  /** exp(−iβX_q) on amplitudes [from, to), a range aligned to 2^(q+1). */
  private rxRange(q: number, c: number, s: number, from: number, to: number): void {
    const { re, im } = this;
    const stride = 1 << q;
    for (let base = from; base < to; base += stride << 1) {
      const end = base + stride;
      for (let i = base; i < end; i++) {
        const j = i + stride;
        const r0 = re[i]!;
        const i0 = im[i]!;
        const r1 = re[j]!;
        const i1 = im[j]!;
        re[i] = c * r0 + s * i1;
        im[i] = c * i0 - s * r1;
        re[j] = c * r1 + s * i0;
        im[j] = c * i1 - s * r0;
      }
    }
  }

  /** exp(−iβX_q)·exp(−iβX_{q+1}) in one pass over 4-amplitude groups. */
  private rxPair(q: number, c: number, s: number): void {
    const { re, im, size } = this;
    const s1 = 1 << q;
    const s2 = s1 << 1;
    for (let base = 0; base < size; base += s2 << 1) {
      const end = base + s1;
      for (let i00 = base; i00 < end; i00++) {
        const i01 = i00 + s1;
        const i10 = i00 + s2;
        const i11 = i10 + s1;
        const ar = re[i00]!;
        const ai = im[i00]!;
        const br = re[i01]!;
        const bi = im[i01]!;
        const cr = re[i10]!;
        const ci = im[i10]!;
        const dr = re[i11]!;
        const di = im[i11]!;
        // qubit q on (a,b) and (c,d)
        const ar1 = c * ar + s * bi;
        const ai1 = c * ai - s * br;
        const br1 = c * br + s * ai;
        const bi1 = c * bi - s * ar;
        const cr1 = c * cr + s * di;
        const ci1 = c * ci - s * dr;
        const dr1 = c * dr + s * ci;
        const di1 = c * di - s * cr;
        // qubit q+1 on (a,c) and (b,d)
        re[i00] = c * ar1 + s * ci1;
        im[i00] = c * ai1 - s * cr1;
        re[i10] = c * cr1 + s * ai1;
        im[i10] = c * ci1 - s * ar1;
        re[i01] = c * br1 + s * di1;
        im[i01] = c * bi1 - s * dr1;
        re[i11] = c * dr1 + s * bi1;
        im[i11] = c * di1 - s * br1;
      }
    }
  }

  /**
   * Phase + XY mixer: the leading edges whose qubits are all below the block size run inside
   * cache blocks right after the phase (edge order is kept, since overlapping XY gates do not
   * commute), the rest as full passes, then RX on slack qubits.
   */
  private fusedXyLayer(gamma: number, beta: number): void {
    this.fillTables(gamma);
    const c = Math.cos(beta);
    const s = Math.sin(beta);
    const lowBits = Math.min(this.numQubits, BLOCK_BITS);
    const block = 1 << lowBits;
    const edges = this.xyEdges;
    let inBlock = 0;
    while (inBlock < edges.length && Math.max(edges[inBlock]![0], edges[inBlock]![1]) < lowBits) inBlock++;
    for (let base = 0; base < this.size; base += block) {
      this.phase(gamma, base, base + block);
      for (let e = 0; e < inBlock; e++) this.xyRange(edges[e]![0], edges[e]![1], c, s, base, base + block);
    }
    for (let e = inBlock; e < edges.length; e++) this.xyRange(edges[e]![0], edges[e]![1], c, s, 0, this.size);
    for (let q = this.xyQubits; q < this.numQubits; q++) this.rx(q, beta);
  }

  /**
   * exp(−iβ(XX+YY)/2) on qubits a, b over [from, to) (aligned to 2^(max(a,b)+1)): rotates each
   * |01⟩/|10⟩ pair, leaves |00⟩ and |11⟩. Loops run only over indices with both bits clear.
   */
  private xyRange(a: number, b: number, c: number, s: number, from: number, to: number): void {
    const { re, im } = this;
    const lo = Math.min(a, b);
    const hi = Math.max(a, b);
    const sLo = 1 << lo;
    const sHi = 1 << hi;
    const ma = 1 << a;
    const mb = 1 << b;
    for (let h = from; h < to; h += sHi << 1)
      for (let m = h; m < h + sHi; m += sLo << 1)
        for (let k = m; k < m + sLo; k++) {
          const i = k | ma;
          const j = k | mb;
          const r0 = re[i]!;
          const i0 = im[i]!;
          const r1 = re[j]!;
          const i1 = im[j]!;
          re[i] = c * r0 + s * i1;
          im[i] = c * i0 - s * r1;
          re[j] = c * r1 + s * i0;
          im[j] = c * i1 - s * r0;
        }
  }
}

/** Qubit pairs the XY mixer couples, in application order. */
export function xyEdges(mixer: MixerKind, m: number): [number, number][] {
  const edges: [number, number][] = [];
  if (mixer === "xy-ring") {
    for (let i = 0; i + 1 < m; i++) edges.push([i, i + 1]);
    if (m > 2) edges.push([m - 1, 0]);
  } else if (mixer === "xy-complete") {
    for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) edges.push([i, j]);
  }
  return edges;
}

export function popcount(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

export function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return Math.round(r);
}
