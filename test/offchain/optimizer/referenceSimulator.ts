import type { Gate } from "../../../offchain/optimizer/circuit.js";

/**
 * Textbook gate-by-gate statevector simulator (no fusion, no tricks) used only as a reference for
 * the optimised QaoaSimulator. Qubit i is bit i of the basis index, as in OpenQASM consumers.
 */
export function simulateGates(gates: readonly Gate[], n: number): { re: Float64Array; im: Float64Array } {
  const size = 2 ** n;
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  re[0] = 1;
  const one = (q: number, m: [number, number, number, number, number, number, number, number]): void => {
    const [ar, ai, br, bi, cr, ci, dr, di] = m; // [[a b][c d]]
    const s = 1 << q;
    for (let i = 0; i < size; i++) {
      if (i & s) continue;
      const j = i | s;
      const xr = re[i]!;
      const xi = im[i]!;
      const yr = re[j]!;
      const yi = im[j]!;
      re[i] = ar * xr - ai * xi + br * yr - bi * yi;
      im[i] = ar * xi + ai * xr + br * yi + bi * yr;
      re[j] = cr * xr - ci * xi + dr * yr - di * yi;
      im[j] = cr * xi + ci * xr + dr * yi + di * yr;
    }
  };
  const flip = (controlMask: number, t: number): void => {
    const s = 1 << t;
    for (let i = 0; i < size; i++) {
      if ((i & controlMask) !== controlMask || i & s) continue;
      const j = i | s;
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  };
  for (const g of gates) {
    const [q0, q1, q2] = g.qubits as [number, number, number];
    const t = g.params[0] ?? 0;
    const c = Math.cos(t / 2);
    const s = Math.sin(t / 2);
    const h = Math.SQRT1_2;
    switch (g.name) {
      case "h":
        one(q0, [h, 0, h, 0, h, 0, -h, 0]);
        break;
      case "x":
        one(q0, [0, 0, 1, 0, 1, 0, 0, 0]);
        break;
      case "rx":
        one(q0, [c, 0, 0, -s, 0, -s, c, 0]);
        break;
      case "ry":
        one(q0, [c, 0, -s, 0, s, 0, c, 0]);
        break;
      case "rz":
        one(q0, [c, -s, 0, 0, 0, 0, c, s]);
        break;
      case "cx":
        flip(1 << q0, q1);
        break;
      case "ccx":
        flip((1 << q0) | (1 << q1), q2);
        break;
    }
  }
  return { re, im };
}
