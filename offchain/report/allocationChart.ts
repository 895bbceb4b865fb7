import { PALETTE, esc, isoDate, n2 } from "./svgPrimitives.js";

export interface AllocationPoint {
  readonly time: number;
  /** Signed weight per symbol (fraction of equity). */
  readonly weights: Readonly<Record<string, number>>;
}

/**
 * Stacked allocation over decisions: longs stacked above zero, shorts below, one colour per
 * symbol (legend), cash is the gap to 100 %.
 */
export function allocationChart(
  points: readonly AllocationPoint[],
  title = "Allocation",
  width = 900,
  height = 320,
): string {
  const m = { l: 64, r: 130, t: 36, b: 40 };
  const pw = width - m.l - m.r;
  const ph = height - m.t - m.b;
  const symbols = [...new Set(points.flatMap((p) => Object.keys(p.weights)))].sort();
  let top = 1;
  let bottom = 0;
  for (const p of points) {
    let up = 0;
    let dn = 0;
    for (const w of Object.values(p.weights)) {
      if (w > 0) up += w;
      else dn += w;
    }
    top = Math.max(top, up);
    bottom = Math.min(bottom, dn);
  }
  const n = points.length;
  const t0 = points[0]?.time ?? 0;
  const t1 = points[n - 1]?.time ?? 1;
  const x = (t: number): number => m.l + (t1 > t0 ? ((t - t0) / (t1 - t0)) * pw : 0);
  const y = (v: number): number => m.t + ph - ((v - bottom) / (top - bottom)) * ph;
  const barW = Math.max(1, pw / Math.max(1, n));
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${m.l}" y="20" font-size="14" font-weight="bold">${esc(title)}</text>`,
  ];
  for (const v of [bottom, 0, top / 2, top]) {
    parts.push(`<line x1="${m.l}" x2="${m.l + pw}" y1="${n2(y(v))}" y2="${n2(y(v))}" stroke="#e5e5e5"/>`);
    parts.push(
      `<text x="${m.l - 6}" y="${n2(y(v) + 4)}" text-anchor="end" fill="#555">${Math.round(v * 100)}%</text>`,
    );
  }
  for (const p of points) {
    let up = 0;
    let dn = 0;
    for (const s of symbols) {
      const w = p.weights[s] ?? 0;
      if (w === 0) continue;
      const color = PALETTE[symbols.indexOf(s) % PALETTE.length]!;
      let a: number;
      let b: number;
      if (w > 0) [a, b, up] = [up, up + w, up + w];
      else [a, b, dn] = [dn + w, dn, dn + w];
      parts.push(
        `<rect x="${n2(x(p.time))}" y="${n2(y(b))}" width="${n2(barW)}" height="${n2(Math.max(0, y(a) - y(b)))}" fill="${color}"/>`,
      );
    }
  }
  const xt = Math.min(6, n);
  for (let k = 0; k < xt; k++) {
    const i = Math.round((k * (n - 1)) / Math.max(1, xt - 1));
    parts.push(
      `<text x="${n2(x(points[i]!.time))}" y="${height - m.b + 16}" text-anchor="middle" fill="#555">${isoDate(points[i]!.time)}</text>`,
    );
  }
  symbols.slice(0, 20).forEach((s, i) => {
    parts.push(
      `<rect x="${width - m.r + 10}" y="${m.t + i * 14}" width="10" height="10" fill="${PALETTE[i % PALETTE.length]}"/>`,
    );
    parts.push(`<text x="${width - m.r + 24}" y="${m.t + i * 14 + 9}">${esc(s)}</text>`);
  });
  parts.push(
    `<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`,
    "</svg>",
  );
  return parts.join("");
}
