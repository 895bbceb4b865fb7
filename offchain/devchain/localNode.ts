import { spawn, type ChildProcess, type StdioOptions } from "node:child_process";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { createRequire } from "node:module";
import { DevChainError } from "./DevChainError.js";
import { jsonRpc } from "./jsonRpc.js";

/** A TCP port free on loopback right now (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/**
 * The command that runs the local chain: `hardhat --network sigilNode node` (hardhat.config.ts),
 * with its genesis block pinned to `genesisTime` (unix seconds) when given, so that a journal of
 * an earlier chain can be replayed onto it.
 */
export function localNodeCommand(
  port: number,
  genesisTime?: number,
): { cmd: string; args: string[]; env: NodeJS.ProcessEnv } {
  // The package's bin (its exports do not expose the CLI file itself).
  const cli = join(
    dirname(createRequire(import.meta.url).resolve("hardhat/package.json")),
    "dist/src/cli.js",
  );
  return {
    cmd: process.execPath,
    args: [cli, "--network", "sigilNode", "node", "--port", String(port)],
    env: genesisTime === undefined ? {} : { SIGIL_GENESIS_TIME: String(genesisTime) },
  };
}

/** Waits until the JSON-RPC server at `url` answers, or `child` exits, or `timeoutMs` passes. */
export async function waitForRpc(url: string, child?: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      await jsonRpc(url, "eth_blockNumber");
      return;
    } catch (e) {
      if (child && (child.exitCode !== null || child.signalCode !== null))
        throw new DevChainError(`the local chain at ${url} exited before answering`, { cause: e });
      if (Date.now() > end)
        throw new DevChainError(`the local chain at ${url} did not answer within ${timeoutMs} ms`, {
          cause: e,
        });
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The repository root: where hardhat.config.ts (and so the `sigilNode` network) is found. */
const ROOT = resolve(import.meta.dirname, "../..");

/** Starts the local chain on a free port and waits until it answers. */
export async function startLocalNode(
  options: { genesisTime?: number; stdio?: StdioOptions } = {},
): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const { cmd, args, env } = localNodeCommand(port, options.genesisTime);
  const child = spawn(cmd, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: options.stdio ?? "ignore",
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForRpc(url, child);
  return { url, child };
}
