import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export interface DailyCloses {
  readonly assets: string[];
  /** Dates (ms) present for every asset; days missing anywhere are dropped, never filled. */
  readonly timestamps: number[];
  /** closes[t][i] for timestamps[t] and assets[i]. */
  readonly closes: number[][];
}

/** `../shared/data` relative to the repo root, unless SIGIL_DATA_DIR says otherwise. */
export function dataDir(): string {
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
  return process.env.SIGIL_DATA_DIR ?? resolve(repoRoot, "../shared/data");
}

/** Reads ohlcv/1d/*.csv (header timestamp,open,high,low,close,volume) aligned on common dates. */
export function loadDailyCloses(dir = dataDir()): DailyCloses {
  const folder = join(dir, "ohlcv", "1d");
  const files = readdirSync(folder)
    .filter((f) => f.endsWith(".csv"))
    .sort();
  if (files.length === 0) throw new Error(`no CSV files in ${folder}; set SIGIL_DATA_DIR`);
  const series = files.map((f) => {
    const lines = readFileSync(join(folder, f), "utf8").trim().split("\n");
    if (lines[0]!.trim() !== "timestamp,open,high,low,close,volume")
      throw new Error(`${f}: unexpected header "${lines[0]}"`);
    const m = new Map<number, number>();
    for (const line of lines.slice(1)) {
      const cols = line.split(",");
      const ts = Number(cols[0]);
      const close = Number(cols[4]);
      if (Number.isFinite(ts) && Number.isFinite(close) && close > 0) m.set(ts, close);
    }
    return { asset: f.replace(/\.csv$/, ""), m };
  });
  const timestamps = [...series[0]!.m.keys()]
    .filter((t) => series.every((s) => s.m.has(t)))
    .sort((a, b) => a - b);
  return {
    assets: series.map((s) => s.asset),
    timestamps,
    closes: timestamps.map((t) => series.map((s) => s.m.get(t)!)),
  };
}
