import { ASSET_KEYWORDS } from "./assetKeywords.js";

interface Pattern {
  readonly asset: string;
  readonly re: RegExp;
  readonly length: number;
}

// Longest phrases first, so "Bitcoin Cash" is claimed (and masked) before "Bitcoin".
const PATTERNS: readonly Pattern[] = Object.entries(ASSET_KEYWORDS)
  .flatMap(([asset, { names, tickers }]) => [
    ...names.map((w) => ({
      asset,
      re: new RegExp(`(?<![\\p{L}\\p{N}])${escape(w)}(?![\\p{L}\\p{N}])`, "giu"),
      length: w.length,
    })),
    ...tickers.map((w) => ({
      asset,
      re: new RegExp(`(?<![\\p{L}\\p{N}])\\$?${escape(w)}(?![\\p{L}\\p{N}])`, "gu"),
      length: w.length,
    })),
  ])
  .sort((a, b) => b.length - a.length);

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Base symbols a headline is about, by keyword (see `ASSET_KEYWORDS`), in first-mention order,
 * plus any the source tagged itself.
 *
 * @example
 * mapHeadlineToAssets("Bitcoin Cash and Ether rally") // ["BCH", "ETH"]
 */
export function mapHeadlineToAssets(text: string, tagged: readonly string[] = []): string[] {
  let masked = text;
  const found = new Map<string, number>();
  for (const p of PATTERNS) {
    masked = masked.replace(p.re, (m: string, offset: number) => {
      if (!found.has(p.asset) || found.get(p.asset)! > offset) found.set(p.asset, offset);
      return " ".repeat(m.length);
    });
  }
  const out = [...found.entries()].sort((a, b) => a[1] - b[1]).map(([a]) => a);
  for (const t of tagged) if (t in ASSET_KEYWORDS && !out.includes(t)) out.push(t);
  return out;
}
