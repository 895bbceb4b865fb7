import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { expect } from "chai";

const ROOT = resolve(import.meta.dirname, "../..");
const TSX = join(ROOT, "node_modules/tsx/dist/cli.mjs");

/** Runs `scripts/start.ts` as its own process group (so every child it spawns can be killed). */
function runSystem(
  stateDir: string,
  args: string[],
): { child: ChildProcess; out: string[]; done: Promise<number> } {
  const child = spawn(process.execPath, [TSX, "scripts/start.ts", ...args], {
    cwd: ROOT,
    env: { ...process.env, SIGIL_STATE_DIR: stateDir },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const out: string[] = [];
  child.stdout!.on("data", (b: Buffer) => out.push(b.toString("utf8")));
  child.stderr!.on("data", (b: Buffer) => out.push(b.toString("utf8")));
  const done = new Promise<number>((r) => child.once("exit", (code) => r(code ?? -1)));
  return { child, out, done };
}

describe("npm start: the whole system, locally", function () {
  this.timeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), "sigil-system-"));
  let run: ReturnType<typeof runSystem> | undefined;

  after(() => {
    // Whatever happened, no child of the system survives the test (negative pid: the process group).
    if (run?.child.pid && run.child.exitCode === null) {
      try {
        process.kill(-run.child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs decisions through the oracle nodes to the chain and the simulator, and settles an epoch", async function () {
    run = runSystem(dir, ["--fresh", "--days", "4", "--day-ms", "1200", "--epoch-days", "2"]);
    const code = await run.done;
    const text = run.out.join("");
    expect(code, text).to.equal(0);
    // Signals co-signed by the nodes and accepted by the TradeLedger (lines print on-chain events).
    expect(text).to.match(/signal\s+#1 ACCEPTED on-chain/);
    // Fills recorded in the ledger (TradeRecorded events) after orders on the simulator.
    expect(text).to.match(/ledger\s+exec #1 sig #1/);
    expect(text).to.match(/order\s+\S+\s+buy .* closed filled/);
    // Epoch settled by a co-signed NAV report (EpochSettled event).
    expect(text).to.match(/nav\s+epoch 2 settled/);
    // Client order ids are unique within the run (the simulator refuses duplicates as well).
    const ids = [...text.matchAll(/^\s*[\d.]+s \S+\s+order\s+(\S+)\s/gm)].map((m) => m[1]);
    expect(ids.length).to.be.greaterThan(0);
    expect(new Set(ids).size).to.equal(ids.length);
    expect(text).to.match(/all children stopped/);
  });
});
