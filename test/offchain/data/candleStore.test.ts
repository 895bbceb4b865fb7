import { expect } from "chai";
import type { CandleSeries } from "../../../offchain/types/market.js";
import type { CandleStore } from "../../../offchain/data/CandleStore.js";
import { dataVersionOf } from "../../../offchain/data/CandleStore.js";
import { ManualClock } from "../../../offchain/data/Clock.js";
import { CsvSource } from "../../../offchain/data/CsvSource.js";
import { DataInputError } from "../../../offchain/data/errors.js";
import { ingest } from "../../../offchain/data/ingest.js";
import { PostgresCandleStore } from "../../../offchain/data/PostgresCandleStore.js";
import { SqliteCandleStore } from "../../../offchain/data/SqliteCandleStore.js";
import { H, loadCandles } from "./helpers.js";

const btc = loadCandles("1h", "BTC-USDT.csv").slice(0, 48);
const series = (from: number, to: number, source = "test"): CandleSeries => ({
  symbol: "BTC/USDT",
  timeframe: "1h",
  source,
  schemaVersion: "ohlcv/1",
  candles: btc.slice(from, to),
  flags: [],
});
const key = { source: "test", symbol: "BTC/USDT", timeframe: "1h" as const };

/** The same contract, run against every CandleStore implementation. */
function conformance(
  name: string,
  make: () => Promise<{ store: CandleStore; cleanup: () => Promise<void> }>,
): void {
  describe(`CandleStore conformance: ${name}`, function () {
    let store: CandleStore;
    let cleanup: () => Promise<void>;
    beforeEach(async function () {
      ({ store, cleanup } = await make());
    });
    afterEach(async function () {
      await cleanup();
    });

    it("upserts idempotently and merges overlapping ranges", async function () {
      const a = await store.upsert(series(0, 24));
      expect(a).to.include({ inserted: 24, updated: 0, unchanged: 0 });
      const again = await store.upsert(series(0, 24));
      expect(again).to.include({ inserted: 0, updated: 0, unchanged: 24 });
      expect(again.dataVersion).to.equal(a.dataVersion);
      const overlap = await store.upsert(series(12, 48));
      expect(overlap).to.include({ inserted: 24, unchanged: 12 });
      const all = await store.read(key, 0, Number.MAX_SAFE_INTEGER);
      expect(all.candles).to.deep.equal(btc);
      expect(all.dataVersion).to.equal(dataVersionOf(btc));
      expect(overlap.dataVersion).to.equal(all.dataVersion);
    });

    it("updates a changed candle (partial → closed) and changes the data version", async function () {
      const first = await store.upsert(series(0, 10));
      const changed = {
        ...series(9, 10),
        candles: [{ ...btc[9]!, close: btc[9]!.close + 1, high: btc[9]!.high + 1 }],
      };
      const r = await store.upsert(changed);
      expect(r).to.include({ inserted: 0, updated: 1, unchanged: 0 });
      expect(r.dataVersion).to.not.equal(first.dataVersion);
    });

    it("reads ranges, latest and list with source and schema version", async function () {
      await store.upsert(series(0, 48));
      const part = await store.read(key, btc[10]!.timestamp, btc[19]!.timestamp);
      expect(part.candles).to.deep.equal(btc.slice(10, 20));
      expect(part).to.include({ schemaVersion: "ohlcv/1", source: "test" });
      expect(part.dataVersion).to.equal(dataVersionOf(btc.slice(10, 20)));
      expect(await store.latest(key)).to.deep.equal(btc[47]);
      expect(await store.latest({ ...key, symbol: "ETH/USDT" })).to.equal(undefined);
      const list = await store.list();
      expect(list).to.have.length(1);
      expect(list[0]).to.include({
        count: 48,
        first: btc[0]!.timestamp,
        last: btc[47]!.timestamp,
        schemaVersion: "ohlcv/1",
      });
    });

    it("refuses to mix schema versions in one series", async function () {
      await store.upsert(series(0, 2));
      const e = await store.upsert({ ...series(2, 4), schemaVersion: "ohlcv/2" }).catch((x: unknown) => x);
      expect(e).to.be.instanceOf(DataInputError);
    });

    it("ingest() stores nothing twice and reports gaps without filling them", async function () {
      const csv = new CsvSource({ clock: new ManualClock(Date.UTC(2024, 0, 1)) });
      const range = { from: Date.UTC(2021, 7, 13), to: Date.UTC(2021, 7, 13, 23) };
      const progress: string[] = [];
      const s1 = await ingest(csv, ["BTC/USDT", "ETH/USDT", "NOPE/USDT"], "1h", range, store, {
        onProgress: (p) => progress.push(`${p.index + 1}/${p.total} ${p.symbol}`),
      });
      expect(s1.rowsNew).to.equal(40);
      expect(s1.flags.filter((f) => f.kind === "gap")).to.have.length(2);
      expect(s1.symbols[2]!.error).to.include({ name: "BadSymbolError", retryable: false });
      expect(progress).to.deep.equal(["1/3 BTC/USDT", "2/3 ETH/USDT", "3/3 NOPE/USDT"]);
      const s2 = await ingest(
        csv,
        ["BTC/USDT", "ETH/USDT"],
        "1h",
        { from: range.from - 4 * H, to: range.to },
        store,
      );
      expect(s2).to.include({ rowsNew: 8, rowsUnchanged: 40, rowsUpdated: 0 }); // 4 earlier hours × 2 symbols
    });
  });
}

conformance("SQLite (node:sqlite, in memory)", async () => {
  const store = new SqliteCandleStore(":memory:");
  return { store, cleanup: () => store.close() };
});

conformance("PostgreSQL (127.0.0.1:5432)", async () => {
  const schema = `sigil_test_${process.pid}_${Math.floor(Math.random() * 1e9)}`;
  const store = new PostgresCandleStore(
    { host: "127.0.0.1", port: 5432, user: process.env.PGUSER ?? "postgres", database: "test" },
    schema,
  );
  return {
    store,
    cleanup: async () => {
      await store.dropSchema();
      await store.close();
    },
  };
});
