import { assert } from "chai";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ManualClock } from "../../../offchain/data/Clock.js";
import { SqliteCandleStore } from "../../../offchain/data/SqliteCandleStore.js";
import { runCli } from "../../../offchain/cli/runCli.js";
import type { WeexSimulator } from "../../../offchain/venue/weex/WeexSimulator.js";
import { loadCandles, startSimulator } from "../data/helpers.js";

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t), isTty: false });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("cli ingest", () => {
  const dir = mkdtempSync(join(tmpdir(), "sigil-ingest-"));
  const store = `sqlite:${join(dir, "candles.sqlite")}`;
  let sim: WeexSimulator;
  // The simulator replays real hourly candles; its clock sits at 2023-07-01 00:00 UTC.
  const clock = new ManualClock(Date.UTC(2023, 6, 1));

  before(async () => {
    sim = await startSimulator(clock);
  });
  after(async () => {
    await sim.stop();
  });

  it("ingests WEEX candles through the real ccxt class into SQLite, then adds nothing the second time", async () => {
    const args = ["ingest", "--source", "weex", "--api-url", sim.url, "--symbols", "BTC,ETH"];
    const range = [
      "--timeframe",
      "1h",
      "--from",
      "2023-06-01",
      "--to",
      "2023-06-10T23:00:00Z",
      "--store",
      store,
    ];
    const first = await cli(...args, ...range);
    assert.equal(first.code, 0, first.err + first.out);
    // 10 days of hourly candles per symbol, exactly as in the shared files.
    const expected = loadCandles("1h", "BTC-USDT.csv").filter(
      (c) => c.timestamp >= Date.UTC(2023, 5, 1) && c.timestamp <= Date.UTC(2023, 5, 10, 23),
    ).length;
    assert.equal(expected, 240);
    assert.include(first.out, `BTC/USDT: ${expected} new, 0 updated, 0 unchanged`);
    assert.include(first.out, `ETH/USDT: ${expected} new, 0 updated, 0 unchanged`);

    const second = await cli(...args, ...range);
    assert.equal(second.code, 0, second.err);
    assert.include(second.out, `BTC/USDT: 0 new, 0 updated, ${expected} unchanged`);

    const s = new SqliteCandleStore(store.slice("sqlite:".length));
    const btc = await s.read(
      { source: "weex", symbol: "BTC/USDT", timeframe: "1h" },
      0,
      Number.MAX_SAFE_INTEGER,
    );
    await s.close();
    const csv = loadCandles("1h", "BTC-USDT.csv").filter((c) => c.timestamp >= btc.candles[0]!.timestamp);
    assert.deepEqual(btc.candles, csv.slice(0, btc.candles.length));
  });

  it("backtests from the store it ingested into (no CSV, no network)", async () => {
    const out = join(dir, "bt");
    const r = await cli(
      "backtest",
      "--store",
      store,
      "--venue",
      "weex",
      "--timeframe",
      "1h",
      "--symbols",
      "BTC,ETH",
      "--k",
      "1",
      "--out",
      out,
    );
    assert.equal(r.code, 0, r.err);
    const v = await cli("verify-log", join(out, "run_log.jsonl"));
    assert.equal(v.code, 0, v.out);
  });

  it("refuses bad arguments readably", async () => {
    for (const [code, ...argv] of [
      [2, "ingest", "--symbols", "BTC"],
      [2, "ingest", "--from", "2023-01-01"],
      [2, "ingest", "--symbols", "BTC", "--from", "2023-01-01", "--timeframe", "2w"],
      [2, "ingest", "--symbols", "BTC", "--from", "2023-01-01", "--source", "nosuchexchange"],
      [2, "ingest", "--symbols", "BTC", "--from", "2023-01-01", "--store", "redis://x"],
      [2, "backtest", "--store", store, "--venue", "binance"],
    ] as const) {
      const r = await cli(...argv);
      assert.equal(r.code, code, `${argv.join(" ")}: ${r.err}`);
      assert.match(r.err, /^error: /);
      assert.notMatch(r.err, /\n\s+at /);
    }
  });
});
