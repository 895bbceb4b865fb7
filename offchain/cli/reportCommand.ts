import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, MarketDataError } from "../engine/errors.js";
import { htmlReport } from "../report/htmlReport.js";
import { formatPeriodicReport, periodicReport } from "../report/periodicReport.js";
import type { ReportPeriod } from "../report/periodicReport.js";
import { RUN_FILES, readRunDirectory } from "../report/runDirectory.js";
import type { CliIo } from "./CliIo.js";
import { parseDate } from "./commonOptions.js";
import { parseCommandArgs } from "./parseCommandArgs.js";

const HELP = `sigil report — HTML and periodic reports from a run directory

Usage: sigil report RUN_DIR [--period weekly|monthly] [--from DATE] [--to DATE]

Verifies the run log, rewrites RUN_DIR/report.html, and prints the weekly or monthly table
(return, drawdown, win rate, profit factor, predicted vs actual return) for the chosen range;
the table is also written to RUN_DIR/<period>.txt.`;

export async function reportCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values: v, positionals } = parseCommandArgs(
    "report",
    argv,
    {
      period: { type: "string", default: "monthly" },
      from: { type: "string" },
      to: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    true,
  );
  if (v.help) {
    io.out(HELP);
    return 0;
  }
  const dir = positionals[0];
  if (!dir)
    throw new ConfigError("report needs a run directory", { hint: "sigil report runs/backtest-<id>" });
  if (!existsSync(dir)) throw new MarketDataError(`${dir} not found`);
  const period = String(v.period) as ReportPeriod;
  if (period !== "weekly" && period !== "monthly")
    throw new ConfigError(`--period must be weekly or monthly, got "${period}"`);
  const run = readRunDirectory(dir);
  const from = parseDate(v.from, "from");
  const to = parseDate(v.to, "to");
  const rows = periodicReport(
    { equity: run.equity, decisions: run.decisions, fills: run.fills, from, to },
    period,
  );
  const text = formatPeriodicReport(rows, period);
  writeFileSync(join(dir, `${period}.txt`), text + "\n");
  if (run.analysis) {
    // The window the analysis covers (the requested start, else the first decision).
    const firstDecision = run.analysis.period?.from ?? run.decisions[0]?.timestamp ?? 0;
    writeFileSync(
      join(dir, RUN_FILES.report),
      htmlReport({
        title: run.summary.title,
        runId: run.summary.runId,
        runLogHead: run.summary.runLogHead,
        equity: run.equity.filter((p) => p.time >= firstDecision),
        decisions: run.decisions,
        analysis: run.analysis,
        monthly: periodicReport(
          {
            equity: run.equity.filter((p) => p.time >= firstDecision),
            decisions: run.decisions,
            fills: run.fills,
          },
          "monthly",
        ),
        settings: run.summary.settings,
      }),
    );
  }
  io.out(text);
  io.out(`wrote ${join(dir, `${period}.txt`)}${run.analysis ? ` and ${join(dir, RUN_FILES.report)}` : ""}`);
  return 0;
}
