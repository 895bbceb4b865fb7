// Optimizer benchmark on rolling windows of real daily closes: QAOA (X and XY-ring mixers,
// p = 1..4, with and without noise) against exact, annealing and greedy. Reports approximation
// ratio, probability of sampling the optimum and latency with bootstrap 95% CIs, and paired
// Wilcoxon signed-rank tests. Run: npm run bench:optimizer  (results also in bench/results/).
import { mkdirSync, writeFileSync } from "node:fs";
import { bootstrapMeanCi } from "../offchain/optimizer/bootstrapMeanCi.js";
import { buildProblem } from "../offchain/optimizer/buildProblem.js";
import type { PortfolioProblem } from "../offchain/optimizer/buildProblem.js";
import type { NoiseModel } from "../offchain/optimizer/noise.js";
import type { MixerKind } from "../offchain/optimizer/QaoaSimulator.js";
import { Rng } from "../offchain/optimizer/rng.js";
import { runQaoa } from "../offchain/optimizer/runQaoa.js";
import type { QaoaResult } from "../offchain/optimizer/runQaoa.js";
import { isFeasible, selectionCost } from "../offchain/optimizer/selectionCost.js";
import { solveAnnealing } from "../offchain/optimizer/solveAnnealing.js";
import { solveExact } from "../offchain/optimizer/solveExact.js";
import { solveGreedy } from "../offchain/optimizer/solveGreedy.js";
import { decodeQubo, toQubo } from "../offchain/optimizer/toQubo.js";
import { wilcoxonSignedRank } from "../offchain/optimizer/wilcoxonSignedRank.js";
import { dataDir, loadDailyCloses } from "./loadDailyCloses.js";

const INSTANCES = Number(process.env.BENCH_INSTANCES ?? 200);
const WINDOW = 90; // days of returns for the covariance
const NOISE: NoiseModel = { depolarizing1q: 1e-4, depolarizing2q: 2e-3, readout: 1e-2 };

const data = loadDailyCloses();
const T = data.timestamps.length;
console.log(`data: ${dataDir()} — ${data.assets.length} assets, ${T} common days`);

/** Instance from the window ending at day `end`: scores are a moving-average baseline (close/SMA20 − 1). */
function instance(
  end: number,
  n: number,
  k: number,
  rng: Rng,
  mode: "long-only" | "long-short",
): PortfolioProblem {
  const pool = data.assets.map((_, i) => i);
  for (let i = pool.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  const cols = pool.slice(0, n).sort((a, b) => a - b);
  const returns: number[][] = [];
  for (let t = end - WINDOW + 1; t <= end; t++)
    returns.push(cols.map((c) => Math.log(data.closes[t]![c]! / data.closes[t - 1]![c]!)));
  const scores = cols.map((c) => {
    let sma = 0;
    for (let t = end - 19; t <= end; t++) sma += data.closes[t]![c]! / 20;
    return data.closes[end]![c]! / sma - 1;
  });
  return buildProblem({
    assets: cols.map((c) => data.assets[c]!),
    scores,
    returns,
    k,
    mode,
    alpha: 1,
    beta: 2,
  });
}

interface Sample {
  ratio: number;
  /** (worst − ⟨C⟩)/(worst − best): quality of the whole distribution, not just the best shot. */
  expRatio: number;
  pOpt: number;
  ms: number;
  optimal: number;
}
const results = new Map<string, Sample[]>();
const push = (key: string, s: Sample): void =>
  void (results.get(key) ?? results.set(key, []).get(key)!).push(s);

function ratioOf(cost: number, best: number, worst: number): number {
  return worst - best > 1e-300 ? (worst - cost) / (worst - best) : 1;
}

const t0 = performance.now();
const rng = new Rng(2024);
for (let inst = 0; inst < INSTANCES; inst++) {
  const n = inst % 2 ? 10 : 8;
  const k = n === 8 ? 3 : 4;
  const end = WINDOW + 20 + Math.floor(((T - WINDOW - 21) * inst) / INSTANCES); // rolling window end
  const problem = instance(end, n, k, rng, inst % 4 < 2 ? "long-only" : "long-short");
  const sel = problem.selection;
  let t = performance.now();
  const exact = solveExact(sel);
  push("exact", { ratio: 1, expRatio: 1, pOpt: 1, ms: performance.now() - t, optimal: 1 });
  const classical = (name: string, f: () => { cost: number }): void => {
    const s = performance.now();
    const r = f();
    const ratio = ratioOf(r.cost, exact.cost, exact.worstCost);
    push(name, {
      ratio,
      expRatio: ratio,
      pOpt: NaN,
      ms: performance.now() - s,
      optimal: ratio > 1 - 1e-9 ? 1 : 0,
    });
  };
  classical("greedy", () => solveGreedy(sel));
  classical("annealing", () => solveAnnealing(sel, { seed: inst, sweeps: 200 }));
  for (const mixer of ["xy-ring", "x"] as MixerKind[])
    for (const noisy of [false, true]) {
      const qubo = toQubo(sel, { budgetPenalty: mixer === "x" });
      let prev: QaoaResult | undefined;
      let elapsed = 0;
      for (let p = 1; p <= 4; p++) {
        t = performance.now();
        // Angle transfer: each depth starts from the previous depth's optimum (INTERP inside).
        const r = runQaoa(qubo, {
          p,
          mixer,
          seed: inst,
          shots: 1024,
          maxEvaluations: 80,
          noise: noisy ? NOISE : undefined,
          initialAngles: prev && { gammas: prev.gammas, betas: prev.betas },
        });
        elapsed += performance.now() - t;
        prev = r;
        const x = decodeQubo(qubo, sel.n, r.bits);
        const ratio = isFeasible(sel, x) ? ratioOf(selectionCost(sel, x), exact.cost, exact.worstCost) : 0;
        push(`qaoa-${mixer}-p${p}${noisy ? "-noisy" : ""}`, {
          ratio,
          expRatio: ratioOf(r.expectation, exact.cost, exact.worstCost),
          pOpt: r.groundProbability,
          ms: elapsed,
          optimal: ratio > 1 - 1e-9 ? 1 : 0,
        });
      }
    }
  if ((inst + 1) % 40 === 0)
    console.log(`  ${inst + 1}/${INSTANCES} instances, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}

console.log(
  `\n${INSTANCES} instances (n = 8, k = 3 and n = 10, k = 4; 90-day windows), 1024 shots, mean [95% bootstrap CI]`,
);
console.log(
  "method                    approx. ratio (best of shots)   ratio of <C>                 P(optimum)                 optimal found   latency ms (median)",
);
const summary: Record<string, unknown> = {};
const fmt = (c: { mean: number; lo: number; hi: number }, d = 4): string =>
  `${c.mean.toFixed(d)} [${c.lo.toFixed(d)}, ${c.hi.toFixed(d)}]`;
for (const [name, xs] of results) {
  const ratio = bootstrapMeanCi(
    xs.map((s) => s.ratio),
    { seed: 1 },
  );
  const p = xs.every((s) => Number.isNaN(s.pOpt))
    ? undefined
    : bootstrapMeanCi(
        xs.map((s) => s.pOpt),
        { seed: 2 },
      );
  const expRatio = bootstrapMeanCi(
    xs.map((s) => s.expRatio),
    { seed: 3 },
  );
  const optimal = xs.reduce((a, s) => a + s.optimal, 0) / xs.length;
  const ms = xs.map((s) => s.ms).sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  summary[name] = {
    ratio,
    expectationRatio: expRatio,
    pOptimum: p ?? null,
    optimalFraction: optimal,
    medianMs: ms,
  };
  console.log(
    `${name.padEnd(26)}${fmt(ratio).padEnd(32)}${fmt(expRatio).padEnd(29)}${(p ? fmt(p) : "—").padEnd(27)}${(optimal * 100).toFixed(1).padStart(6)}%` +
      `${ms.toFixed(2).padStart(16)}`,
  );
}

const tests: Record<string, unknown> = {};
const compare = (label: string, a: string, b: string, field: "ratio" | "pOpt" | "expRatio"): void => {
  const r = wilcoxonSignedRank(
    results.get(a)!.map((s) => s[field]),
    results.get(b)!.map((s) => s[field]),
  );
  tests[label] = r;
  console.log(
    `${label.padEnd(58)} n=${String(r.n).padStart(3)}  z=${r.z.toFixed(2).padStart(6)}  p=${r.p < 1e-6 ? "<1e-6" : r.p.toExponential(2)}`,
  );
};
console.log("\nWilcoxon signed-rank (paired by instance; z > 0 means the first is larger)");
compare("ratio: QAOA xy-ring p=4 vs annealing", "qaoa-xy-ring-p4", "annealing", "ratio");
compare("ratio: QAOA xy-ring p=4 vs greedy", "qaoa-xy-ring-p4", "greedy", "ratio");
compare("ratio: annealing vs greedy", "annealing", "greedy", "ratio");
compare("P(opt): xy-ring p=2 vs x p=2", "qaoa-xy-ring-p2", "qaoa-x-p2", "pOpt");
compare("P(opt): xy-ring p=4 vs xy-ring p=1", "qaoa-xy-ring-p4", "qaoa-xy-ring-p1", "pOpt");
compare("P(opt): x p=4 vs x p=1", "qaoa-x-p4", "qaoa-x-p1", "pOpt");
compare("P(opt): xy-ring p=2 noiseless vs noisy", "qaoa-xy-ring-p2", "qaoa-xy-ring-p2-noisy", "pOpt");
compare(
  "ratio of <C>: xy-ring p=2 noiseless vs noisy",
  "qaoa-xy-ring-p2",
  "qaoa-xy-ring-p2-noisy",
  "expRatio",
);
compare("ratio of <C>: xy-ring p=4 vs x p=4", "qaoa-xy-ring-p4", "qaoa-x-p4", "expRatio");

// Larger registers: a few instances per size, XY ring p = 1..2 with a small evaluation budget.
console.log(
  "\nlarger n (XY ring, 40 evaluations per depth after the 80-point grid; exact bound by enumeration)",
);
console.log(
  "n   k   instances  QAOA p=2 ratio  P(opt) p=2   QAOA ms   annealing ratio  annealing ms  exact ms",
);
const scaling: unknown[] = [];
for (const n of [14, 16, 18, 20]) {
  const k = Math.round(n / 3);
  const acc = { ratio: 0, pOpt: 0, ms: 0, saRatio: 0, saMs: 0, exMs: 0 };
  const count = n <= 16 ? 2 : 1;
  for (let i = 0; i < count; i++) {
    const problem = instance(
      WINDOW + 20 + Math.floor(((T - WINDOW - 21) * (i + 1)) / 3),
      n,
      k,
      rng,
      "long-short",
    );
    const sel = problem.selection;
    let t = performance.now();
    const exact = solveExact(sel);
    acc.exMs += (performance.now() - t) / count;
    t = performance.now();
    const sa = solveAnnealing(sel, { seed: i, sweeps: 200 });
    acc.saMs += (performance.now() - t) / count;
    acc.saRatio += ratioOf(sa.cost, exact.cost, exact.worstCost) / count;
    const qubo = toQubo(sel, { budgetPenalty: false });
    t = performance.now();
    const r = runQaoa(qubo, { p: 2, mixer: "xy-ring", seed: i, maxEvaluations: 40 });
    acc.ms += (performance.now() - t) / count;
    const x = decodeQubo(qubo, sel.n, r.bits);
    acc.ratio +=
      (isFeasible(sel, x) ? ratioOf(selectionCost(sel, x), exact.cost, exact.worstCost) : 0) / count;
    acc.pOpt += r.groundProbability / count;
  }
  scaling.push({ n, k, instances: count, ...acc });
  console.log(
    `${String(n).padEnd(4)}${String(k).padEnd(4)}${String(count).padEnd(11)}${acc.ratio.toFixed(4).padEnd(16)}` +
      `${acc.pOpt.toExponential(2).padEnd(13)}${acc.ms.toFixed(0).padStart(8)}${acc.saRatio.toFixed(4).padStart(17)}` +
      `${acc.saMs.toFixed(1).padStart(14)}${acc.exMs.toFixed(1).padStart(10)}`,
  );
}
console.log(`\ntotal ${((performance.now() - t0) / 1000).toFixed(0)} s`);
mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
writeFileSync(
  new URL("./results/optimizer.json", import.meta.url),
  JSON.stringify({ instances: INSTANCES, noise: NOISE, summary, tests, scaling }, null, 2) + "\n",
);
