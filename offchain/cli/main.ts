import { runCli } from "./runCli.js";

// Entry point of `npm run sigil -- <command>`; all logic lives in runCli so tests can call it.
const code = await runCli(process.argv.slice(2), {
  out: (t) => process.stdout.write(t + "\n"),
  err: (t) => process.stderr.write(t + "\n"),
  isTty: Boolean(process.stderr.isTTY),
});
process.exitCode = code;
