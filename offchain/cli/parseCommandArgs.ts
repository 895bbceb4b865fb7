import { parseArgs } from "node:util";
import type { ParseArgsConfig } from "node:util";
import { ConfigError } from "../engine/errors.js";

/** `node:util` parseArgs with unknown flags turned into readable ConfigErrors. */
export function parseCommandArgs(
  command: string,
  argv: readonly string[],
  options: NonNullable<ParseArgsConfig["options"]>,
  positionals = false,
): { values: Record<string, unknown>; positionals: string[] } {
  try {
    const r = parseArgs({ args: [...argv], options, strict: true, allowPositionals: positionals });
    return { values: r.values as Record<string, unknown>, positionals: r.positionals };
  } catch (e) {
    throw new ConfigError(`${command}: ${(e as Error).message.split("\n")[0]}`, {
      hint: `run \`sigil ${command} --help\` for the options`,
    });
  }
}
