// Minimal typing for the parts of the `quantum-circuit` npm package the tests and benchmarks use.
declare module "quantum-circuit" {
  interface Complex {
    re: number;
    im: number;
  }
  class QuantumCircuit {
    constructor(numQubits?: number);
    numQubits: number;
    state: Record<string, Complex | undefined>;
    importQASM(qasm: string, errorCallback?: (errors: unknown[]) => void): void;
    run(initialValues?: unknown, options?: unknown): void;
    numAmplitudes(): number;
  }
  export = QuantumCircuit;
}
