import { Rng } from "../../../offchain/optimizer/rng.js";
import type { PortfolioInput } from "../../../offchain/optimizer/buildProblem.js";

/** Correlated synthetic returns: one market factor plus idiosyncratic noise. */
export function syntheticReturns(rng: Rng, t: number, n: number): number[][] {
  const beta = Array.from({ length: n }, () => 0.5 + rng.next());
  const vol = Array.from({ length: n }, () => 0.01 + 0.04 * rng.next());
  const rows: number[][] = [];
  for (let r = 0; r < t; r++) {
    const m = 0.02 * rng.normal();
    rows.push(beta.map((b, i) => b * m + vol[i]! * rng.normal()));
  }
  return rows;
}

/** Random portfolio instance; with `constraints` it adds bounds and a group limit at random. */
export function randomInput(seed: number, n: number, constraints = true): PortfolioInput {
  const rng = new Rng(seed);
  const assets = Array.from({ length: n }, (_, i) => `A${i}`);
  const scores = assets.map(() => rng.normal());
  const k = 1 + rng.int(n - 1);
  const forceIn: string[] = [];
  const forceOut: string[] = [];
  const groups: { name: string; assets: string[]; max: number }[] = [];
  if (constraints) {
    if (rng.next() < 0.4 && k > 1) forceIn.push(assets[rng.int(n)]!);
    const out = assets[rng.int(n)]!;
    if (rng.next() < 0.4 && !forceIn.includes(out) && n - 1 >= k) forceOut.push(out);
    if (rng.next() < 0.7) {
      const members = assets.filter(() => rng.next() < 0.5 && true);
      const forced = members.filter((a) => forceIn.includes(a)).length;
      groups.push({ name: "g", assets: members, max: Math.max(forced, rng.int(4)) });
    }
  }
  return {
    assets,
    scores,
    returns: syntheticReturns(rng, 30, n),
    k,
    alpha: 0.5 + rng.next(),
    beta: 0.5 + 2 * rng.next(),
    mode: rng.next() < 0.5 ? "long-only" : "long-short",
    forceIn,
    forceOut,
    groups,
  };
}
