import type { RunLogRecord } from "../types/decision.js";
import { esc, n2 } from "./svgPrimitives.js";

/**
 * The `portfolio_snapshot.png` picture of one decision: target weights as horizontal bars (green
 * long, red short), the scores of every scored asset, and the record's identity (time, hash,
 * model, solver) so a printed snapshot can be traced back to its run-log line.
 */
export function portfolioSnapshotSvg(record: RunLogRecord, equity: number | null = null): string {
  const weights = Object.entries(record.weights).sort(
    (a, b) => Math.abs(b[1]) - Math.abs(a[1]) || (a[0] < b[0] ? -1 : 1),
  );
  const scores = Object.entries(record.scores)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 14);
  const W = 800;
  const rows = Math.max(weights.length, scores.length, 3);
  const H = 130 + rows * 22;
  const maxW = Math.max(0.01, ...weights.map(([, w]) => Math.abs(w)));
  const maxS = Math.max(1e-9, ...scores.map(([, s]) => Math.abs(s)));
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="20" y="26" font-size="16" font-weight="bold">Portfolio decision ${esc(new Date(record.timestamp).toISOString().replace(".000Z", "Z"))}</text>`,
    `<text x="20" y="46" fill="#555">model ${esc(record.models.map((m) => m.name).join(", "))} · solver ${esc(record.optimizerMeta?.solver ?? "none")}${record.optimizerMeta?.fallback ? " (fallback)" : ""} · est. return ${(record.estimatedReturn * 100).toFixed(2)}%${equity !== null ? ` · equity ${equity.toFixed(2)}` : ""}</text>`,
    `<text x="20" y="64" fill="#888" font-size="10">record ${esc(record.hash)}</text>`,
    `<text x="20" y="92" font-weight="bold">Target weights</text>`,
    `<text x="420" y="92" font-weight="bold">Scores</text>`,
  ];
  if (weights.length === 0) parts.push(`<text x="20" y="116" fill="#555">all cash</text>`);
  weights.forEach(([s, w], i) => {
    const yy = 104 + i * 22;
    const len = (Math.abs(w) / maxW) * 220;
    parts.push(`<text x="20" y="${yy + 13}">${esc(s)}</text>`);
    parts.push(
      `<rect x="120" y="${yy + 2}" width="${n2(len)}" height="14" fill="${w >= 0 ? "#2ca02c" : "#d62728"}"/>`,
    );
    parts.push(`<text x="${n2(126 + len)}" y="${yy + 13}">${(w * 100).toFixed(1)}%</text>`);
  });
  scores.forEach(([s, v], i) => {
    const yy = 104 + i * 22;
    const len = (Math.abs(v) / maxS) * 150;
    const x0 = 600;
    parts.push(`<text x="420" y="${yy + 13}">${esc(s)}</text>`);
    parts.push(
      `<rect x="${n2(v >= 0 ? x0 : x0 - len)}" y="${yy + 2}" width="${n2(len)}" height="14" fill="${v >= 0 ? "#9ecae1" : "#fc9272"}"/>`,
    );
    parts.push(`<text x="${v >= 0 ? 520 : 520}" y="${yy + 13}" fill="#555">${v.toFixed(4)}</text>`);
  });
  parts.push(`<line x1="600" x2="600" y1="98" y2="${H - 10}" stroke="#999"/>`, "</svg>");
  return parts.join("");
}
