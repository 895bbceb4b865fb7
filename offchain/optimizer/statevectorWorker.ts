// Worker-thread entry for the statevector pool (see StatevectorPool). It sleeps on the command
// generation word, runs its share of each command on the shared arrays, and reports done.
import { receiveMessageOnPort, workerData } from "node:worker_threads";
import type { MessagePort } from "node:worker_threads";
import { partialSums, resetRange, runLayer } from "./statevectorKernels.js";
import type { LayerPlan, StateArrays } from "./statevectorKernels.js";
import { CMD, CTL, barrierWait } from "./workerProtocol.js";

interface Attachment {
  readonly st: StateArrays;
  readonly plan: LayerPlan;
  readonly parts: number;
}

const { ctl, params, port, part } = workerData as {
  ctl: Int32Array;
  params: Float64Array;
  port: MessagePort;
  part: number;
};

let job: Attachment | undefined;
let seen = 0;
Atomics.add(ctl, CTL.ready, 1);
Atomics.notify(ctl, CTL.ready);
for (;;) {
  Atomics.wait(ctl, CTL.generation, seen);
  const generation = Atomics.load(ctl, CTL.generation);
  if (generation === seen) continue;
  seen = generation;
  const command = Atomics.load(ctl, CTL.command);
  if (command === CMD.exit) break;
  try {
    if (command === CMD.attach) job = receiveMessageOnPort(port)?.message as Attachment | undefined;
    else if (command === CMD.detach) job = undefined;
    else if (job && part < job.parts) {
      const { st, plan, parts } = job;
      const chunk = st.re.length / parts;
      const from = part * chunk;
      if (command === CMD.reset) resetRange(st, plan, from, from + chunk);
      else if (command === CMD.partials) partialSums(st, from, from + chunk);
      else if (command === CMD.layer)
        runLayer(st, plan, params[0]!, params[1]!, params[2]!, part, parts, () => barrierWait(ctl, parts));
    }
  } catch {
    Atomics.store(ctl, CTL.error, 1);
  }
  Atomics.add(ctl, CTL.done, 1);
  Atomics.notify(ctl, CTL.done);
}
port.close();
