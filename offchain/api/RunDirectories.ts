import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { RUN_FILES } from "../report/runDirectory.js";
import type { RunLogLine } from "../runlog/RunLogWriter.js";
import { verifyRunLog } from "../runlog/verifyRunLog.js";
import { NotFoundError } from "./errors.js";

/** Hash-chain status of one run log, as `verifyRunLog` reports it. */
export interface ChainStatus {
  readonly ok: boolean;
  readonly firstBadLine: number | null;
  readonly reason: string | null;
  readonly head: string;
  /** Head recorded in `summary.json`, when there is one (catches lines cut from the end). */
  readonly expectedHead: string | null;
  readonly decisions: number;
  readonly amendments: number;
}

export interface RunInfo {
  readonly id: string;
  /** `runId` of the first decision (backtests: the run's id), null for an empty log. */
  readonly runId: string | null;
  readonly lines: number;
  readonly chain: ChainStatus;
  /** Last change of `run_log.jsonl`, ms. */
  readonly modifiedAt: number;
}

export interface BacktestInfo {
  readonly id: string;
  readonly summary: Readonly<Record<string, unknown>>;
}

interface Cached<T> {
  readonly stamp: string;
  readonly value: T;
}

/** Directory names usable in URLs: no separators, no dot-dot, so no path traversal. */
export const RUN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

function stampOf(path: string): string | null {
  try {
    const s = statSync(path);
    return `${s.mtimeMs}:${s.size}`;
  } catch {
    return null;
  }
}

/**
 * Run directories under one root (`runs/` by default: `sigil backtest --out`, `runs/decide`). Each
 * run log is verified when first read and again only when its file changes (mtime and size), so
 * requests do not re-hash logs.
 */
export class RunDirectories {
  private readonly logs = new Map<string, Cached<{ info: RunInfo; lines: readonly RunLogLine[] }>>();
  private readonly json = new Map<string, Cached<unknown>>();

  constructor(readonly root: string) {}

  private dirs(): string[] {
    if (!existsSync(this.root)) return [];
    return readdirSync(this.root, { withFileTypes: true })
      .filter((d) => d.isDirectory() && RUN_ID_PATTERN.test(d.name))
      .map((d) => d.name)
      .sort();
  }

  private readJson(path: string): unknown {
    const stamp = stampOf(path);
    if (stamp === null) return null;
    const hit = this.json.get(path);
    if (hit?.stamp === stamp) return hit.value;
    let value: unknown = null;
    try {
      value = JSON.parse(readFileSync(path, "utf8"));
    } catch {
      value = null; // a half-written or damaged file reads as absent, never as a 500
    }
    this.json.set(path, { stamp, value });
    return value;
  }

  private load(id: string): { info: RunInfo; lines: readonly RunLogLine[] } | null {
    const logPath = join(this.root, id, RUN_FILES.runLog);
    const summaryPath = join(this.root, id, RUN_FILES.summary);
    const logStamp = stampOf(logPath);
    if (logStamp === null) return null;
    const stamp = `${logStamp}|${stampOf(summaryPath)}`;
    const hit = this.logs.get(id);
    if (hit?.stamp === stamp) return hit.value;
    const summary = this.readJson(summaryPath) as { runLogHead?: unknown } | null;
    const expectedHead = typeof summary?.runLogHead === "string" ? summary.runLogHead : null;
    const v = verifyRunLog(readFileSync(logPath, "utf8"), expectedHead === null ? {} : { expectedHead });
    const first = v.lines.find((l) => !("kind" in l)) as { runId?: string } | undefined;
    const value = {
      info: {
        id,
        runId: first?.runId ?? null,
        lines: v.lines.length,
        chain: {
          ok: v.ok,
          firstBadLine: v.firstBadLine,
          reason: v.reason,
          head: v.head,
          expectedHead,
          decisions: v.decisions,
          amendments: v.amendments,
        },
        modifiedAt: Math.floor(statSync(logPath).mtimeMs),
      },
      lines: v.lines,
    };
    this.logs.set(id, { stamp, value });
    return value;
  }

  /** Every run directory holding a `run_log.jsonl`, by name. */
  runs(): RunInfo[] {
    return this.dirs()
      .map((d) => this.load(d)?.info)
      .filter((r): r is RunInfo => r !== undefined);
  }

  /** One run's status and its verified lines (up to the first bad one). */
  run(id: string): { info: RunInfo; lines: readonly RunLogLine[] } {
    const r = RUN_ID_PATTERN.test(id) ? this.load(id) : null;
    if (!r) throw new NotFoundError("RUN_NOT_FOUND", `no run directory "${id}" with a run_log.jsonl`);
    return r;
  }

  /** Every run directory holding a backtest `summary.json`. */
  backtests(): BacktestInfo[] {
    return this.dirs()
      .map((id) => ({ id, summary: this.readJson(join(this.root, id, RUN_FILES.summary)) }))
      .filter((b): b is BacktestInfo => b.summary !== null && typeof b.summary === "object");
  }

  /** One backtest: summary, analysis (null when absent) and its run log's chain status. */
  backtest(id: string): { id: string; summary: unknown; analysis: unknown; chain: ChainStatus | null } {
    const summary = RUN_ID_PATTERN.test(id) ? this.readJson(join(this.root, id, RUN_FILES.summary)) : null;
    if (summary === null || typeof summary !== "object")
      throw new NotFoundError("BACKTEST_NOT_FOUND", `no run directory "${id}" with a summary.json`);
    return {
      id,
      summary,
      analysis: this.readJson(join(this.root, id, RUN_FILES.analysis)),
      chain: this.load(id)?.info.chain ?? null,
    };
  }
}
