import type { CandleStore } from "../data/CandleStore.js";
import { PostgresCandleStore } from "../data/PostgresCandleStore.js";
import { SqliteCandleStore } from "../data/SqliteCandleStore.js";
import { ConfigError } from "../engine/errors.js";

/** `sqlite:PATH` or `postgres://…` → a candle store. */
export function openStore(url: string): CandleStore {
  if (url.startsWith("sqlite:")) return new SqliteCandleStore(url.slice("sqlite:".length));
  if (url.startsWith("postgres://") || url.startsWith("postgresql://"))
    return new PostgresCandleStore({ connectionString: url });
  throw new ConfigError(`unknown store "${url}"`, { hint: "sqlite:PATH or postgres://user@host/db" });
}
