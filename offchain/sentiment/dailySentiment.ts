import { SentimentInputError } from "./errors.js";
import type { Headline } from "./Headline.js";
import { mapHeadlineToAssets } from "./mapHeadlineToAssets.js";
import { scoreHeadline } from "./scoreHeadline.js";

const DAY_MS = 86_400_000;

/** Sentiment of one asset on one UTC day. A day without headlines has `score: null` and is flagged. */
export type DailySentiment =
  | {
      readonly symbol: string;
      readonly day: number;
      readonly score: number;
      readonly count: number;
      readonly flag: null;
    }
  | {
      readonly symbol: string;
      readonly day: number;
      readonly score: null;
      readonly count: 0;
      readonly flag: "no-headlines";
    };

/**
 * Mean headline score per asset and UTC day over [fromDay, toDay) (both day starts, ms), for every
 * requested base symbol and day: days with no headline about the asset are reported with
 * `score: null, flag: "no-headlines"`, never as 0 (no news is not neutral news).
 *
 * @example
 * dailySentiment(headlines, ["BTC", "ETH"], Date.UTC(2021, 0, 1), Date.UTC(2021, 1, 1))
 */
export function dailySentiment(
  headlines: readonly Headline[],
  symbols: readonly string[],
  fromDay: number,
  toDay: number,
): DailySentiment[] {
  if (fromDay % DAY_MS !== 0 || toDay % DAY_MS !== 0 || toDay < fromDay)
    throw new SentimentInputError(
      `dailySentiment: fromDay ${fromDay} and toDay ${toDay} must be UTC day starts (ms) with fromDay <= toDay`,
    );
  const sums = new Map<string, { sum: number; count: number }>();
  const wanted = new Set(symbols);
  for (const h of headlines) {
    if (h.timestamp < fromDay || h.timestamp >= toDay) continue;
    const day = h.timestamp - (h.timestamp % DAY_MS);
    const assets = mapHeadlineToAssets(h.text, h.tagged).filter((a) => wanted.has(a));
    if (assets.length === 0) continue;
    const s = scoreHeadline(h.text);
    for (const a of assets) {
      const key = `${a}@${day}`;
      const acc = sums.get(key) ?? { sum: 0, count: 0 };
      acc.sum += s;
      acc.count++;
      sums.set(key, acc);
    }
  }
  const out: DailySentiment[] = [];
  for (const symbol of symbols)
    for (let day = fromDay; day < toDay; day += DAY_MS) {
      const acc = sums.get(`${symbol}@${day}`);
      out.push(
        acc
          ? { symbol, day, score: acc.sum / acc.count, count: acc.count, flag: null }
          : { symbol, day, score: null, count: 0, flag: "no-headlines" },
      );
    }
  return out;
}
