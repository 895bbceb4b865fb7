import type { MixerKind } from "./QaoaSimulator.js";

/**
 * Statevector kernels shared by the main thread and the worker threads. Every amplitude goes
 * through the same gates in the same order whatever the thread count, and sums are reduced per
 * fixed block in index order, so a threaded run is bit-identical to a single-threaded one.
 */

/** 2^12 amplitudes × 16 bytes of state + diagonal stay in L2 while the low qubits are mixed. */
export const BLOCK_BITS = 12;
/** Expectation partial sums are taken over blocks of this many amplitudes (fixed, thread-independent). */
export const REDUCE_BITS = 12;

/** One mixer gate: e^{−iβX_q}, or e^{−iβ(XX+YY)/2} on qubits a, b. */
export type MixerOp =
  | { readonly kind: "rx"; readonly q: number }
  | { readonly kind: "xy"; readonly a: number; readonly b: number };

/** A QAOA layer: phase + `blockOps` fused inside 2^lowBits cache blocks, then `ops` in order. */
export interface LayerPlan {
  readonly numQubits: number;
  readonly lowBits: number;
  readonly blockOps: readonly MixerOp[];
  readonly ops: readonly MixerOp[];
  readonly mixer: MixerKind;
  /** Dicke start: decision qubits and Hamming weight (XY mixers only). */
  readonly xyQubits: number;
  readonly hammingWeight: number;
}

/** State and diagonal arrays; `dense` or (`index`, tables) is set, never both. */
export interface StateArrays {
  readonly re: Float64Array;
  readonly im: Float64Array;
  readonly dense: Float64Array | undefined;
  readonly index: Uint16Array | undefined;
  readonly levels: Float64Array | undefined;
  /** cos/sin(γ·level) for the current layer, filled by the coordinating thread. */
  readonly cosT: Float64Array;
  readonly sinT: Float64Array;
  /** One expectation partial sum per 2^REDUCE_BITS block. */
  readonly partials: Float64Array;
}

/** Blocks until every participant has arrived (no-op single-threaded). */
export type Barrier = () => void;

export function layerPlan(
  mixer: MixerKind,
  numQubits: number,
  xyQubits: number,
  hammingWeight: number,
  edges: readonly (readonly [number, number])[],
): LayerPlan {
  const lowBits = Math.min(numQubits, BLOCK_BITS);
  const all: MixerOp[] = [];
  if (mixer === "x") for (let q = 0; q < numQubits; q++) all.push({ kind: "rx", q });
  else {
    for (const [a, b] of edges) all.push({ kind: "xy", a, b });
    for (let q = xyQubits; q < numQubits; q++) all.push({ kind: "rx", q });
  }
  // Only a leading run may join the blocks: overlapping XY gates do not commute, so order is kept.
  let inBlock = 0;
  while (inBlock < all.length && topQubit(all[inBlock]!) < lowBits) inBlock++;
  return {
    numQubits,
    lowBits,
    blockOps: all.slice(0, inBlock),
    ops: all.slice(inBlock),
    mixer,
    xyQubits,
    hammingWeight,
  };
}

export function topQubit(op: MixerOp): number {
  return op.kind === "rx" ? op.q : Math.max(op.a, op.b);
}

/** Amplitudes [from, to) of the initial state: |+⟩^n, or Dicke(xyQubits, k) ⊗ |+⟩^(slack). */
export function resetRange(st: StateArrays, plan: LayerPlan, from: number, to: number): void {
  const { re, im } = st;
  const n = plan.numQubits;
  im.fill(0, from, to);
  if (plan.mixer === "x") {
    re.fill(1 / Math.sqrt(2 ** n), from, to);
    return;
  }
  const m = plan.xyQubits;
  const k = plan.hammingWeight;
  const low = (1 << m) - 1;
  const amp = 1 / Math.sqrt(binomial(m, k) * 2 ** (n - m));
  for (let i = from; i < to; i++) re[i] = popcount(i & low) === k ? amp : 0;
}

/**
 * Participant `part` of `parts` (a power of two) applies one layer. It owns the contiguous chunk
 * [part·size/parts, (part+1)·size/parts): gates whose qubits all lie below log2(chunk) stay inside
 * the chunk; gates on higher qubits are split by pair index across participants, with a barrier
 * before and after, so no two threads ever touch the same amplitude between barriers.
 */
export function runLayer(
  st: StateArrays,
  plan: LayerPlan,
  gamma: number,
  c: number,
  s: number,
  part: number,
  parts: number,
  barrier: Barrier,
): void {
  const size = st.re.length;
  const chunk = size / parts;
  const localBits = plan.numQubits - Math.log2(parts);
  const from = part * chunk;
  const to = from + chunk;
  const block = 1 << plan.lowBits;
  for (let base = from; base < to; base += block) {
    phaseRange(st, gamma, base, base + block);
    for (const op of plan.blockOps) applyRange(st, op, c, s, base, base + block);
  }
  let written = true; // writes since the last barrier
  let lastGlobal = false;
  const ops = plan.ops;
  for (let o = 0; o < ops.length; o++) {
    const op = ops[o]!;
    if (topQubit(op) < localBits) {
      if (lastGlobal) barrier();
      const next = ops[o + 1];
      // Two consecutive local RX gates go in one pass over 4-amplitude groups (same arithmetic).
      if (op.kind === "rx" && next?.kind === "rx" && next.q === op.q + 1 && next.q < localBits) {
        rxPairRange(st, op.q, c, s, from, to);
        o++;
      } else applyRange(st, op, c, s, from, to);
      lastGlobal = false;
    } else {
      if (written) barrier();
      applySplit(st, op, c, s, part, parts);
      lastGlobal = true;
    }
    written = true;
  }
}

/** Expectation partial sums for the reduction blocks inside [from, to). */
export function partialSums(st: StateArrays, from: number, to: number): void {
  const { re, im, dense, index, levels, partials } = st;
  const rb = Math.min(re.length, 1 << REDUCE_BITS);
  for (let base = from; base < to; base += rb) {
    let e = 0;
    const end = base + rb;
    if (dense) for (let i = base; i < end; i++) e += (re[i]! * re[i]! + im[i]! * im[i]!) * dense[i]!;
    else for (let i = base; i < end; i++) e += (re[i]! * re[i]! + im[i]! * im[i]!) * levels![index![i]!]!;
    partials[base / rb] = e;
  }
}

/** Multiplies amplitudes [from, to) by e^{−iγE}. */
function phaseRange(st: StateArrays, gamma: number, from: number, to: number): void {
  const { re, im, dense } = st;
  if (dense) {
    for (let i = from; i < to; i++) {
      const a = gamma * dense[i]!;
      const c = Math.cos(a);
      const s = Math.sin(a);
      const r = re[i]!;
      const m = im[i]!;
      re[i] = r * c + m * s;
      im[i] = m * c - r * s;
    }
  } else {
    const index = st.index!;
    const { cosT, sinT } = st;
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

/** A gate on [from, to), a range aligned to 2^(topQubit+1). */
function applyRange(st: StateArrays, op: MixerOp, c: number, s: number, from: number, to: number): void {
  if (op.kind === "rx") rxRange(st, op.q, c, s, from, to);
  else xyRange(st, op.a, op.b, c, s, from, to);
}

/** exp(−iβX_q) on amplitudes [from, to), a range aligned to 2^(q+1). */
function rxRange(st: StateArrays, q: number, c: number, s: number, from: number, to: number): void {
  const { re, im } = st;
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

/** exp(−iβX_q)·exp(−iβX_{q+1}) on [from, to) in one pass over 4-amplitude groups. */
function rxPairRange(st: StateArrays, q: number, c: number, s: number, from: number, to: number): void {
  const { re, im } = st;
  const s1 = 1 << q;
  const s2 = s1 << 1;
  for (let base = from; base < to; base += s2 << 1) {
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
 * exp(−iβ(XX+YY)/2) on qubits a, b over [from, to) (aligned to 2^(max(a,b)+1)): rotates each
 * |01⟩/|10⟩ pair, leaves |00⟩ and |11⟩. Loops run only over indices with both bits clear.
 */
function xyRange(
  st: StateArrays,
  a: number,
  b: number,
  c: number,
  s: number,
  from: number,
  to: number,
): void {
  const { re, im } = st;
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

/**
 * A gate on a qubit above the chunk: its pairs are numbered by the index with the gate's bits
 * removed, and participant `part` takes a contiguous share of those numbers. Same arithmetic per
 * pair as the range kernels.
 */
function applySplit(st: StateArrays, op: MixerOp, c: number, s: number, part: number, parts: number): void {
  const { re, im } = st;
  const size = re.length;
  if (op.kind === "rx") {
    const q = op.q;
    const stride = 1 << q;
    const mask = stride - 1;
    const share = size / 2 / parts;
    const end = (part + 1) * share;
    for (let t = part * share; t < end; t++) {
      const i = ((t >>> q) << (q + 1)) | (t & mask);
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
    return;
  }
  const lo = Math.min(op.a, op.b);
  const hi = Math.max(op.a, op.b);
  const loMask = (1 << lo) - 1;
  const hiMask = (1 << hi) - 1;
  const ma = 1 << op.a;
  const mb = 1 << op.b;
  const share = size / 4 / parts;
  const end = (part + 1) * share;
  for (let t = part * share; t < end; t++) {
    const u = ((t >>> lo) << (lo + 1)) | (t & loMask);
    const k = ((u >>> hi) << (hi + 1)) | (u & hiMask);
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
