import type { MetricReport } from "./evaluatePredictions.js";
import type { ModelCard } from "./ModelCard.js";

const day = (ms: number): string => (Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 10) : "n/a");
const f = (x: number, d = 4): string => (Number.isFinite(x) ? x.toFixed(d) : "n/a");

function metricRow(name: string, m: MetricReport): string {
  const e = m.estimate;
  return `| ${name} | ${f(e.value)} | [${f(e.lo)}, ${f(e.hi)}] | [${f(m.null.nullLo)}, ${f(m.null.nullHi)}] | ${f(m.null.p, 3)} |`;
}

/**
 * The Markdown form of a model card (the JSON is the source of truth; this is for people).
 *
 * @example
 * writeFileSync("MODEL_CARD.md", renderModelCardMarkdown(card));
 */
export function renderModelCardMarkdown(card: ModelCard): string {
  const t = card.training;
  const v = card.validation;
  const lines = [
    `# Model card: ${card.name}`,
    "",
    `- **Kind:** ${card.kind}`,
    `- **Version hash:** \`${card.versionHash}\``,
    `- **Features version:** \`${card.featuresVersion}\``,
    "",
    "## Purpose",
    "",
    card.purpose,
    "",
    "## Training data",
    "",
    t
      ? `- Symbols: ${t.symbols.join(", ")}\n- Period: ${day(t.from)} .. ${day(t.to)}\n- Samples: ${t.rows}\n- Data hash: \`${t.dataHash}\`\n- Seed: ${t.seed}`
      : "- not trained",
    "",
    "## Features",
    "",
    card.columns.map((c) => `\`${c}\``).join(", "),
    "",
    "## Hyper-parameters",
    "",
    ...Object.entries(card.hyperParameters).map(([k, x]) => `- ${k}: ${JSON.stringify(x)}`),
    "",
    "## Validation",
    "",
  ];
  if (v) {
    const r = v.report;
    lines.push(
      `Walk-forward: train ${v.scheme.trainWindow}, test ${v.scheme.testWindow}, step ${v.scheme.step}, ${v.scheme.folds} folds, seed ${v.scheme.seed}.`,
      `Dataset: ${v.dataset.symbols.join(", ")}, ${day(v.dataset.from)} .. ${day(v.dataset.to)}, ${v.dataset.rows} grid points, data hash \`${v.dataset.dataHash}\`.`,
      `Out of sample: ${r.decisions} decisions on ${r.dates} dates, ${day(r.firstDate)} .. ${day(r.lastDate)}.`,
      "",
      `| metric | value | ${Math.round(r.directionalAccuracy.estimate.level * 100)} % CI (block bootstrap, ${r.bootstrap.resamples}×, block ${r.bootstrap.blockLength}) | null band (Monte Carlo, ${r.monteCarlo.runs} permutations) | p |`,
      "|---|---:|---|---|---:|",
      metricRow("directional accuracy", r.directionalAccuracy),
      metricRow("pooled IC (Spearman)", r.pooledIc),
      metricRow("mean cross-sectional IC", r.meanCrossSectionalIc),
    );
  } else lines.push("Not validated.");
  lines.push("", "## Limitations", "", ...card.limitations.map((l) => `- ${l}`), "");
  return lines.join("\n");
}
