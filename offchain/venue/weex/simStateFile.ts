import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { SimStateError, parseSimState } from "./SimState.js";
import type { WeexSimState } from "./SimState.js";

/**
 * Writes a simulator state atomically: to `<path>.<pid>.tmp`, flushed to disk, then renamed over
 * `path`, so a crash or Ctrl-C mid-write leaves the previous state file whole.
 *
 * @example
 * saveSimState(join(stateDir, "weex-sim.json"), sim.exportState());
 */
export function saveSimState(path: string, state: WeexSimState): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, "w");
  try {
    writeSync(fd, JSON.stringify(state, null, 2) + "\n");
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/**
 * Reads and validates a state written by `saveSimState`: undefined when there is no file (a
 * first start), `SimStateError` when it cannot be read, is not JSON or is not a valid state.
 *
 * @example
 * const sim = new WeexSimulator({ ...options, state: loadSimState(file) });
 */
export function loadSimState(path: string): WeexSimState | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new SimStateError(`cannot read the simulator state ${path}: ${(cause as Error).message}`, {
      hint: "Fix the file's permissions, or delete it to start fresh.",
      cause,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new SimStateError(`${path} is not valid JSON (a torn or hand-edited simulator state)`, { cause });
  }
  return parseSimState(json, path);
}
