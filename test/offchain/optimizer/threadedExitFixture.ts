// Child-process fixture for qaoaThreads.test.ts: runs a threaded simulation and never closes the
// pool, so the process only exits if idle workers do not keep it alive.
import { QaoaSimulator } from "../../../offchain/optimizer/QaoaSimulator.js";

const size = 1 << 14;
const diag = Float64Array.from({ length: size }, (_, i) => (i * 7919) % 101);
const sim = new QaoaSimulator(diag, { threads: 2 });
console.log(JSON.stringify({ threads: sim.threads, energy: sim.evaluate([0.01], [0.4]) }));
