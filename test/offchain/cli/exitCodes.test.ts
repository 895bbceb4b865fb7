import { assert } from "chai";
import ccxt from "ccxt";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EXIT_RULES, exitReportFor, ExitCode } from "../../../offchain/cli/exitCodes.js";
import { runCli } from "../../../offchain/cli/runCli.js";
import {
  AuthError,
  BadSymbolError,
  DataInputError,
  NetworkDataError,
  SchemaDriftError,
} from "../../../offchain/data/errors.js";
import { SnapshotIntegrityError } from "../../../offchain/engine/InputSnapshot.js";
import {
  ConfigError,
  EngineError,
  LiveSourceInBacktestError,
  MarketDataError,
  RunLogError,
} from "../../../offchain/engine/errors.js";
import { SigilError } from "../../../offchain/errors/SigilError.js";
import {
  OrderOutcomeUnknownError,
  VenueAuthError,
  VenueUnavailableError,
} from "../../../offchain/execution/errors.js";
import { FeatureInputError } from "../../../offchain/features/errors.js";
import { ModelArtefactError } from "../../../offchain/models/errors.js";
import {
  InfeasibleProblemError,
  OptimizerInputError,
  QpuRetryableError,
  WorkerPoolError,
} from "../../../offchain/optimizer/errors.js";
import { DevChainError } from "../../../offchain/devchain/DevChainError.js";

type ErrorClass = abstract new (...args: never[]) => Error;

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t), isTty: false });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("cli exit codes: by class, from one table", () => {
  it("maps each kind of error to its code", () => {
    const cases: ReadonlyArray<readonly [unknown, number]> = [
      [new ConfigError("--k expects a number"), 2],
      [new LiveSourceInBacktestError("live source"), 2],
      [new DataInputError("from > to"), 2],
      [new OptimizerInputError("k > n"), 2],
      [new InfeasibleProblemError("no portfolio"), 2],
      [new FeatureInputError("NaN price"), 2],
      [new VenueAuthError("bad key"), 2],
      [new DevChainError("journal exists"), 2],
      [new MarketDataError("bad CSV header"), 3],
      [new BadSymbolError("NOPE"), 3],
      [new AuthError("bad key"), 2],
      [new SchemaDriftError("candles/v1", "number", "string"), 3],
      [new ModelArtefactError("hash mismatch"), 3],
      [new RunLogError("chain broken at line 5"), 4],
      [new SnapshotIntegrityError("hash mismatch"), 4],
      [new NetworkDataError("ECONNREFUSED"), 75],
      [new VenueUnavailableError("502"), 75],
      [new QpuRetryableError("IBM 503"), 75],
      [new MarketDataError("weex: rate limited", { retryable: true }), 75],
      [new ccxt.RequestTimeout("weex 10000 ms"), 75],
      [new TypeError("fetch failed", { cause: Object.assign(new Error("x"), { code: "ECONNREFUSED" }) }), 75],
      [new OrderOutcomeUnknownError("timeout after send", "sig-1"), 2],
      [new WorkerPoolError("worker died"), 70],
      [new SigilError("unmapped"), 70],
      [new Error("a bug"), 70],
      ["a thrown string", 70],
    ];
    const wrong = cases
      .map(([e, code]) => [e, code, exitReportFor(e).code] as const)
      .filter(([, want, got]) => want !== got)
      .map(([e, want, got]) => `${e instanceof Error ? e.name : String(e)}: want ${want}, got ${got}`);
    assert.deepEqual(wrong, []);
  });

  it("matches by class, never by name: an Error merely named OptimizerInputError is internal", () => {
    const impostor = Object.assign(new Error("k > n"), { name: "OptimizerInputError" });
    assert.equal(exitReportFor(impostor).code, ExitCode.internal);
  });

  it("prints message and hint without a stack for known classes, the stack for bugs", () => {
    const known = exitReportFor(new MarketDataError("BTC 1d: NaN close", { hint: "fix the CSV" }));
    assert.deepEqual(known.lines, ["error: BTC 1d: NaN close", "hint: fix the CSV"]);
    const advised = exitReportFor(new NetworkDataError("weex: network error: ECONNREFUSED"));
    assert.equal(advised.lines[1], `hint: ${advised.rule!.advice}`);
    const bug = exitReportFor(new Error("a bug"));
    assert.match(bug.lines[0]!, /^internal error \(please report\): Error: a bug\n\s+at /);
  });

  it("lists specific classes above their bases (no row is shadowed by an earlier one)", () => {
    const classes = EXIT_RULES.map((r) => r.when).filter((w) => w !== "retryable");
    for (let i = 0; i < classes.length; i++)
      for (let j = i + 1; j < classes.length; j++) {
        const [a, b] = [classes[i], classes[j]] as [ErrorClass, ErrorClass];
        assert.isFalse(b.prototype instanceof a, `${b.name} is listed below its base ${a.name}`);
      }
    assert.isTrue(EXIT_RULES.some((r) => r.when === EngineError));
  });

  it("end to end: usage 2, data 3, run-log integrity 4", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sigil-exit-"));
    const usage = await cli("verify-log");
    assert.equal(usage.code, 2, usage.err);
    const missing = await cli("verify-log", join(dir, "missing.jsonl"));
    assert.equal(missing.code, 3, missing.err);
    const nope = await cli("backtest", "--symbols", "NOPE");
    assert.equal(nope.code, 3, nope.err);
    assert.match(nope.err, /^error: .*\nhint: /);
    // A run directory whose log does not verify.
    writeFileSync(join(dir, "summary.json"), JSON.stringify({ runLogHead: "0x00" }));
    writeFileSync(join(dir, "run_log.jsonl"), '{"not":"a record"}\n');
    const broken = await cli("report", dir);
    assert.equal(broken.code, 4, broken.err);
    assert.notMatch(broken.err, /\n\s+at /);
  });
});
