import { backtestCommand } from "./backtestCommand.js";
import type { CliIo } from "./CliIo.js";
import { decideCommand } from "./decideCommand.js";
import { exitReportFor } from "./exitCodes.js";
import { ingestCommand } from "./ingestCommand.js";
import { trainCommand } from "./trainCommand.js";
import { reportCommand } from "./reportCommand.js";
import { verifyLogCommand } from "./verifyLogCommand.js";
import { walkforwardCommand } from "./walkforwardCommand.js";

const COMMANDS: Record<string, (argv: readonly string[], io: CliIo) => Promise<number>> = {
  ingest: ingestCommand,
  train: trainCommand,
  backtest: backtestCommand,
  walkforward: walkforwardCommand,
  decide: decideCommand,
  report: reportCommand,
  "verify-log": verifyLogCommand,
};

const HELP = `sigil — Sigil engine command line

Usage: sigil <command> [options]     (sigil <command> --help for its options)

Commands:
  ingest        fetch, validate and store candles (WEEX by default, other ccxt venues, CoinGecko, CSV)
  train         fit a model (ma-momentum, lstm, gradient-boosting), validate walk-forward, write its card
  backtest      event-driven backtest on the shared data; writes a run directory and report
  walkforward   rolling in-sample selection / out-of-sample backtests
  decide        one decision now from the latest data: run log, snapshot, manual action list
  report        HTML and weekly/monthly reports from a run directory
  verify-log    verify a run_log.jsonl hash chain

Data folder: ../shared/data next to the repository, or SIGIL_DATA_DIR.
Exit codes: 0 ok, 1 a check failed, 2 usage or config, 3 data, 4 run log or snapshot integrity,
75 temporary (a venue or source is down: retry later), 70 internal error (please report).`;

/**
 * Runs one CLI invocation and returns the exit code: 0 ok, 1 a check failed (verify-log), else the
 * code `exitReportFor` maps the thrown error's class to (exitCodes.ts: 2 usage/config, 3 data,
 * 4 integrity, 75 temporary, 70 an internal bug with its stack).
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === "--help" || command === "-h" || command === "help") {
    io.out(HELP);
    return command ? 0 : 2;
  }
  const run = COMMANDS[command];
  if (!run) {
    io.err(`error: unknown command "${command}"\nhint: one of ${Object.keys(COMMANDS).join(", ")}`);
    return 2;
  }
  try {
    return await run(rest, io);
  } catch (e) {
    const report = exitReportFor(e);
    io.err(report.lines.join("\n"));
    return report.code;
  }
}
