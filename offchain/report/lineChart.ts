import { esc, fmtTick, isoDate, n2, niceTicks } from "./svgPrimitives.js";

export interface LineSeries {
  readonly name: string;
  readonly color: string;
  readonly values: readonly number[];
  /** Fill between the line and zero (e.g. drawdown). */
  readonly fill?: boolean;
}

export interface LineChartOptions {
  readonly title: string;
  readonly times: readonly number[];
  readonly series: readonly LineSeries[];
  readonly width?: number;
  readonly height?: number;
  readonly percent?: boolean;
  /** Log-scale y axis (equity over years). */
  readonly log?: boolean;
}

/** Self-contained SVG line chart with date x axis, y grid and legend. Deterministic bytes. */
export function lineChart(o: LineChartOptions): string {
  const W = o.width ?? 900;
  const H = o.height ?? 320;
  const m = { l: 64, r: 16, t: 36, b: 40 };
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const n = o.times.length;
  const tr = (v: number): number => (o.log ? Math.log10(Math.max(v, 1e-9)) : v);
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of o.series)
    for (const v of s.values) {
      if (!Number.isFinite(v)) continue;
      lo = Math.min(lo, tr(v));
      hi = Math.max(hi, tr(v));
    }
  if (o.series.some((s) => s.fill)) [lo, hi] = [Math.min(lo, 0), Math.max(hi, 0)];
  if (!Number.isFinite(lo)) [lo, hi] = [0, 1];
  if (hi === lo) [lo, hi] = [lo - 1, hi + 1];
  const t0 = o.times[0] ?? 0;
  const t1 = o.times[n - 1] ?? 1;
  const x = (i: number): number => m.l + (t1 > t0 ? ((o.times[i]! - t0) / (t1 - t0)) * pw : 0);
  const y = (v: number): number => m.t + ph - ((tr(v) - lo) / (hi - lo)) * ph;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${m.l}" y="20" font-size="14" font-weight="bold">${esc(o.title)}</text>`,
  ];
  const ticks = o.log
    ? niceTicks(lo, hi, 5).map((v) => ({ pos: v, label: fmtTick(Math.pow(10, v), false) }))
    : niceTicks(lo, hi, 5).map((v) => ({ pos: v, label: fmtTick(v, o.percent ?? false) }));
  for (const t of ticks) {
    const yy = m.t + ph - ((t.pos - lo) / (hi - lo)) * ph;
    parts.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${n2(yy)}" y2="${n2(yy)}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${m.l - 6}" y="${n2(yy + 4)}" text-anchor="end" fill="#555">${esc(t.label)}</text>`);
  }
  const xt = Math.min(6, n);
  for (let k = 0; k < xt; k++) {
    const i = Math.round((k * (n - 1)) / Math.max(1, xt - 1));
    parts.push(
      `<text x="${n2(x(i))}" y="${H - m.b + 16}" text-anchor="middle" fill="#555">${isoDate(o.times[i]!)}</text>`,
    );
  }
  parts.push(`<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`);
  // Downsample to ≤ 2 points per pixel column: same look, much smaller files for hourly runs.
  const stride = Math.max(1, Math.floor(n / (pw * 2)));
  o.series.forEach((s, si) => {
    const pts: string[] = [];
    for (let i = 0; i < n; i += stride)
      if (Number.isFinite(s.values[i]!)) pts.push(`${n2(x(i))},${n2(y(s.values[i]!))}`);
    if (n > 0 && (n - 1) % stride !== 0 && Number.isFinite(s.values[n - 1]!))
      pts.push(`${n2(x(n - 1))},${n2(y(s.values[n - 1]!))}`);
    if (s.fill && pts.length > 0)
      parts.push(
        `<polygon points="${n2(x(0))},${n2(y(0))} ${pts.join(" ")} ${n2(x(n - 1))},${n2(y(0))}" fill="${s.color}" fill-opacity="0.25" stroke="none"/>`,
      );
    parts.push(`<polyline points="${pts.join(" ")}" fill="none" stroke="${s.color}" stroke-width="1.5"/>`);
    parts.push(`<rect x="${m.l + 10 + si * 170}" y="${m.t + 8}" width="10" height="10" fill="${s.color}"/>`);
    parts.push(`<text x="${m.l + 24 + si * 170}" y="${m.t + 17}">${esc(s.name)}</text>`);
  });
  parts.push("</svg>");
  return parts.join("");
}
