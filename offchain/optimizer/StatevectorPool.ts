import { MessageChannel, Worker } from "node:worker_threads";
import type { MessagePort } from "node:worker_threads";
import { WorkerPoolError } from "./errors.js";
import type { LayerPlan, StateArrays } from "./statevectorKernels.js";
import { CMD, CTL, barrierWait, waitAtLeast } from "./workerProtocol.js";

/** A command or barrier that takes longer than this means a worker died. */
const TIMEOUT_MS = 120_000;

/**
 * Worker threads for the statevector passes. The calling thread is participant 0 and blocks on
 * Atomics while the workers run their shares, so `QaoaSimulator` stays synchronous. Workers are
 * started once and reused by every simulator (start-up costs ~60–300 ms); they are unref'd, so an
 * idle pool never keeps the process alive, and `closeStatevectorPool()` terminates them.
 *
 * @example
 * const pool = sharedStatevectorPool(2);
 * pool.attach(sim, arrays, plan, 2);
 * pool.dispatch(CMD.reset, () => resetRange(arrays, plan, 0, half));
 */
export class StatevectorPool {
  /** Threads including the caller. */
  readonly participants: number;
  private readonly workers: Worker[];
  private readonly ports: MessagePort[];
  private readonly ctl: Int32Array;
  private readonly params: Float64Array;
  private owner: object | undefined;
  private attachedParts = 1;
  private closing: Promise<void> | undefined;

  constructor(participants: number) {
    this.participants = participants;
    this.ctl = new Int32Array(new SharedArrayBuffer(CTL.length * 4));
    this.params = new Float64Array(new SharedArrayBuffer(8 * 4));
    // Under tsx (tests, benchmarks) the worker is TypeScript and needs the loader too.
    const ts = import.meta.url.endsWith(".ts");
    const url = new URL(`./statevectorWorker.${ts ? "ts" : "js"}`, import.meta.url);
    const execArgv = ts ? ["--import", import.meta.resolve("tsx/esm")] : [];
    this.workers = [];
    this.ports = [];
    for (let part = 1; part < participants; part++) {
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(url, {
        workerData: { ctl: this.ctl, params: this.params, port: port2, part },
        transferList: [port2],
        execArgv,
      });
      worker.unref();
      port1.unref();
      this.workers.push(worker);
      this.ports.push(port1);
    }
    if (!waitAtLeast(this.ctl, CTL.ready, this.workers.length, TIMEOUT_MS)) {
      void this.close();
      throw new WorkerPoolError(`statevector workers did not start within ${TIMEOUT_MS} ms`);
    }
  }

  get closed(): boolean {
    return this.closing !== undefined;
  }

  isAttached(owner: object): boolean {
    return this.owner === owner;
  }

  /** Points the workers at a simulator's shared arrays; `parts` threads (≤ participants) take part. */
  attach(owner: object, st: StateArrays, plan: LayerPlan, parts: number): void {
    for (const port of this.ports) port.postMessage({ st, plan, parts });
    this.owner = owner;
    this.attachedParts = parts;
    this.dispatch(CMD.attach, () => undefined);
  }

  /** Drops the workers' references to the owner's arrays so they can be collected. */
  detach(owner: object): void {
    if (this.owner !== owner || this.closed) return;
    this.dispatch(CMD.detach, () => undefined);
    this.owner = undefined;
  }

  /** Barrier for participant 0 over the attached parts. */
  readonly barrier = (): void => barrierWait(this.ctl, this.attachedParts, TIMEOUT_MS);

  /** Runs `command` on every worker and `ownShare` on this thread; returns when all are done. */
  dispatch(command: number, ownShare: () => void, params: readonly number[] = []): void {
    if (this.closed) throw new WorkerPoolError("statevector pool is closed");
    const { ctl } = this;
    this.params.set(params);
    Atomics.store(ctl, CTL.done, 0);
    Atomics.store(ctl, CTL.command, command);
    Atomics.add(ctl, CTL.generation, 1);
    Atomics.notify(ctl, CTL.generation);
    let failure: unknown;
    try {
      ownShare();
    } catch (e) {
      failure = e;
    }
    const finished = waitAtLeast(ctl, CTL.done, this.workers.length, TIMEOUT_MS);
    if (failure !== undefined || !finished || Atomics.load(ctl, CTL.error) !== 0) {
      void this.close();
      throw new WorkerPoolError(
        finished
          ? "a statevector worker failed"
          : `statevector workers did not answer within ${TIMEOUT_MS} ms`,
        { cause: failure },
      );
    }
  }

  /** Stops every worker; resolves once all have exited. */
  close(): Promise<void> {
    if (!this.closing) {
      if (shared === this) shared = undefined;
      Atomics.store(this.ctl, CTL.command, CMD.exit);
      Atomics.add(this.ctl, CTL.generation, 1);
      Atomics.notify(this.ctl, CTL.generation);
      for (const port of this.ports) port.close();
      this.closing = Promise.all(this.workers.map((w) => w.terminate())).then(() => undefined);
    }
    return this.closing;
  }
}

let shared: StatevectorPool | undefined;

/** The process-wide pool, (re)started with at least `participants` threads. */
export function sharedStatevectorPool(participants: number): StatevectorPool {
  if (!shared || shared.participants < participants) {
    void shared?.close();
    shared = new StatevectorPool(participants);
  }
  return shared;
}

/** Detaches `owner` from the shared pool if it is attached (never starts a pool). */
export function releaseStatevectorPool(owner: object): void {
  shared?.detach(owner);
}

/** Terminates the shared pool's workers (a later threaded run starts a new pool). */
export function closeStatevectorPool(): Promise<void> {
  return shared ? shared.close() : Promise.resolve();
}

/** Live worker threads in the shared pool (0 after `closeStatevectorPool`), for tests. */
export function statevectorWorkerCount(): number {
  return shared && !shared.closed ? shared.participants - 1 : 0;
}
