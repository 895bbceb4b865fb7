import { parseArgs } from "node:util";
import { ApiKeyStore } from "./ApiKeyStore.js";

const HELP = `sigil api keys
  create --name NAME [--quota REQUESTS_PER_DAY=10000] [--rate REQUESTS_PER_SECOND=10] [--burst N=20]
  revoke ID
  list
  common: --keys FILE (default api-keys.sqlite)`;

/**
 * One key-administration command (`create`, `revoke`, `list`); returns the text to print. The full
 * key is printed once, at creation; only its salted hash is stored.
 *
 * @example
 * runKeysCommand(["create", "--name", "dashboard", "--keys", "api-keys.sqlite"]);
 */
export function runKeysCommand(argv: string[]): string {
  const { values: v, positionals } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: {
      keys: { type: "string" },
      name: { type: "string" },
      quota: { type: "string" },
      rate: { type: "string" },
      burst: { type: "string" },
      help: { type: "boolean" },
    },
  });
  const [command, id] = positionals;
  if (v.help || command === undefined) return HELP;
  const num = (s: string | undefined): number | undefined => {
    if (s === undefined) return undefined;
    const n = Number(s);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`expected a positive number, got "${s}"`);
    return n;
  };
  const store = ApiKeyStore.open(v.keys ?? "api-keys.sqlite");
  try {
    switch (command) {
      case "create": {
        if (!v.name) throw new Error("create needs --name");
        const { key, record } = store.create({
          name: v.name,
          dailyQuota: num(v.quota),
          ratePerSecond: num(v.rate),
          burst: num(v.burst),
        });
        return `${key}\n(id ${record.id}; quota ${record.dailyQuota}/day, ${record.ratePerSecond}/s, burst ${record.burst}; shown once — store it now)`;
      }
      case "revoke":
        if (!id) throw new Error("revoke needs a key id");
        if (!store.revoke(id)) throw new Error(`no active key with id ${id}`);
        return `revoked ${id}`;
      case "list":
        return store
          .list()
          .map(
            (k) =>
              `${k.id}  ${k.revokedAt === null ? "active " : "revoked"}  ${k.dailyQuota}/day ${k.ratePerSecond}/s burst ${k.burst}  ${k.name}`,
          )
          .join("\n");
      default:
        throw new Error(`unknown command "${command}"\n${HELP}`);
    }
  } finally {
    store.close();
  }
}
