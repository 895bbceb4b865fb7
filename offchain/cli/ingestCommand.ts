import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { CcxtSource } from "../data/CcxtSource.js";
import { CoinGeckoSource } from "../data/CoinGeckoSource.js";
import { CsvSource } from "../data/CsvSource.js";
import { DataError as DataLayerError } from "../data/errors.js";
import { ingest } from "../data/ingest.js";
import type { MarketDataSource } from "../data/MarketDataSource.js";
import { ResilientSource } from "../data/ResilientSource.js";
import { ConfigError, MarketDataError } from "../engine/errors.js";
import type { Timeframe } from "../types/market.js";
import { TIMEFRAME_MS } from "../types/market.js";
import type { CliIo } from "./CliIo.js";
import { parseDate, parseSymbols } from "./commonOptions.js";
import { openStore } from "./openStore.js";
import { parseCommandArgs } from "./parseCommandArgs.js";
import { progress } from "./progress.js";

const HELP = `sigil ingest — fetch, validate and store candles (idempotent: re-running adds nothing)

Usage: sigil ingest --source SOURCE --symbols BTC,ETH --from DATE [--to DATE] [options]

  --source SOURCE     weex (default) | binance | kraken | indodax | tokocrypto | any ccxt id
                      | coingecko | csv (the shared CSV files)
  --symbols LIST      comma-separated, e.g. BTC,ETH or BTC/USDT
  --timeframe TF      1m 5m 15m 1h 4h 1d (default 1d)
  --from / --to DATE  candle open times, e.g. 2023-01-01 (to defaults to now)
  --store URL         sqlite:PATH (default sqlite:.sigil/candles.sqlite) or postgres://…
  --api-url URL       point a ccxt source at another base URL (e.g. the local WEEX simulator)

Gaps, partial candles, stale data and schema drift are reported as flags, never repaired.
Retries with backoff on network errors, timeouts and 429s (honouring Retry-After).`;

export async function ingestCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values: v } = parseCommandArgs("ingest", argv, {
    source: { type: "string", default: "weex" },
    symbols: { type: "string" },
    timeframe: { type: "string", default: "1d" },
    from: { type: "string" },
    to: { type: "string" },
    store: { type: "string", default: "sqlite:.sigil/candles.sqlite" },
    "api-url": { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (v.help) {
    io.out(HELP);
    return 0;
  }
  const symbols = parseSymbols(v.symbols);
  if (!symbols || symbols.length === 0)
    throw new ConfigError("ingest needs --symbols", { hint: "e.g. --symbols BTC,ETH" });
  const timeframe = String(v.timeframe) as Timeframe;
  if (TIMEFRAME_MS[timeframe] === undefined)
    throw new ConfigError(`unknown --timeframe "${timeframe}"`, {
      hint: Object.keys(TIMEFRAME_MS).join(", "),
    });
  const from = parseDate(v.from, "from");
  if (from === undefined) throw new ConfigError("ingest needs --from", { hint: "e.g. --from 2023-01-01" });
  const to = parseDate(v.to, "to") ?? Date.now();

  const source = makeSource(String(v.source), v["api-url"] as string | undefined, io);
  const storeUrl = String(v.store);
  if (storeUrl.startsWith("sqlite:"))
    mkdirSync(dirname(storeUrl.slice("sqlite:".length)), { recursive: true });
  const store = openStore(storeUrl);
  const bar = progress(io, "ingest");
  try {
    const summary = await ingest(source, symbols, timeframe, { from, to }, store, {
      onProgress: (p) => bar.update(p.index + 1, p.total),
    });
    bar.stop();
    for (const s of summary.symbols) {
      const flags = s.flags.length ? `, flags: ${s.flags.map((f) => f.kind).join(" ")}` : "";
      io.out(
        s.error
          ? `${s.symbol}: FAILED (${s.error.name}: ${s.error.message})`
          : `${s.symbol}: ${s.rowsNew} new, ${s.rowsUpdated} updated, ${s.rowsUnchanged} unchanged${flags}, data ${s.dataVersion}`,
      );
    }
    io.out(`ingested from ${summary.source} into ${storeUrl}`);
    return summary.symbols.some((s) => s.error) ? 1 : 0;
  } catch (e) {
    bar.stop();
    if (e instanceof DataLayerError)
      throw new MarketDataError(e.message, {
        hint: "check --source, --symbols and the range",
        cause: e,
        retryable: e.retryable,
      });
    throw e;
  } finally {
    await source.close?.();
    await store.close();
  }
}

function makeSource(name: string, apiUrl: string | undefined, io: CliIo): MarketDataSource {
  if (name === "csv") return new CsvSource();
  // Backoff jitter only spreads retries in wall-clock time; it never touches the data, so an
  // unseeded generator is fine here.
  const resilience = {
    random: Math.random,
    onRetry: (r: { call: string; attempt: number; waitMs: number; error: Error }) =>
      io.err(`retry ${r.attempt} of ${r.call} in ${Math.round(r.waitMs)} ms: ${r.error.message}`),
  };
  if (name === "coingecko")
    return new ResilientSource(new CoinGeckoSource(apiUrl ? { baseUrl: apiUrl } : {}), resilience);
  const apiUrls = apiUrl ? urlsFor(name, apiUrl) : undefined;
  try {
    return new ResilientSource(
      new CcxtSource(apiUrls ? { exchangeId: name, apiUrls } : { exchangeId: name }),
      resilience,
    );
  } catch (e) {
    if (e instanceof DataLayerError) throw new ConfigError(e.message, { hint: "see `sigil ingest --help`" });
    throw e;
  }
}

/** Every REST entry of the exchange's URL table pointed at one base URL (a simulator or proxy). */
function urlsFor(exchange: string, base: string): Record<string, string> {
  const b = base.replace(/\/$/, "");
  if (exchange === "weex") return { public: b, private: b, contract: b, contractPrivate: b };
  return { public: b, private: b, rest: b };
}
