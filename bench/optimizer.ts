// Optimizer benchmark on rolling windows of real daily closes: QAOA (X and XY-ring mixers,
// p = 1..4, with and without noise) against exact, annealing and greedy on 220 instances with
// n = 8..20 assets. Reports approximation ratio, probability of sampling the optimum and latency
// with bootstrap 95% CIs per n and pooled, and paired Wilcoxon signed-rank tests.
// Run: npm run bench:optimizer  (results also in bench/results/).
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { bootstrapMeanCi } from "../offchain/optimizer/bootstrapMeanCi.js";
import { buildProblem } from "../offchain/optimizer/buildProblem.js";
import type { PortfolioProblem } from "../offchain/optimizer/buildProblem.js";
import { integerScaledQubo } from "../offchain/optimizer/integerScaledQubo.js";
import type { NoiseModel } from "../offchain/optimizer/noise.js";
import { binomial } from "../offchain/optimizer/QaoaSimulator.js";
import type { MixerKind } from "../offchain/optimizer/QaoaSimulator.js";
import { Rng } from "../offchain/optimizer/rng.js";
import { runQaoa } from "../offchain/optimizer/runQaoa.js";
import type { QaoaResult } from "../offchain/optimizer/runQaoa.js";
import { isFeasible, selectionCost } from "../offchain/optimizer/selectionCost.js";
import { solveAnnealing } from "../offchain/optimizer/solveAnnealing.js";
import { solveExact } from "../offchain/optimizer/solveExact.js";
import { solveGreedy } from "../offchain/optimizer/solveGreedy.js";
import { closeStatevectorPool } from "../offchain/optimizer/StatevectorPool.js";
import { decodeQubo } from "../offchain/optimizer/toQubo.js";
import { nearlyEqual } from "../offchain/optimizer/nearlyEqual.js";
import type { Tolerance } from "../offchain/optimizer/nearlyEqual.js";
import { wilcoxonSignedRank } from "../offchain/optimizer/wilcoxonSignedRank.js";
import { dataDir, loadDailyCloses } from "./loadDailyCloses.js";

const WINDOW = 90; // days of returns for the covariance
const NOISE: NoiseModel = { depolarizing1q: 1e-4, depolarizing2q: 2e-3, readout: 1e-2 };
const SHOTS = 1024;
/** BENCH_INSTANCE_SCALE=0.05 gives a quick smoke run (at least one instance per size). */
const SCALE = Number(process.env.BENCH_INSTANCE_SCALE ?? 1);

/**
 * Instances and QAOA budget per register size, chosen so the run stays under ~10 minutes on two
 * shared cores: full grid (both mixers, p = 1..4, clean and noisy) up to n = 12, then fewer
 * depths, no noisy runs (the readout channel costs O(n·2ⁿ) per evaluation) and fewer instances.
 */
const PLAN: readonly {
  n: number;
  k: number;
  count: number;
  /** Deepest circuit per mixer. */
  maxP: Readonly<Record<"xy-ring" | "x", number>>;
  noisy: boolean;
  maxEvaluations: number;
}[] = [
  { n: 8, k: 3, count: 40, maxP: { "xy-ring": 4, x: 4 }, noisy: true, maxEvaluations: 80 },
  { n: 10, k: 4, count: 40, maxP: { "xy-ring": 4, x: 4 }, noisy: true, maxEvaluations: 80 },
  { n: 12, k: 4, count: 40, maxP: { "xy-ring": 4, x: 4 }, noisy: true, maxEvaluations: 80 },
  { n: 14, k: 5, count: 40, maxP: { "xy-ring": 3, x: 3 }, noisy: true, maxEvaluations: 60 },
  { n: 16, k: 5, count: 40, maxP: { "xy-ring": 3, x: 2 }, noisy: false, maxEvaluations: 60 },
  { n: 18, k: 6, count: 12, maxP: { "xy-ring": 2, x: 2 }, noisy: false, maxEvaluations: 40 },
  { n: 20, k: 7, count: 8, maxP: { "xy-ring": 2, x: 1 }, noisy: false, maxEvaluations: 30 },
];

const data = loadDailyCloses();
const T = data.timestamps.length;
console.log(
  `data: ${dataDir()} — ${data.assets.length} assets, ${T} common days; ${availableParallelism()} cores`,
);

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
  /** P(optimum) × number of feasible portfolios: gain over uniform sampling, comparable across n. */
  lift: number;
  ms: number;
  optimal: number;
}
/** method → instance id → sample. */
const results = new Map<string, Map<number, Sample>>();
const sizeOf: number[] = [];
const push = (key: string, id: number, s: Sample): void =>
  void (results.get(key) ?? results.set(key, new Map()).get(key)!).set(id, s);

function ratioOf(cost: number, best: number, worst: number): number {
  return worst - best > 1e-300 ? (worst - cost) / (worst - best) : 1;
}

const t0 = performance.now();
const rng = new Rng(2024);
let id = 0;
for (const plan of PLAN) {
  const { n, k } = plan;
  const feasible = binomial(n, k);
  const count = Math.max(1, Math.round(plan.count * SCALE));
  for (let j = 0; j < count; j++, id++) {
    const end = WINDOW + 20 + Math.floor(((T - WINDOW - 21) * j) / count); // rolling window end
    const problem = instance(end, n, k, rng, j % 4 < 2 ? "long-only" : "long-short");
    sizeOf[id] = n;
    const sel = problem.selection;
    let t = performance.now();
    const exact = solveExact(sel);
    push("exact", id, {
      ratio: 1,
      expRatio: 1,
      pOpt: 1,
      lift: feasible,
      ms: performance.now() - t,
      optimal: 1,
    });
    const classical = (name: string, f: () => { cost: number }): void => {
      const s = performance.now();
      const r = f();
      const ratio = ratioOf(r.cost, exact.cost, exact.worstCost);
      push(name, id, {
        ratio,
        expRatio: ratio,
        pOpt: NaN,
        lift: NaN,
        ms: performance.now() - s,
        optimal: ratio > 1 - 1e-9 ? 1 : 0,
      });
    };
    classical("greedy", () => solveGreedy(sel));
    classical("annealing", () => solveAnnealing(sel, { seed: id, sweeps: 200 }));
    for (const mixer of ["xy-ring", "x"] as MixerKind[])
      for (const noisy of plan.noisy ? [false, true] : [false]) {
        // The orchestrator's default: integer levels when rounding keeps the ground state.
        const { qubo } = integerScaledQubo(sel, { budgetPenalty: mixer === "x" });
        let prev: QaoaResult | undefined;
        let elapsed = 0;
        for (let p = 1; p <= plan.maxP[mixer as "xy-ring" | "x"]; p++) {
          t = performance.now();
          // Angle transfer: each depth starts from the previous depth's optimum (INTERP inside).
          const r = runQaoa(qubo, {
            p,
            mixer,
            seed: id,
            shots: SHOTS,
            maxEvaluations: plan.maxEvaluations,
            noise: noisy ? NOISE : undefined,
            initialAngles: prev && { gammas: prev.gammas, betas: prev.betas },
          });
          elapsed += performance.now() - t;
          prev = r;
          const x = decodeQubo(qubo, sel.n, r.bits);
          const ratio = isFeasible(sel, x) ? ratioOf(selectionCost(sel, x), exact.cost, exact.worstCost) : 0;
          push(`qaoa-${mixer}-p${p}${noisy ? "-noisy" : ""}`, id, {
            ratio,
            expRatio: ratioOf(r.expectation / qubo.energyScale, exact.cost, exact.worstCost),
            pOpt: r.groundProbability,
            lift: r.groundProbability * feasible,
            ms: elapsed,
            optimal: ratio > 1 - 1e-9 ? 1 : 0,
          });
        }
      }
  }
  console.log(
    `  n = ${n}: ${count} instances done, ${((performance.now() - t0) / 1000).toFixed(0)} s elapsed`,
  );
}
await closeStatevectorPool();
const INSTANCES = id;

const fmt = (c: { mean: number; lo: number; hi: number }, d = 4): string =>
  `${c.mean.toFixed(d)} [${c.lo.toFixed(d)}, ${c.hi.toFixed(d)}]`;
const fmtE = (c: { mean: number; lo: number; hi: number }): string =>
  `${c.mean.toExponential(2)} [${c.lo.toExponential(2)}, ${c.hi.toExponential(2)}]`;

/** Mean [95% bootstrap CI] of every metric over the instances in `ids`. */
function summarise(xs: Sample[]): Record<string, unknown> & { line: string } {
  const ci = (f: (s: Sample) => number, seed: number) => bootstrapMeanCi(xs.map(f), { seed });
  const ratio = ci((s) => s.ratio, 1);
  const expRatio = ci((s) => s.expRatio, 3);
  const hasP = !xs.every((s) => Number.isNaN(s.pOpt));
  const p = hasP ? ci((s) => s.pOpt, 2) : undefined;
  const lift = hasP ? ci((s) => s.lift, 4) : undefined;
  const optimal = xs.reduce((a, s) => a + s.optimal, 0) / xs.length;
  const ms = xs.map((s) => s.ms).sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return {
    instances: xs.length,
    ratio,
    expectationRatio: expRatio,
    pOptimum: p ?? null,
    lift: lift ?? null,
    optimalFraction: optimal,
    medianMs: ms,
    line:
      `${String(xs.length).padStart(4)}  ${fmt(ratio).padEnd(32)}${fmt(expRatio, 3).padEnd(26)}` +
      `${(p ? fmtE(p) : "—").padEnd(33)}${(lift ? fmt(lift, 2) : "—").padEnd(24)}` +
      `${(optimal * 100).toFixed(1).padStart(6)}%${ms.toFixed(2).padStart(12)}`,
  };
}

const header =
  "method                     inst  approx. ratio (best of shots)   ratio of <C>              P(optimum)                       lift over uniform        found   median ms";
const summary: Record<string, Record<string, unknown>> = {};
for (const plan of PLAN) {
  console.log(
    `\nn = ${plan.n}, k = ${plan.k}: ${binomial(plan.n, plan.k)} feasible portfolios, ` +
      `≤ ${plan.maxEvaluations} evaluations per depth, ${SHOTS} shots; mean [95% bootstrap CI]`,
  );
  console.log(header);
  const section: Record<string, unknown> = {};
  for (const [name, byId] of results) {
    const xs = [...byId].filter(([i]) => sizeOf[i] === plan.n).map(([, s]) => s);
    if (xs.length === 0) continue;
    const { line, ...rest } = summarise(xs);
    section[name] = rest;
    console.log(`${name.padEnd(27)}${line}`);
  }
  summary[`n${plan.n}`] = section;
}
console.log(`\nall ${INSTANCES} instances pooled (methods run at every n)`);
console.log(header);
const pooled: Record<string, unknown> = {};
for (const [name, byId] of results) {
  if (byId.size !== INSTANCES) continue;
  const { line, ...rest } = summarise([...byId.values()]);
  pooled[name] = rest;
  console.log(`${name.padEnd(27)}${line}`);
}
summary.pooled = pooled;

/**
 * Paired values closer than this are ties, not wins. Ratios are (worst − cost)/(worst − best), so
 * an absolute 1e-9 on a ratio is 1e-9 of the instance's feasible cost range: two solvers returning
 * portfolios whose costs differ by rounding (~1e-18) tie. Probabilities and lifts get a relative
 * tolerance only.
 */
const TOLERANCE: Record<"ratio" | "pOpt" | "expRatio" | "lift", Tolerance> = {
  ratio: { absolute: 1e-9, relative: 1e-9 },
  expRatio: { absolute: 1e-9, relative: 1e-9 },
  pOpt: { relative: 1e-9 },
  lift: { relative: 1e-9 },
};
const tests: Record<string, unknown> = {};
/** Paired test over the instances (optionally of one size) where both methods ran; ties within TOLERANCE. */
const compare = (
  label: string,
  a: string,
  b: string,
  field: "ratio" | "pOpt" | "expRatio" | "lift",
  n?: number,
): void => {
  const A = results.get(a)!;
  const B = results.get(b)!;
  const ids = [...A.keys()].filter((i) => B.has(i) && (n === undefined || sizeOf[i] === n));
  const xs = ids.map((i) => A.get(i)![field]);
  const ys = ids.map((i) => B.get(i)![field]);
  const r = wilcoxonSignedRank(xs, ys, TOLERANCE[field]);
  let firstLarger = 0;
  let secondLarger = 0;
  xs.forEach((x, j) => {
    if (!Number.isFinite(x - ys[j]!) || nearlyEqual(x, ys[j]!, TOLERANCE[field])) return;
    if (x > ys[j]!) firstLarger++;
    else secondLarger++;
  });
  tests[label] = { ...r, instances: ids.length, firstLarger, secondLarger };
  console.log(
    `${label.padEnd(62)} inst=${String(ids.length).padStart(3)} first>${String(firstLarger).padStart(3)} second>${String(secondLarger).padStart(3)} ties=${String(r.ties).padStart(3)}  z=${r.z.toFixed(2).padStart(6)}  p=${r.p < 1e-6 ? "<1e-6" : r.p.toExponential(2)}`,
  );
};
console.log(
  "\nWilcoxon signed-rank (paired by instance; z > 0 means the first is larger; pairs equal within the tolerance are ties)",
);
compare("ratio: QAOA xy-ring p=2 vs annealing (all n)", "qaoa-xy-ring-p2", "annealing", "ratio");
compare("ratio: QAOA xy-ring p=2 vs greedy (all n)", "qaoa-xy-ring-p2", "greedy", "ratio");
compare("ratio: annealing vs greedy (all n)", "annealing", "greedy", "ratio");
compare("lift: xy-ring p=1 vs x p=1 (all n)", "qaoa-xy-ring-p1", "qaoa-x-p1", "lift");
compare("lift: xy-ring p=2 vs x p=2 (n ≤ 18)", "qaoa-xy-ring-p2", "qaoa-x-p2", "lift");
compare("lift: xy-ring p=2 vs xy-ring p=1 (all n)", "qaoa-xy-ring-p2", "qaoa-xy-ring-p1", "lift");
compare("P(opt): xy-ring p=4 vs xy-ring p=1 (n ≤ 12)", "qaoa-xy-ring-p4", "qaoa-xy-ring-p1", "pOpt");
compare("P(opt): x p=4 vs x p=1 (n ≤ 12)", "qaoa-x-p4", "qaoa-x-p1", "pOpt");
compare(
  "P(opt): xy-ring p=2 noiseless vs noisy (n ≤ 14)",
  "qaoa-xy-ring-p2",
  "qaoa-xy-ring-p2-noisy",
  "pOpt",
);
compare(
  "ratio of <C>: xy-ring p=2 noiseless vs noisy (n ≤ 14)",
  "qaoa-xy-ring-p2",
  "qaoa-xy-ring-p2-noisy",
  "expRatio",
);
compare("ratio of <C>: xy-ring p=3 vs x p=3 (n ≤ 14)", "qaoa-xy-ring-p3", "qaoa-x-p3", "expRatio");
for (const plan of PLAN) {
  compare(
    `ratio: QAOA xy-ring p=2 vs annealing (n = ${plan.n})`,
    "qaoa-xy-ring-p2",
    "annealing",
    "ratio",
    plan.n,
  );
  compare(`lift: xy-ring p=1 vs x p=1 (n = ${plan.n})`, "qaoa-xy-ring-p1", "qaoa-x-p1", "lift", plan.n);
}

console.log(`\ntotal ${((performance.now() - t0) / 1000).toFixed(0)} s`);
mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
writeFileSync(
  new URL("./results/optimizer.json", import.meta.url),
  JSON.stringify(
    {
      instances: INSTANCES,
      plan: PLAN,
      shots: SHOTS,
      noise: NOISE,
      seconds: (performance.now() - t0) / 1000,
      summary,
      tests,
    },
    null,
    2,
  ) + "\n",
);
