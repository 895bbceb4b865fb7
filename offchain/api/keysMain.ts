/**
 * API key administration: `npm run api:keys -- create --name dashboard [--quota N] [--rate R] [--burst B]`,
 * `npm run api:keys -- revoke <id>`, `npm run api:keys -- list`; `--keys FILE` picks the store.
 */
import { runKeysCommand } from "./runKeysCommand.js";

try {
  console.log(runKeysCommand(process.argv.slice(2)));
} catch (e) {
  console.error((e as Error).message);
  process.exitCode = 1;
}
