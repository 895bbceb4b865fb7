/** Child processes and servers for the dApp e2e test: a Hardhat node, the deploy script, a static server. */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { createServer, request as httpRequest, type Server } from "node:http";
import { extname, join, normalize } from "node:path";
import type { AddressInfo } from "node:net";

// One free-port helper for every local service the tests start.
export { freePort } from "../../offchain/devchain/localNode.js";

/** Spawn `cmd` in its own process group (so the whole tree can be ended by the group id). */
export function spawnGroup(
  cmd: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): ChildProcess {
  const child = spawn(cmd, args, {
    cwd,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  const keep = (b: Buffer) => {
    log = (log + b.toString()).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  (child as ChildProcess & { log: () => string }).log = () => log;
  return child;
}

export function logOf(child: ChildProcess): string {
  return (child as ChildProcess & { log?: () => string }).log?.() ?? "";
}

/** End a child started by `spawnGroup` and everything it started (its process group). */
export async function killGroup(child: ChildProcess | undefined): Promise<void> {
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      /* already gone */
    }
  }, 3_000);
  await exited;
  clearTimeout(timer);
}

export async function rpc<T>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

export async function waitForRpc(url: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const start = Date.now();
  for (;;) {
    try {
      await rpc(url, "eth_chainId");
      return;
    } catch {
      if (child.exitCode !== null) throw new Error(`hardhat node exited:\n${logOf(child)}`);
      if (Date.now() - start > timeoutMs) throw new Error(`hardhat node did not answer:\n${logOf(child)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** Run a command to completion; reject with its output on a non-zero exit. */
export async function runToEnd(
  cmd: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): Promise<string> {
  const child = spawnGroup(cmd, args, cwd, env);
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${code}:\n${logOf(child)}`);
  return logOf(child);
}

/**
 * Deploy with `scripts/deploy.ts --network localhost` against `rpcUrl` and return the deployment JSON.
 * The script writes deployments/localhost.json: a file that was there before is put back afterwards.
 */
export async function deployLocal(root: string, rpcUrl: string): Promise<Record<string, unknown>> {
  const file = join(root, "deployments", "localhost.json");
  const before = existsSync(file) ? await readFile(file, "utf8") : undefined;
  try {
    await runToEnd("npx", ["hardhat", "run", "scripts/deploy.ts", "--network", "localhost"], root, {
      SIGIL_RPC_URL: rpcUrl,
    });
    return JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
  } finally {
    if (before === undefined) await rm(file, { force: true });
    else await writeFile(file, before);
  }
}

const types: Record<string, string> = {
  ".html": "text/html",
  ".js": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
  ".svg": "image/svg+xml",
};

/**
 * Serve the built dApp from `dist`, `/deployments.json` from `deployment`, and proxy `POST /rpc` to the
 * node (same origin, so the page needs no CORS).
 */
export async function serveDapp(
  dist: string,
  deployment: unknown,
  rpcUrl: string,
): Promise<{ server: Server; url: string }> {
  const target = new URL(rpcUrl);
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0]!;
    if (path === "/rpc") {
      const upstream = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          path: "/",
          method: "POST",
          headers: { "content-type": "application/json" },
        },
        (up) => {
          res.writeHead(up.statusCode ?? 502, { "content-type": "application/json" });
          up.pipe(res);
        },
      );
      upstream.on("error", () => res.writeHead(502).end());
      req.pipe(upstream);
      return;
    }
    if (path === "/deployments.json") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(deployment));
      return;
    }
    const file = normalize(join(dist, path === "/" ? "index.html" : path));
    if (!file.startsWith(dist)) return void res.writeHead(403).end();
    readFile(file)
      .then((body) =>
        res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" }).end(body),
      )
      .catch(() => res.writeHead(404).end());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}` };
}
