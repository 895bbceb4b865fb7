/** Structured one-line JSON logs. Never pass key material here: nothing is redacted downstream. */
export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

function write(level: string, name: string, msg: string, fields?: Record<string, unknown>): void {
  const line = JSON.stringify({ t: new Date().toISOString(), level, node: name, msg, ...fields }, (_k, v) =>
    typeof v === "bigint" ? v.toString() : v instanceof Error ? `${v.name}: ${v.message}` : v,
  );
  (level === "info" ? process.stdout : process.stderr).write(line + "\n");
}

/** A logger writing JSON lines to stdout (info) and stderr (warnings, errors). */
export function jsonLogger(name: string): Logger {
  return {
    info: (m, f) => write("info", name, m, f),
    warn: (m, f) => write("warn", name, m, f),
    error: (m, f) => write("error", name, m, f),
  };
}

/** A logger that drops everything (tests, benchmarks). */
export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
