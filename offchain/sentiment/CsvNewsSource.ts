import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { dataDir } from "../data/dataDir.js";
import { SentimentInputError } from "./errors.js";
import type { Headline } from "./Headline.js";
import type { NewsSource, TimeRange } from "./NewsSource.js";
import { parseCsvLine } from "./parseCsvLine.js";

/**
 * Headlines from a CSV with header `timestamp,source,text` (the shared 2020–2022 sample by default).
 * A malformed row is an error naming the line, never skipped silently.
 *
 * @example
 * const news = await new CsvNewsSource().fetchHeadlines({ from: 0, to: Date.now() });
 */
export class CsvNewsSource implements NewsSource {
  readonly name: string;
  private cache: Headline[] | undefined;

  constructor(readonly file: string = join(dataDir(), "news", "crypto-news-headlines-2020-2022.csv")) {
    this.name = `csv:${file}`;
  }

  async fetchHeadlines(range: TimeRange): Promise<Headline[]> {
    this.cache ??= await this.read();
    return this.cache.filter((h) => h.timestamp >= range.from && h.timestamp < range.to);
  }

  private async read(): Promise<Headline[]> {
    const lines = (await readFile(this.file, "utf8")).split(/\r?\n/).filter((l) => l.length > 0);
    if (lines[0] !== "timestamp,source,text")
      throw new SentimentInputError(
        `${this.file}: header must be "timestamp,source,text", got "${lines[0]}"`,
      );
    const out: Headline[] = [];
    for (let i = 1; i < lines.length; i++) {
      const f = parseCsvLine(lines[i]!);
      const ts = Number(f[0]);
      if (f.length !== 3 || !Number.isInteger(ts) || !f[2])
        throw new SentimentInputError(
          `${this.file}:${i + 1}: expected timestamp,source,text, got "${lines[i]}"`,
        );
      out.push({ timestamp: ts, source: f[1]!, text: f[2] });
    }
    return out.sort((a, b) => a.timestamp - b.timestamp);
  }
}
