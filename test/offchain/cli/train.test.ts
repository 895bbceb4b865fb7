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

describe("cli train", () => {
  const dir = mkdtempSync(join(tmpdir(), "sigil-train-"));
  const artefact = join(dir, "xgb");
  const args = [
    "train",
    "--model",
    "gradient-boosting",
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
  ];

  it("trains, validates walk-forward and writes a content-hashed artefact with its model card", async () => {
    const r = await cli(...args, artefact);
    assert.equal(r.code, 0, r.err);
    for (const f of ["model.json", "model-card.json", "MODEL_CARD.md"])
      assert.isTrue(existsSync(join(artefact, f)), f);
    const card = JSON.parse(readFileSync(join(artefact, "model-card.json"), "utf8")) as {
      versionHash: string;
      validation: { scheme: { trainWindow: number; testWindow: number; seed: number } };
    };
    assert.include(r.out, card.versionHash);
    assert.deepInclude(card.validation.scheme, { trainWindow: 300, testWindow: 60, seed: 1 });
    // Same data and seed: the same weights, so the same version hash.
    const again = await cli(...args, join(dir, "xgb2"));
    assert.equal(again.code, 0, again.err);
    const card2 = JSON.parse(readFileSync(join(dir, "xgb2", "model-card.json"), "utf8")) as {
      versionHash: string;
    };
    assert.equal(card2.versionHash, card.versionHash);
  });

  it("backtests with the trained model as the score provider; the run log names the model", async () => {
    const out = join(dir, "bt");
    const r = await cli(
      "backtest",
      "--model",
      artefact,
      "--symbols",
      "BTC,ETH,SOL,BNB",
      "--from",
      "2023-07-01",
      "--k",
      "2",
      "--out",
      out,
    );
    assert.equal(r.code, 0, r.err);
    const card = JSON.parse(readFileSync(join(artefact, "model-card.json"), "utf8")) as {
      versionHash: string;
    };
    const first = JSON.parse(readFileSync(join(out, "run_log.jsonl"), "utf8").split("\n")[0]!) as {
      models: Array<{ versionHash: string }>;
    };
    assert.equal(first.models[0]!.versionHash, card.versionHash);
  });

  it("refuses an altered artefact and bad arguments as user errors", async () => {
    const file = join(artefact, "model.json");
    const json = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify({ ...json, hyperParameters: { tampered: true } }));
    for (const [code, ...argv] of [
      [3, "backtest", "--model", artefact, "--symbols", "BTC,ETH"],
      [3, "backtest", "--model", join(dir, "missing"), "--symbols", "BTC,ETH"],
      [2, "train"],
      [2, "train", "--model", "svm"],
      [2, "train", "--model", "lstm", "--train-window", "ten"],
      [3, "train", "--model", "lstm", "--symbols", "BTC", "--from", "2023-12-01"], // too few bars
    ] as const) {
      const res = await cli(...argv);
      assert.equal(res.code, code, `${argv.join(" ")}: ${res.err}`);
      assert.match(res.err, /^error: /);
      assert.notMatch(res.err, /\n\s+at /);
    }
  });
});
