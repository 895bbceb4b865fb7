import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "../engine/errors.js";
import { snapshotOfDecision, type ProviderSpec } from "../engine/InputSnapshot.js";
import { DirectorySnapshotStore } from "../engine/SnapshotStore.js";
import { wireDecision } from "../engine/wiring.js";
import { actionList, formatActionList } from "../report/actionList.js";
import { portfolioSnapshotSvg } from "../report/portfolioSnapshotSvg.js";
import { renderPng } from "../report/renderPng.js";
import { canonicalJson } from "../runlog/canonicalJson.js";
import { RunLogWriter } from "../runlog/RunLogWriter.js";
import { verifyRunLog } from "../runlog/verifyRunLog.js";
import type { RunLogRecord } from "../types/decision.js";
import { TIMEFRAME_MS } from "../types/market.js";
import type { CandleSeries } from "../types/market.js";
import type { CliIo } from "./CliIo.js";
import {
  STRATEGY_HELP,
  STRATEGY_OPTIONS,
  maFromFlags,
  parseDate,
  parseSymbols,
  parseTimeframe,
  seedFrom,
  strategyFromFlags,
} from "./commonOptions.js";
import {
  DATA_AND_MODEL_HELP,
  DATA_AND_MODEL_OPTIONS,
  providerFromFlags,
  sourceFromFlags,
} from "./dataAndModelOptions.js";
import { parseCommandArgs } from "./parseCommandArgs.js";
import { dataQualityLines } from "./dataQualityLines.js";

const HELP = `sigil decide — one decision from the latest data, as orders to place by hand

Usage: sigil decide --capital N [options]

  --capital N                capital to allocate, in USDT (required)
  --holdings FILE            JSON {"BTC/USDT": 0.5, ...} of quantities already held (default none)
  --at DATE                  decide at this close time instead of the latest candle
${DATA_AND_MODEL_HELP}
  --out DIR                  decision directory; run_log.jsonl there is appended to (default runs/decide)
  --limit-offset-bps N       limit price = last close ± N bps (default 10)

${STRATEGY_HELP}

Appends the decision to DIR/run_log.jsonl (amending the previous decision with its realised
return first), writes DIR/portfolio_snapshot.png, DIR/actions.txt and DIR/actions.json.
Stop-loss / take-profit levels come from --stop-loss / --take-profit (defaults 10 % / 25 % here).`;

export async function decideCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values: v } = parseCommandArgs("decide", argv, {
    ...STRATEGY_OPTIONS,
    capital: { type: "string" },
    holdings: { type: "string" },
    at: { type: "string" },
    out: { type: "string", default: join("runs", "decide") },
    "limit-offset-bps": { type: "string", default: "10" },
    ...DATA_AND_MODEL_OPTIONS,
  });
  if (v.help) {
    io.out(HELP);
    return 0;
  }
  const capital = Number(v.capital);
  if (v.capital === undefined || !(capital > 0))
    throw new ConfigError("decide needs --capital with a positive amount", {
      hint: "e.g. sigil decide --capital 10000",
    });
  let holdings: Record<string, number> = {};
  if (v.holdings !== undefined) {
    try {
      holdings = JSON.parse(readFileSync(String(v.holdings), "utf8"));
    } catch (e) {
      throw new ConfigError(`cannot read holdings ${String(v.holdings)}: ${(e as Error).message}`, {
        hint: 'the file holds JSON like {"BTC/USDT": 0.25}',
      });
    }
  }
  const strategy = strategyFromFlags({
    ...v,
    "stop-loss": v["stop-loss"] ?? "0.1",
    "take-profit": v["take-profit"] ?? "0.25",
  });
  const out = String(v.out);
  mkdirSync(out, { recursive: true });
  const logPath = join(out, "run_log.jsonl");
  const runLog = RunLogWriter.open(logPath);
  const timeframe = parseTimeframe(v.timeframe);
  const { source, close } = sourceFromFlags(v);
  const ma = maFromFlags(v);
  const provider = await providerFromFlags(v, ma);
  // What an oracle node rebuilds the provider from (a model dir is resolved against its artefact root).
  const spec: ProviderSpec =
    v.model === undefined
      ? { kind: "ma-momentum", params: ma }
      : { kind: "model", versionHash: provider.model.versionHash, artefactDir: String(v.model) };
  const at = parseDate(v.at, "at");

  // Amend earlier decisions whose holding period has ended, from the closes now known.
  const series = await source.load(timeframe, parseSymbols(v.symbols)).finally(close);
  const earlier = existsSync(logPath) ? previousDecisions(readFileSync(logPath, "utf8")) : [];
  const outcome = await wireDecision({
    source: { name: source.name, kind: source.kind, load: async () => series },
    timeframe,
    provider,
    strategy,
    seed: seedFrom(v),
    at,
    capital,
    holdings,
    runLog: amendFirst(runLog, earlier, series, at),
  });
  const { record, prices } = outcome;
  // The decision's content-addressed inputs, for anyone (an oracle node) to re-run it.
  const inputs = new DirectorySnapshotStore(join(out, "snapshots")).put(
    snapshotOfDecision(outcome, strategy, spec),
  );
  writeFileSync(join(out, "portfolio_snapshot.png"), renderPng(portfolioSnapshotSvg(record, capital)));
  const actions = actionList(record, {
    capital,
    prices,
    holdings,
    limitOffsetBps: Number(v["limit-offset-bps"]),
    stopLoss: strategy.stopLoss,
    takeProfit: strategy.takeProfit,
  });
  const text = formatActionList(actions, record.timestamp, capital);
  writeFileSync(join(out, "actions.txt"), text + "\n");
  writeFileSync(
    join(out, "actions.json"),
    canonicalJson({ decision: record.hash, time: record.timestamp, capital, actions }) + "\n",
  );
  for (const l of dataQualityLines(series.flatMap((x) => (x.quality ? [x.quality] : [])))) io.out(l);
  io.out(text);
  io.out(`decision ${record.hash} appended to ${logPath}; snapshot ${join(out, "portfolio_snapshot.png")}`);
  io.out(`input snapshot ${inputs} in ${join(out, "snapshots")}`);
  return 0;
}

function previousDecisions(text: string): RunLogRecord[] {
  const v = verifyRunLog(text);
  const amended = new Set<string>();
  for (const l of v.lines) if ("kind" in l && l.kind === "amendment") amended.add(l.amends);
  return v.lines.filter((l): l is RunLogRecord => !("kind" in l) && !amended.has(l.hash));
}

/**
 * Realised return of each unamended earlier decision from its time to `now`: Σ w·(p_now/p_then − 1)
 * over its weights, from the same closes the new decision uses. Decisions at or after `now` stay open.
 */
function amendFirst(
  log: RunLogWriter,
  open: readonly RunLogRecord[],
  series: readonly CandleSeries[],
  at: number | undefined,
): RunLogWriter {
  if (open.length === 0) return log;
  const barMs = TIMEFRAME_MS[series[0]!.timeframe];
  const now = at ?? Math.max(...series.map((s) => s.candles.at(-1)!.timestamp + barMs));
  const closeAt = (symbol: string, t: number): number | undefined =>
    series.find((s) => s.symbol === symbol)?.candles.findLast((c) => c.timestamp + barMs <= t)?.close;
  for (const d of open) {
    if (d.timestamp >= now) continue;
    let r = 0;
    let known = true;
    for (const [s, w] of Object.entries(d.weights)) {
      const a = closeAt(s, d.timestamp);
      const b = closeAt(s, now);
      if (a === undefined || b === undefined) known = false;
      else r += w * (b / a - 1);
    }
    if (known) log.amend(d.hash, r, now);
  }
  return log;
}
