import { OptimizerConfigError } from "./errors.js";
import { validateNoise } from "./noise.js";
import type { NoiseModel } from "./noise.js";
import { checkFinite, checkInteger, checkKeys, checkOneOf, checkSeed } from "./optionChecks.js";
import type { OptimizeOptions } from "./optimizePortfolio.js";
import { MIXER_KINDS } from "./QaoaSimulator.js";

export const SOLVER_NAMES = ["qaoa", "vqe", "exact", "annealing", "greedy"] as const;

const TOP_KEYS = [
  "solver",
  "topN",
  "seed",
  "qaoa",
  "vqe",
  "qpu",
  "latencyBudgetMs",
  "minApproximationRatio",
  "minFidelity",
  "weighting",
  "maxWeight",
  "clock",
];
const QAOA_KEYS = [
  "p",
  "mixer",
  "shots",
  "optimizer",
  "maxEvaluations",
  "noise",
  "initialAngles",
  "integerLevels",
  "threads",
  "maxQubits",
];
const VQE_KEYS = ["layers", "seed", "iterations", "learningRate", "shots", "restarts"];
const QPU_KEYS = [
  "provider",
  "timeoutMs",
  "pollIntervalMs",
  "batchSize",
  "costBudget",
  "retries",
  "clock",
  "sleep",
];
const NOISE_KEYS = ["depolarizing1q", "depolarizing2q", "readout"];

/**
 * Refuses, with OptimizerConfigError, every option of `optimizePortfolio` that is of the wrong
 * type, non-finite, fractional where a count is meant, out of range, or an unknown key (a typo
 * such as `latencyBudget` would otherwise silently leave the default in force). A NaN threshold
 * would disable its check, since every comparison with NaN is false. Returns a frozen copy.
 *
 * @example
 * const options = validateOptimizeOptions({ seed: 1, qaoa: { p: 2 } });
 */
export function validateOptimizeOptions(options: OptimizeOptions): OptimizeOptions {
  checkKeys("options", options, TOP_KEYS);
  checkOneOf("solver", options.solver, SOLVER_NAMES);
  checkInteger("topN", options.topN, 1);
  checkSeed("seed", options.seed);
  checkFinite("latencyBudgetMs", options.latencyBudgetMs, 0, Number.MAX_VALUE, true);
  checkFinite("minApproximationRatio", options.minApproximationRatio, 0);
  checkFinite("minFidelity", options.minFidelity, 0, 1);
  checkOneOf("weighting", options.weighting, ["equal", "mean-variance"]);
  checkFinite("maxWeight", options.maxWeight, 0, 1, true);
  if (options.clock !== undefined && typeof options.clock !== "function")
    throw new OptimizerConfigError("clock must be a function returning milliseconds");

  const q = options.qaoa;
  checkKeys("qaoa", q, QAOA_KEYS);
  if (q) {
    checkInteger("qaoa.p", q.p, 1, 64);
    checkOneOf("qaoa.mixer", q.mixer, MIXER_KINDS);
    checkInteger("qaoa.shots", q.shots, 0);
    checkOneOf("qaoa.optimizer", q.optimizer, ["nelder-mead", "spsa"]);
    checkInteger("qaoa.maxEvaluations", q.maxEvaluations, 1);
    checkKeys("qaoa.noise", q.noise, NOISE_KEYS);
    validateNoise(q.noise ?? ({} as NoiseModel));
    if (q.integerLevels !== "auto" && q.integerLevels !== "off")
      checkInteger("qaoa.integerLevels", q.integerLevels, 2, 65_536);
    checkInteger("qaoa.threads", q.threads, 1);
    checkInteger("qaoa.maxQubits", q.maxQubits, 1);
    const a = q.initialAngles;
    if (a !== undefined) {
      checkKeys("qaoa.initialAngles", a, ["gammas", "betas"]);
      const p = q.p ?? 2;
      const ok =
        Array.isArray(a.gammas) &&
        Array.isArray(a.betas) &&
        a.gammas.length === a.betas.length &&
        a.gammas.length >= 1 &&
        a.gammas.length <= p &&
        [...a.gammas, ...a.betas].every((v) => typeof v === "number" && Number.isFinite(v));
      if (!ok)
        throw new OptimizerConfigError(
          `qaoa.initialAngles must hold 1..${p} finite gammas and as many finite betas`,
        );
    }
  }
  const v = options.vqe;
  checkKeys("vqe", v, VQE_KEYS);
  if (v) {
    checkInteger("vqe.layers", v.layers, 0, 64);
    checkSeed("vqe.seed", v.seed);
    checkInteger("vqe.iterations", v.iterations, 0);
    checkFinite("vqe.learningRate", v.learningRate, 0, Number.MAX_VALUE, true);
    checkInteger("vqe.shots", v.shots, 0);
    checkInteger("vqe.restarts", v.restarts, 1);
  }
  const qpu = options.qpu;
  checkKeys("qpu", qpu, QPU_KEYS);
  if (qpu) {
    if (typeof qpu.provider !== "object" || qpu.provider === null)
      throw new OptimizerConfigError("qpu.provider must be a QpuProvider");
    checkFinite("qpu.timeoutMs", qpu.timeoutMs, 0, Number.MAX_VALUE, true);
    checkFinite("qpu.costBudget", qpu.costBudget, 0);
    checkFinite("qpu.pollIntervalMs", qpu.pollIntervalMs, 0);
    checkInteger("qpu.batchSize", qpu.batchSize, 1);
    checkInteger("qpu.retries", qpu.retries, 0);
  }
  return Object.freeze({
    ...options,
    ...(q && { qaoa: Object.freeze({ ...q }) }),
    ...(v && { vqe: Object.freeze({ ...v }) }),
    ...(qpu && { qpu: Object.freeze({ ...qpu }) }),
  });
}
