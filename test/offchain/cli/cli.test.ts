import { assert } from "chai";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../../offchain/cli/runCli.js";

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t), isTty: false });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("cli", () => {
  const dir = mkdtempSync(join(tmpdir(), "sigil-cli-"));
  const run = join(dir, "bt");

  it("prints --help for every command", async () => {
    for (const c of ["ingest", "train", "backtest", "walkforward", "decide", "report", "verify-log"]) {
      const r = await cli(c, "--help");
      assert.equal(r.code, 0, c);
      assert.include(r.out, "Usage: sigil", c);
    }
    assert.include((await cli("--help")).out, "verify-log");
  });

  it("reports user errors readably, without stack traces (2 usage, 3 data)", async () => {
    for (const [code, ...argv] of [
      [2, "nope"],
      [2, "backtest", "--bogus"],
      [2, "backtest", "--k", "abc"],
      [3, "backtest", "--symbols", "NOPE"],
      [2, "decide"],
      [2, "backtest", "--mode", "sideways"],
    ] as const) {
      const r = await cli(...argv);
      assert.equal(r.code, code, argv.join(" "));
      assert.match(r.err, /^error: /, argv.join(" "));
      assert.notMatch(r.err, /\n\s+at /, "no stack trace");
    }
  });

  it("backtest writes a run directory whose log verifies; tampering is caught with the line", async () => {
    const r = await cli(
      "backtest",
      "--symbols",
      "BTC,ETH,SOL",
      "--from",
      "2021-01-01",
      "--k",
      "2",
      "--out",
      run,
    );
    assert.equal(r.code, 0, r.err);
    for (const f of [
      "run_log.jsonl",
      "report.html",
      "portfolio_snapshot.png",
      "equity.csv",
      "fills.csv",
      "monthly.txt",
      "weekly.txt",
    ])
      assert.isTrue(existsSync(join(run, f)), f);
    const png = readFileSync(join(run, "portfolio_snapshot.png"));
    assert.equal(png.subarray(1, 4).toString(), "PNG");
    const html = readFileSync(join(run, "report.html"), "utf8");
    assert.include(html, "<svg");
    assert.include(html, "Buy &amp; hold BTC");
    const ok = await cli("verify-log", join(run, "run_log.jsonl"));
    assert.equal(ok.code, 0);
    assert.match(ok.out, /^OK/);
    const lines = readFileSync(join(run, "run_log.jsonl"), "utf8").split("\n");
    lines[4] = lines[4]!.replace(/"seed":1/, '"seed":2');
    const bad = join(dir, "tampered.jsonl");
    writeFileSync(bad, lines.join("\n"));
    const r2 = await cli("verify-log", bad);
    assert.equal(r2.code, 1);
    assert.include(r2.out, "line 5");
  });

  it("report prints a periodic table for a range", async () => {
    const r = await cli("report", run, "--period", "weekly", "--from", "2022-11-01", "--to", "2022-11-30");
    assert.equal(r.code, 0, r.err);
    assert.include(r.out, "weekly performance");
    assert.include(r.out, "2022-11-");
  });

  it("decide writes a manual action list, a snapshot and a chained log, amending on the next call", async () => {
    const out = join(dir, "decide");
    const a = await cli(
      "decide",
      "--capital",
      "10000",
      "--symbols",
      "BTC,ETH,SOL,BNB",
      "--k",
      "2",
      "--at",
      "2023-03-01",
      "--out",
      out,
    );
    assert.equal(a.code, 0, a.err);
    assert.match(a.out, /(BUY|SELL|Nothing to do)/);
    assert.isTrue(existsSync(join(out, "portfolio_snapshot.png")));
    const b = await cli(
      "decide",
      "--capital",
      "10000",
      "--symbols",
      "BTC,ETH,SOL,BNB",
      "--k",
      "2",
      "--at",
      "2023-03-08",
      "--out",
      out,
    );
    assert.equal(b.code, 0, b.err);
    const v = await cli("verify-log", join(out, "run_log.jsonl"));
    assert.match(v.out, /2 decisions, 1 amendments/);
  });

  it("walkforward runs folds through the kernel", async () => {
    const r = await cli(
      "walkforward",
      "--symbols",
      "BTC,ETH",
      "--from",
      "2021-01-01",
      "--to",
      "2022-12-31",
      "--train",
      "180",
      "--test",
      "180",
      "--candidates",
      "5/20,10/50",
    );
    assert.equal(r.code, 0, r.err);
    assert.include(r.out, "out-of-sample overall");
  });
});
