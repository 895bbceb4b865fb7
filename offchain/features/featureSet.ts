/**
 * The definition of the standard feature set: column names, the indicator behind each and its
 * parameters. `FEATURES_VERSION` hashes this object, so changing a parameter changes the version;
 * bump `revision` when an indicator's implementation changes without a parameter change.
 */
export const FEATURE_SET = {
  revision: 1,
  columns: [
    { name: "logRet1", indicator: "logReturns", params: {} },
    { name: "mom5", indicator: "momentum", params: { period: 5 } },
    { name: "mom20", indicator: "momentum", params: { period: 20 } },
    { name: "smaRatio20", indicator: "close/sma-1", params: { period: 20 } },
    { name: "maCross10_50", indicator: "sma/sma-1", params: { fast: 10, slow: 50 } },
    { name: "emaRatio12", indicator: "close/ema-1", params: { period: 12 } },
    { name: "vol20", indicator: "rollingVolatility", params: { period: 20, annualised: true } },
    { name: "rsi14", indicator: "(rsi-50)/50", params: { period: 14, smoothing: "wilder" } },
    { name: "macdNorm", indicator: "macd/close", params: { fast: 12, slow: 26, signal: 9 } },
    { name: "macdSignalNorm", indicator: "macdSignal/close", params: { fast: 12, slow: 26, signal: 9 } },
    { name: "macdHistNorm", indicator: "macdHistogram/close", params: { fast: 12, slow: 26, signal: 9 } },
    { name: "bbPercentB", indicator: "bollinger.percentB", params: { period: 20, k: 2, std: "population" } },
    { name: "bbWidth", indicator: "bollinger.bandwidth", params: { period: 20, k: 2, std: "population" } },
  ],
} as const;

/** Column names of the standard feature set, in frame order. */
export const FEATURE_NAMES: readonly string[] = FEATURE_SET.columns.map((c) => c.name);
