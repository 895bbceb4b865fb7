import type { Ising } from "./toIsing.js";
import type { MixerKind } from "./QaoaSimulator.js";

/** One gate of an exported circuit; angles in radians with the OpenQASM 2.0 qelib1 conventions. */
export interface Gate {
  readonly name: "h" | "x" | "rx" | "ry" | "rz" | "cx" | "ccx";
  readonly qubits: readonly number[];
  readonly params: readonly number[];
}

export interface QaoaCircuitSpec {
  readonly ising: Ising;
  readonly mixer: MixerKind;
  /** Decision qubits under the XY mixer (slack qubits beyond get X). */
  readonly xyQubits?: number;
  /** Dicke weight for XY mixers. */
  readonly hammingWeight?: number;
  readonly edges?: readonly (readonly [number, number])[];
  readonly gammas: readonly number[];
  readonly betas: readonly number[];
}

/**
 * The QAOA circuit as gates, in the same qubit order and angle conventions as `QaoaSimulator`
 * (qubit i = bit i of the basis index): cost layer RZ(2γh_i) and CX·RZ(2γJ_ij)·CX, mixer RX(2β)
 * or per edge RXX(β)·RYY(β) = e^{−iβ(XX+YY)/2}, decomposed into qelib1 basics so any OpenQASM 2.0
 * consumer can run it. The Ising offset is a global phase and is dropped.
 */
export function buildQaoaCircuit(spec: QaoaCircuitSpec): Gate[] {
  const { ising, mixer, gammas, betas } = spec;
  const n = ising.numVars;
  const xyQubits = mixer === "x" ? 0 : (spec.xyQubits ?? n);
  const gates: Gate[] = [];
  if (mixer === "x") for (let q = 0; q < n; q++) gates.push(g("h", [q]));
  else {
    for (const g of dickeCircuit(xyQubits, spec.hammingWeight ?? 0)) gates.push(g);
    for (let q = xyQubits; q < n; q++) gates.push(g("h", [q]));
  }
  for (let l = 0; l < gammas.length; l++) {
    const gamma = gammas[l]!;
    const beta = betas[l]!;
    for (let i = 0; i < n; i++) if (ising.h[i] !== 0) gates.push(g("rz", [i], [2 * gamma * ising.h[i]!]));
    for (let i = 0; i < n; i++)
      for (let j = i + 1; j < n; j++) {
        const J = ising.J[i * n + j]!;
        if (J !== 0) gates.push(g("cx", [i, j]), g("rz", [j], [2 * gamma * J]), g("cx", [i, j]));
      }
    if (mixer === "x") for (let q = 0; q < n; q++) gates.push(g("rx", [q], [2 * beta]));
    else {
      for (const [a, b] of spec.edges ?? []) {
        // RXX(β): H⊗H · ZZ-rotation · H⊗H
        gates.push(g("h", [a]), g("h", [b]), g("cx", [a, b]), g("rz", [b], [beta]), g("cx", [a, b]));
        gates.push(g("h", [a]), g("h", [b]));
        // RYY(β): RX(π/2)⊗RX(π/2) · ZZ-rotation · RX(−π/2)⊗RX(−π/2)
        gates.push(g("rx", [a], [Math.PI / 2]), g("rx", [b], [Math.PI / 2]), g("cx", [a, b]));
        gates.push(
          g("rz", [b], [beta]),
          g("cx", [a, b]),
          g("rx", [a], [-Math.PI / 2]),
          g("rx", [b], [-Math.PI / 2]),
        );
      }
      for (let q = xyQubits; q < n; q++) gates.push(g("rx", [q], [2 * beta]));
    }
  }
  return gates;
}

/**
 * Deterministic Dicke-state preparation |D^n_k⟩ (Bärtschi & Eidenbenz 2019): start from k ones,
 * apply the split-and-cyclic-shift blocks SCS_{ℓ,k} for ℓ = n…k+1 and SCS_{ℓ,ℓ−1} for ℓ = k…2.
 * Controlled RY gates are decomposed into RY and CX/CCX.
 */
export function dickeCircuit(n: number, k: number): Gate[] {
  const gates: Gate[] = [];
  for (let q = n - k; q < n; q++) gates.push(g("x", [q]));
  const scs = (m: number, kk: number): void => {
    // acts on qubits 0..m−1
    gates.push(g("cx", [m - 2, m - 1]));
    cry(gates, 2 * Math.acos(Math.sqrt(1 / m)), m - 1, m - 2);
    gates.push(g("cx", [m - 2, m - 1]));
    for (let l = 2; l <= kk; l++) {
      gates.push(g("cx", [m - l - 1, m - 1]));
      ccry(gates, 2 * Math.acos(Math.sqrt(l / m)), m - 1, m - l, m - l - 1);
      gates.push(g("cx", [m - l - 1, m - 1]));
    }
  };
  for (let m = n; m > k; m--) scs(m, k);
  for (let m = k; m >= 2; m--) scs(m, m - 1);
  return gates;
}

function cry(gates: Gate[], theta: number, control: number, target: number): void {
  gates.push(g("ry", [target], [theta / 2]), g("cx", [control, target]));
  gates.push(g("ry", [target], [-theta / 2]), g("cx", [control, target]));
}

function ccry(gates: Gate[], theta: number, c1: number, c2: number, target: number): void {
  gates.push(g("ry", [target], [theta / 2]), g("ccx", [c1, c2, target]));
  gates.push(g("ry", [target], [-theta / 2]), g("ccx", [c1, c2, target]));
}

function g(name: Gate["name"], qubits: number[], params: number[] = []): Gate {
  return { name, qubits, params };
}

/** Gate counts by arity, for the noise model's fidelity estimate. */
export function countGates(gates: readonly Gate[]): { oneQubit: number; twoQubit: number } {
  let oneQubit = 0;
  let twoQubit = 0;
  for (const gate of gates) {
    if (gate.name === "ccx")
      twoQubit += 6; // standard CCX decomposition uses 6 CX
    else if (gate.qubits.length === 2) twoQubit++;
    else oneQubit++;
  }
  return { oneQubit, twoQubit };
}
