import vader from "vader-sentiment";
import { MARKET_LEXICON } from "./marketLexicon.js";

const NEGATORS = new Set([
  "not",
  "no",
  "never",
  "without",
  "isn't",
  "doesn't",
  "won't",
  "didn't",
  "can't",
  "hardly",
]);
const ALPHA = 15; // VADER's normalisation constant

/**
 * Headline sentiment in [-1, 1]: VADER's compound score with `MARKET_LEXICON` words added to its raw
 * valence sum. VADER's compound is s / sqrt(s² + 15); we invert it to the raw sum s, add the market
 * words (negated, ×-0.74 as in VADER, when one of the three preceding words is a negator) and
 * normalise again, so the result stays on VADER's scale.
 *
 * @example
 * scoreHeadline("Bitcoin plunges after exchange hack") // < 0
 */
export function scoreHeadline(text: string): number {
  const c = vader.SentimentIntensityAnalyzer.polarity_scores(text).compound;
  const clamped = Math.max(-0.9999, Math.min(0.9999, c));
  let raw = clamped * Math.sqrt(ALPHA / (1 - clamped * clamped));
  const words = text
    .toLowerCase()
    .split(/[^a-z'-]+/)
    .filter(Boolean);
  for (let i = 0; i < words.length; i++) {
    const v = MARKET_LEXICON[words[i]!];
    if (v === undefined) continue;
    const negated = words.slice(Math.max(0, i - 3), i).some((w) => NEGATORS.has(w));
    raw += negated ? v * -0.74 : v;
  }
  return raw / Math.sqrt(raw * raw + ALPHA);
}
