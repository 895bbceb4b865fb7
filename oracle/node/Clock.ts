/** Wall clock in milliseconds, injected so tests and replays control time. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
