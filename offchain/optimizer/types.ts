/** Long-only holds selected assets; long-short holds each selected asset in its score's direction. */
export type PortfolioMode = "long-only" | "long-short";

/** At most `max` of `members` (indices into the problem's assets) may be selected. */
export interface IndexGroup {
  readonly name: string;
  readonly members: readonly number[];
  readonly max: number;
}

/**
 * The combinatorial core every solver works on: choose x ∈ {0,1}^n minimising
 * cost(x) = Σ linear[i]·x_i + Σ_{i<j} quadratic[i·n+j]·x_i·x_j
 * subject to Σ x = k, fixed[i] ∈ {-1 free, 0 out, 1 in}, and the group limits.
 * `quadratic` is symmetric with a zero diagonal.
 */
export interface SelectionProblem {
  readonly n: number;
  readonly k: number;
  readonly linear: Float64Array;
  readonly quadratic: Float64Array;
  readonly fixed: Int8Array;
  readonly groups: readonly IndexGroup[];
}

/** A solver's answer on a SelectionProblem. */
export interface SelectionResult {
  /** 0/1 per asset. */
  readonly x: Uint8Array;
  readonly cost: number;
}
