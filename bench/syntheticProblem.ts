import { buildProblem } from "../offchain/optimizer/buildProblem.js";
import type { PortfolioInput, PortfolioProblem } from "../offchain/optimizer/buildProblem.js";
import { Rng } from "../offchain/optimizer/rng.js";

/** A dense random portfolio problem (one-factor returns, normal scores) for timing runs. */
export function syntheticProblem(seed: number, n: number, k: number): PortfolioProblem {
  return buildProblem(syntheticInput(seed, n, k));
}

/** The input behind `syntheticProblem`, for runs through the orchestrator. */
export function syntheticInput(seed: number, n: number, k: number): PortfolioInput {
  const rng = new Rng(seed);
  const beta = Array.from({ length: n }, () => 0.5 + rng.next());
  const vol = Array.from({ length: n }, () => 0.01 + 0.04 * rng.next());
  const returns: number[][] = [];
  for (let t = 0; t < 60; t++) {
    const m = 0.02 * rng.normal();
    returns.push(beta.map((b, i) => b * m + vol[i]! * rng.normal()));
  }
  return {
    assets: Array.from({ length: n }, (_, i) => `S${i}`),
    scores: Array.from({ length: n }, () => rng.normal()),
    returns,
    k,
  };
}
