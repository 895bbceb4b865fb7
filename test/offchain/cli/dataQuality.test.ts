import { assert } from "chai";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../../offchain/cli/runCli.js";
import { dataDir } from "../../../offchain/data/dataDir.js";
import { expectClose } from "../../helpers/expectClose.js";

/** Runs the CLI with SIGIL_DATA_DIR pointing at `data` (restored afterwards). */
async function cli(data: string, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const saved = process.env.SIGIL_DATA_DIR;
  process.env.SIGIL_DATA_DIR = data;
  try {
    const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t), isTty: false });
    return { code, out: out.join("\n"), err: err.join("\n") };
  } finally {
    if (saved === undefined) delete process.env.SIGIL_DATA_DIR;
    else process.env.SIGIL_DATA_DIR = saved;
  }
}

const root = mkdtempSync(join(tmpdir(), "sigil-dq-"));
const real = join(dataDir(), "ohlcv", "1d");

/** A data folder with copies of the real 1d files of `bases`; `alter` edits BTC's data lines. */
function dataset(name: string, bases: readonly string[], alter?: (lines: string[]) => string[]): string {
  const dir = join(root, name);
  mkdirSync(join(dir, "ohlcv", "1d"), { recursive: true });
  symlinkSync(join(dataDir(), "orderbook"), join(dir, "orderbook")); // the impact model's calibration
  for (const b of bases) copyFileSync(join(real, `${b}-USDT.csv`), join(dir, "ohlcv", "1d", `${b}-USDT.csv`));
  if (alter) {
    const file = join(dir, "ohlcv", "1d", "BTC-USDT.csv");
    const [header, ...rows] = readFileSync(file, "utf8").trim().split("\n");
    writeFileSync(file, [header, ...alter(rows)].join("\n") + "\n");
  }
  return dir;
}

/** Index of the BTC data line whose open time is `day` (YYYY-MM-DD). */
const btcRows = readFileSync(join(real, "BTC-USDT.csv"), "utf8").trim().split("\n").slice(1);
const at = (day: string): number =>
  btcRows.findIndex((l) => l.startsWith(`${Date.parse(`${day}T00:00:00Z`)},`));
const scale = (line: string, f: number): string => {
  const c = line.split(",");
  return [c[0], ...c.slice(1, 5).map((x) => String(Number(x) * f)), c[5]].join(",");
};
const setCell = (line: string, k: number, v: string): string => {
  const c = line.split(",");
  c[k] = v;
  return c.join(",");
};

const args = [
  "backtest",
  "--symbols",
  "BTC,ETH,SOL",
  "--from",
  "2021-01-01",
  "--k",
  "2",
  "--snapshots",
  "none",
];
const totalReturn = (out: string): string => /total return (\S+)/.exec(out)![1]!;
const maxDd = (out: string): number => Number(/max DD (\S+)%/.exec(out)![1]);

describe("cli data quality", function () {
  this.timeout(600_000);
  const clean = dataset("clean", ["BTC", "ETH", "SOL"]);
  let cleanOut = "";

  before(async () => {
    const r = await cli(clean, ...args, "--out", join(root, "run-clean"));
    assert.equal(r.code, 0, r.err);
    cleanOut = r.out;
  });

  it("clean data: says the data passed, and --strict accepts it", async () => {
    assert.include(cleanOut, "data quality: 3 asset(s) checked, no issues");
    const r = await cli(clean, ...args, "--strict", "--out", join(root, "run-clean-strict"));
    assert.equal(r.code, 0, r.err);
    assert.equal(totalReturn(r.out), totalReturn(cleanOut));
  });

  it("two swapped rows are sorted back and counted: same return as the clean file; --strict refuses", async () => {
    const i = at("2022-03-01");
    const data = dataset("swapped", ["BTC", "ETH", "SOL"], (rows) => {
      [rows[i], rows[i + 10]] = [rows[i + 10]!, rows[i]!];
      return rows;
    });
    const r = await cli(data, ...args, "--out", join(root, "run-swapped"));
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /BTC\/USDT: 2328 rows read, 2328 kept; 2 out of order \(sorted\)/);
    assert.equal(totalReturn(r.out), totalReturn(cleanOut));
    const html = readFileSync(join(root, "run-swapped", "report.html"), "utf8");
    assert.include(html, "<h2>Data quality</h2>");
    assert.include(html, "out of order (sorted)");
    const strict = await cli(data, ...args, "--strict", "--out", join(root, "run-swapped-strict"));
    assert.equal(strict.code, 3);
    assert.match(strict.err, /^error: --strict: the data has issues in BTC\/USDT/);
    assert.include(strict.err, "2 out of order");
    assert.notMatch(strict.err, /\n\s+at /, "no stack trace");
  });

  it("a file in reverse order is sorted: BTC keeps all its candles and its buy-and-hold benchmark", async () => {
    const data = dataset("reversed", ["BTC", "ETH", "SOL"], (rows) => [...rows].reverse());
    const r = await cli(data, ...args, "--out", join(root, "run-reversed"));
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /BTC\/USDT: 2328 rows read, 2328 kept; 2327 out of order \(sorted\)/);
    const bh = (out: string): string => /buy & hold BTC (\S+)/.exec(out)![1]!;
    assert.equal(bh(r.out), bh(cleanOut));
    assert.notEqual(bh(r.out), "0.00%");
    assert.equal(totalReturn(r.out), totalReturn(cleanOut));
  });

  it("a ×100 one-day spike is dropped with its file line, not traded on; --strict refuses", async () => {
    const i = at("2022-06-01");
    const data = dataset("spike", ["BTC", "ETH", "SOL"], (rows) => {
      rows[i] = scale(rows[i]!, 100);
      return rows;
    });
    const r = await cli(data, ...args, "--out", join(root, "run-spike"));
    assert.equal(r.code, 0, r.err);
    assert.include(r.out, "1 spikes that revert (dropped, left as holes)");
    assert.include(r.out, `BTC-USDT.csv:${i + 2} spike`);
    assert.isBelow(maxDd(r.out), maxDd(cleanOut) + 5, "no phantom 98 % drawdown");
    const strict = await cli(data, ...args, "--strict", "--out", join(root, "run-spike-strict"));
    assert.equal(strict.code, 3);
    assert.include(strict.err, "spike");
  });

  it("zero and negative prices, duplicate timestamps and multi-day gaps are counted, never silent", async () => {
    const z = at("2022-02-01");
    const g = at("2022-09-01");
    const data = dataset("mixed", ["BTC", "ETH", "SOL"], (rows) => {
      rows[z] = setCell(rows[z]!, 4, "0");
      rows[z + 2] = setCell(rows[z + 2]!, 3, "-5"); // not adjacent: two one-day holes, no long gap
      const dup = at("2022-04-01");
      const out = [
        ...rows.slice(0, dup + 1),
        rows[dup]!,
        setCell(rows[dup + 1]!, 5, "1"),
        ...rows.slice(dup + 1),
      ];
      // five days missing from 2022-09-01 (indices shifted by the two duplicates)
      out.splice(g + 2, 5);
      return out;
    });
    const r = await cli(data, ...args, "--out", join(root, "run-mixed"));
    assert.equal(r.code, 0, r.err);
    assert.include(r.out, "2 non-positive prices (dropped)");
    assert.include(r.out, "2 duplicate timestamps (first kept, rest dropped)");
    assert.include(r.out, "1 gaps (kept as holes, not filled)");
    const analysis = JSON.parse(readFileSync(join(root, "run-mixed", "analysis.json"), "utf8")) as {
      dataQuality: Array<{ symbol: string; counts: Record<string, number> }>;
    };
    const btc = analysis.dataQuality.find((q) => q.symbol === "BTC/USDT")!;
    assert.deepInclude(btc.counts, { "non-positive-price": 2, "duplicate-timestamp": 2, gap: 1 });
    const strict = await cli(data, ...args, "--strict", "--out", join(root, "run-mixed-strict"));
    assert.equal(strict.code, 3);
    // `report` re-renders the section from the run directory
    const rep = await cli(data, "report", join(root, "run-mixed"));
    assert.equal(rep.code, 0, rep.err);
    assert.include(
      readFileSync(join(root, "run-mixed", "report.html"), "utf8"),
      "non-positive prices (dropped)",
    );
  });

  it("walkforward and train load through the same checks (--strict refuses there too)", async () => {
    const i = at("2022-03-01");
    const data = dataset("swapped-wf", ["BTC", "ETH"], (rows) => {
      [rows[i], rows[i + 10]] = [rows[i + 10]!, rows[i]!];
      return rows;
    });
    const wf = await cli(data, "walkforward", "--symbols", "BTC,ETH", "--strict");
    assert.equal(wf.code, 3);
    assert.include(wf.err, "2 out of order");
    const tr = await cli(data, "train", "--model", "ma-momentum", "--symbols", "BTC,ETH", "--strict");
    assert.equal(tr.code, 3);
    assert.include(tr.err, "2 out of order");
    const ok = await cli(
      data,
      "walkforward",
      "--symbols",
      "BTC,ETH",
      "--from",
      "2022-01-01",
      "--train",
      "120",
      "--test",
      "60",
    );
    assert.equal(ok.code, 0, ok.err);
    assert.include(ok.out, "2 out of order (sorted)");
  });
});

/** Cuts `base`'s file in `dir` after the candle opening on `lastDay`. */
function truncate(dir: string, base: string, lastDay: string): void {
  const file = join(dir, "ohlcv", "1d", `${base}-USDT.csv`);
  const last = Date.parse(`${lastDay}T00:00:00Z`);
  const lines = readFileSync(file, "utf8").trim().split("\n");
  writeFileSync(file, lines.filter((l, i) => i === 0 || Number(l.split(",")[0]) <= last).join("\n") + "\n");
}

describe("cli: assets that stop trading, benchmark start", function () {
  this.timeout(600_000);

  it("backtest: a held coin that stops is reported stale and written down; gross stays within the limit", async () => {
    const data = dataset("delisted", ["BTC", "ETH", "SOL", "BNB"]);
    truncate(data, "SOL", "2021-04-20"); // held from mid-January to late May 2021 on the clean data
    const out = join(root, "run-delisted");
    const r = await cli(
      data,
      "backtest",
      "--symbols",
      "BTC,ETH,SOL,BNB",
      "--from",
      "2021-01-01",
      "--k",
      "2",
      "--snapshots",
      "none",
      "--out",
      out,
    );
    assert.equal(r.code, 0, r.err);
    assert.match(
      r.out,
      /stale: SOL\/USDT no candle after 2021-04-21 \(silent > 3 bars\): position \S+ written down by/,
    );
    const rows = readFileSync(join(out, "equity.csv"), "utf8").trim().split("\n").slice(1);
    let worst = 0;
    for (const l of rows) {
      const [, equity, , gross] = l.split(",").map(Number) as [number, number, number, number];
      worst = Math.max(worst, gross / equity);
    }
    assert.isAtMost(worst, 1.05, `max gross / equity ${worst.toFixed(3)} (limit 1)`);
    const analysis = JSON.parse(readFileSync(join(out, "analysis.json"), "utf8")) as {
      stale: { events: Array<{ symbol: string; writtenDown: number }> };
    };
    assert.equal(analysis.stale.events[0]!.symbol, "SOL/USDT");
    assert.include(readFileSync(join(out, "report.html"), "utf8"), "Assets that stopped trading");
  });

  it("train: a coin that stops does not cut the others' data; the command says which stopped and when", async () => {
    const data = dataset("train-delisted", ["BTC", "ETH", "SOL", "BNB"]);
    truncate(data, "SOL", "2022-01-01");
    const r = await cli(
      data,
      "train",
      "--model",
      "ma-momentum",
      "--symbols",
      "BTC,ETH,SOL,BNB",
      "--from",
      "2021-01-01",
      "--to",
      "2023-06-30",
      "--train-window",
      "300",
      "--test-window",
      "60",
      "--out",
      join(root, "ma-delisted"),
    );
    assert.equal(r.code, 0, r.err);
    assert.include(r.out, "SOL/USDT: stopped trading after 2022-01-01");
    const bars = Number(/4 symbols × (\d+) bars/.exec(r.out)![1]);
    assert.isAbove(bars, 800, "BTC, ETH and BNB keep 2022-2023");
  });

  it("benchmarks start at the requested --from, before the first decision, and the output says so", async () => {
    const data = dataset("start", ["BTC", "ETH"]);
    const out = join(root, "run-start");
    const r = await cli(
      data,
      "backtest",
      "--symbols",
      "BTC,ETH",
      "--from",
      "2017-08-17",
      "--snapshots",
      "none",
      "--out",
      out,
    );
    assert.equal(r.code, 0, r.err);
    assert.include(r.out, "metrics and benchmarks from 2017-08-18 (the requested --from)");
    const analysis = JSON.parse(readFileSync(join(out, "analysis.json"), "utf8")) as {
      period: { from: number; firstDecision: number; basis: string };
      benchmarks: { buyAndHoldBtc: { totalReturn: number } };
    };
    assert.equal(analysis.period.from, Date.parse("2017-08-18T00:00:00Z"));
    assert.isAbove(analysis.period.firstDecision, analysis.period.from, "warm-up before the first decision");
    const closes = btcRows.map((l) => Number(l.split(",")[4]));
    const expected = closes.at(-1)! / closes[0]! - 1;
    expectClose(analysis.benchmarks.buyAndHoldBtc.totalReturn, expected, 1e-9);
    const noFrom = await cli(
      data,
      "backtest",
      "--symbols",
      "BTC,ETH",
      "--snapshots",
      "none",
      "--out",
      join(root, "run-nofrom"),
    );
    assert.equal(noFrom.code, 0, noFrom.err);
    assert.match(
      noFrom.out,
      /metrics and benchmarks from \S+ \(the first decision, after warm-up; pass --from to choose\)/,
    );
  });
});
