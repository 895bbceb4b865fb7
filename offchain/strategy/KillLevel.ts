/** Kill-switch levels, in the order of `IRiskPolicy.KillLevel` (higher = stricter). */
export enum KillLevel {
  Normal = 0,
  /** No position may be opened (from flat) or flipped. */
  NoNewEntries = 1,
  /** No position may grow (and none opened or flipped). */
  ReduceOnly = 2,
  /** Only the all-flat target is allowed. */
  Flatten = 3,
}
