/**
 * Shared-memory protocol between the simulator (participant 0, the calling thread) and its worker
 * threads: one Int32Array of control words, and commands posted by bumping a generation counter.
 * Everything is synchronous (Atomics.wait), so the simulator keeps its synchronous API.
 */

/** Control word offsets. */
export const CTL = {
  /** Bumped once per command; workers sleep on it. */
  generation: 0,
  command: 1,
  /** Workers that finished the current command. */
  done: 2,
  barrierCount: 3,
  barrierSense: 4,
  /** Workers that finished loading. */
  ready: 5,
  /** Set by a worker whose command threw. */
  error: 6,
  length: 8,
} as const;

export const CMD = { attach: 1, reset: 2, layer: 3, partials: 4, detach: 5, exit: 6 } as const;

/** Spins this many times before sleeping: barrier waits are short and futex wake-ups cost ~10 µs. */
const SPIN = 2000;

/**
 * Sense-reversing barrier for `parties` threads over control words in `ctl`. Throws after
 * `timeoutMs` (only the coordinating thread passes one, so a dead worker surfaces as an error).
 */
export function barrierWait(ctl: Int32Array, parties: number, timeoutMs = Infinity): void {
  if (parties <= 1) return;
  const sense = Atomics.load(ctl, CTL.barrierSense);
  if (Atomics.add(ctl, CTL.barrierCount, 1) === parties - 1) {
    Atomics.store(ctl, CTL.barrierCount, 0);
    Atomics.add(ctl, CTL.barrierSense, 1);
    Atomics.notify(ctl, CTL.barrierSense);
    return;
  }
  for (let i = 0; i < SPIN; i++) if (Atomics.load(ctl, CTL.barrierSense) !== sense) return;
  const deadline = performance.now() + timeoutMs;
  while (Atomics.load(ctl, CTL.barrierSense) === sense) {
    const left = deadline - performance.now();
    if (left <= 0) throw new Error("statevector worker barrier timed out");
    Atomics.wait(ctl, CTL.barrierSense, sense, Math.min(left, 1000));
  }
}

/** Waits until control word `word` reaches `target`; false on timeout. */
export function waitAtLeast(ctl: Int32Array, word: number, target: number, timeoutMs: number): boolean {
  const deadline = performance.now() + timeoutMs;
  for (let i = 0; i < SPIN; i++) if (Atomics.load(ctl, word) >= target) return true;
  for (;;) {
    const v = Atomics.load(ctl, word);
    if (v >= target) return true;
    const left = deadline - performance.now();
    if (left <= 0) return false;
    Atomics.wait(ctl, word, v, Math.min(left, 1000));
  }
}
