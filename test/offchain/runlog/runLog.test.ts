import { assert } from "chai";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RunLogError } from "../../../offchain/engine/errors.js";
import { canonicalJson, formatCanonicalNumber } from "../../../offchain/runlog/canonicalJson.js";
import { RunLogWriter } from "../../../offchain/runlog/RunLogWriter.js";
import { verifyRunLog } from "../../../offchain/runlog/verifyRunLog.js";
import type { Decision } from "../../../offchain/types/decision.js";

function decision(i: number): Decision {
  return {
    runId: "0xrun",
    timestamp: 1_700_000_000_000 + i * 86_400_000,
    seed: 7,
    inputsHash: `0x${String(i).padStart(64, "0")}`,
    featuresVersion: "sma/1:10/50",
    models: [{ name: "ma", versionHash: "0xabc" }],
    scores: { "ETH/USDT": 0.1 * i, "BTC/USDT": -0.02 },
    weights: { "ETH/USDT": 1 / 3 },
    estimatedReturn: 0.01 * i,
    optimizerMeta: null,
  };
}

/** A log of 4 decisions with 3 amendments interleaved (7 lines). */
function sampleLog(): string {
  const w = RunLogWriter.inMemory();
  let prev: string | null = null;
  for (let i = 0; i < 4; i++) {
    if (prev) w.amend(prev, 0.001 * i, decision(i).timestamp);
    prev = w.appendDecision(decision(i)).hash;
  }
  return w.text();
}

describe("run log", () => {
  describe("canonicalJson", () => {
    it("sorts keys, drops undefined, rounds to 12 significant digits", () => {
      assert.equal(
        canonicalJson({ b: 1, a: [0.1 + 0.2, -0], c: undefined, d: "x" }),
        '{"a":[0.3,0],"b":1,"d":"x"}',
      );
      assert.equal(formatCanonicalNumber(1 / 3), "0.333333333333");
      assert.equal(formatCanonicalNumber(1.5e-7), "1.5e-7");
    });
    it("is idempotent through JSON.parse", () => {
      const x = { w: 2 / 3, big: 123456789.123456789, tiny: 1e-15 / 3, n: [Math.PI, Math.E] };
      const once = canonicalJson(x);
      assert.equal(canonicalJson(JSON.parse(once)), once);
    });
    it("rejects NaN and Infinity with a RunLogError", () => {
      assert.throws(() => canonicalJson({ x: NaN }), RunLogError, /finite/);
      assert.throws(() => canonicalJson([Infinity]), RunLogError);
    });
  });

  describe("writer and verifier", () => {
    it("verifies a fresh chain with amendments", () => {
      const r = verifyRunLog(sampleLog());
      assert.isTrue(r.ok, r.reason ?? "");
      assert.equal(r.decisions, 4);
      assert.equal(r.amendments, 3);
    });

    it("writes each decision with actualReturn null and hashes it without actualReturn", () => {
      const first = JSON.parse(sampleLog().split("\n")[0]!);
      assert.isNull(first.actualReturn);
      assert.equal(first.prevHash, `0x${"0".repeat(64)}`);
      assert.match(first.hash, /^0x[0-9a-f]{64}$/);
    });

    it("reports the first edited line", () => {
      const lines = sampleLog().trimEnd().split("\n");
      lines[2] = lines[2]!.replace('"ETH/USDT":0.333333333333', '"ETH/USDT":0.5');
      assert.notEqual(lines.join("\n"), sampleLog().trimEnd());
      const r = verifyRunLog(lines.join("\n") + "\n");
      assert.isFalse(r.ok);
      assert.equal(r.firstBadLine, 3);
      assert.match(r.reason!, /edited/);
    });

    it("detects deletion, reordering and insertion at the touched line", () => {
      const lines = sampleLog().trimEnd().split("\n");
      const deleted = lines.filter((_, i) => i !== 2);
      assert.equal(verifyRunLog(deleted.join("\n")).firstBadLine, 3);
      const swapped = [...lines];
      [swapped[3], swapped[4]] = [swapped[4]!, swapped[3]!];
      assert.equal(verifyRunLog(swapped.join("\n")).firstBadLine, 4);
      const inserted = [...lines.slice(0, 5), lines[1]!, ...lines.slice(5)];
      assert.equal(verifyRunLog(inserted.join("\n")).firstBadLine, 6);
    });

    it("detects an edited amendment and a realised return smuggled into a decision line", () => {
      const lines = sampleLog().trimEnd().split("\n");
      const amendIdx = lines.findIndex((l) => l.includes('"kind":"amendment"'));
      const edited = [...lines];
      edited[amendIdx] = edited[amendIdx]!.replace(/"actualReturn":[^,]+/, '"actualReturn":0.5');
      assert.equal(verifyRunLog(edited.join("\n")).firstBadLine, amendIdx + 1);
      const smuggled = [...lines];
      smuggled[0] = smuggled[0]!.replace('"actualReturn":null', '"actualReturn":0.2');
      const r = verifyRunLog(smuggled.join("\n"));
      assert.equal(r.firstBadLine, 1);
    });

    it("catches lines deleted from the end only with the expected head", () => {
      const lines = sampleLog().trimEnd().split("\n");
      const head = JSON.parse(lines.at(-1)!).hash;
      const truncated = lines.slice(0, -1).join("\n");
      assert.isTrue(verifyRunLog(truncated).ok);
      const r = verifyRunLog(truncated, { expectedHead: head });
      assert.isFalse(r.ok);
      assert.equal(r.firstBadLine, lines.length);
    });

    it("rejects a second amendment of the same decision", () => {
      const w = RunLogWriter.inMemory();
      const d = w.appendDecision(decision(0));
      w.amend(d.hash, 0.01, 1);
      assert.throws(() => w.amend(d.hash, 0.02, 2), RunLogError, /already/);
      assert.throws(() => w.amend("0xnope", 0.02, 2), RunLogError, /no decision/);
    });

    it("appends to an existing file, continuing its chain, and refuses a damaged one", () => {
      const dir = mkdtempSync(join(tmpdir(), "sigil-runlog-"));
      const path = join(dir, "run_log.jsonl");
      const a = RunLogWriter.open(path);
      const first = a.appendDecision(decision(0));
      const b = RunLogWriter.open(path);
      assert.equal(b.headHash, first.hash);
      assert.deepEqual(b.unamended(), [first.hash]);
      b.amend(first.hash, 0.03, 5);
      b.appendDecision(decision(1));
      assert.isTrue(verifyRunLog(readFileSync(path, "utf8")).ok);
      writeFileSync(path, readFileSync(path, "utf8").replace("0.03", "0.04"));
      assert.throws(() => RunLogWriter.open(path), RunLogError, /line 2/);
    });
  });
});
