import { existsSync, readFileSync } from "node:fs";
import { ConfigError, MarketDataError } from "../engine/errors.js";
import { verifyRunLog } from "../runlog/verifyRunLog.js";
import type { CliIo } from "./CliIo.js";
import { parseCommandArgs } from "./parseCommandArgs.js";

const HELP = `sigil verify-log — check a run_log.jsonl hash chain

Usage: sigil verify-log FILE [--head HASH]

  --head HASH   expected last hash (e.g. from summary.json or the chain): also catches lines
                deleted from the end

Exit code 0 when the log verifies, 1 with the first bad line otherwise.`;

export async function verifyLogCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values: v, positionals } = parseCommandArgs(
    "verify-log",
    argv,
    { head: { type: "string" }, help: { type: "boolean", short: "h" } },
    true,
  );
  if (v.help) {
    io.out(HELP);
    return 0;
  }
  const file = positionals[0];
  if (!file || positionals.length > 1)
    throw new ConfigError("verify-log needs exactly one file", {
      hint: "sigil verify-log runs/<dir>/run_log.jsonl",
    });
  if (!existsSync(file)) throw new MarketDataError(`${file} not found`);
  const r = verifyRunLog(readFileSync(file, "utf8"), { expectedHead: v.head as string | undefined });
  if (r.ok) {
    io.out(`OK ${file}: ${r.decisions} decisions, ${r.amendments} amendments, head ${r.head}`);
    return 0;
  }
  io.out(`FAIL ${file}: line ${r.firstBadLine}: ${r.reason}`);
  return 1;
}
