import { createHash } from "node:crypto";
import { canonicalJson } from "../features/canonicalJson.js";
import { ASSET_KEYWORDS } from "./assetKeywords.js";
import { MARKET_LEXICON } from "./marketLexicon.js";

/**
 * Version of the sentiment pipeline: scorer (vader-sentiment 1.1.3 + market overlay), keyword map
 * and daily aggregation rule, hashed. Recorded beside FEATURES_VERSION when sentiment feeds a model.
 */
export const SENTIMENT_VERSION: string = `s1-${createHash("sha256")
  .update(
    canonicalJson({
      scorer: "vader-sentiment@1.1.3+market",
      MARKET_LEXICON,
      ASSET_KEYWORDS,
      aggregate: "mean-per-utc-day",
    }),
  )
  .digest("hex")
  .slice(0, 16)}`;
