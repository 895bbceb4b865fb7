import type { Gate } from "./circuit.js";

/**
 * OpenQASM 2.0 text for a gate list (qelib1.inc gates only), with a final measurement of every
 * qubit into `c` unless `measure` is false. Angles are printed with 17 significant digits so the
 * circuit round-trips to double precision.
 *
 * @example
 * const qasm = toQasm(buildQaoaCircuit(spec), ising.numVars);
 */
export function toQasm(
  gates: readonly Gate[],
  numQubits: number,
  options: { measure?: boolean } = {},
): string {
  const lines = ["OPENQASM 2.0;", 'include "qelib1.inc";', `qreg q[${numQubits}];`];
  const measure = options.measure ?? true;
  if (measure) lines.push(`creg c[${numQubits}];`);
  for (const gate of gates) {
    const args = gate.qubits.map((q) => `q[${q}]`).join(",");
    const params = gate.params.length ? `(${gate.params.map((p) => p.toPrecision(17)).join(",")})` : "";
    lines.push(`${gate.name}${params} ${args};`);
  }
  if (measure) lines.push("measure q -> c;");
  return lines.join("\n") + "\n";
}
