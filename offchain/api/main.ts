/**
 * Entry point: `npm run api -- --rpc http://127.0.0.1:8545 --deployment deployments/localhost.json`.
 * Serves the read API on --host/--port; keys live in --keys (SQLite), managed with `npm run api:keys`.
 */
import { parseArgs } from "node:util";
import { JsonRpcProvider } from "ethers";
import { createApiContext } from "./ApiContext.js";
import { ApiKeyStore } from "./ApiKeyStore.js";
import { createApiApp } from "./createApiApp.js";
import { ApiError } from "./errors.js";
import { loadDeployment } from "./loadDeployment.js";
import { startApiServer } from "./startApiServer.js";

const HELP = `sigil api — REST read API (see docs/api.md)

  --rpc URL            JSON-RPC endpoint (default $SIGIL_RPC_URL or http://127.0.0.1:8545)
  --deployment FILE    deployments/<network>.json (default deployments/localhost.json)
  --keys FILE          API key store, SQLite (default api-keys.sqlite)
  --runs DIR           run directories (default runs)
  --artefacts DIR      model artefact directories (default artefacts)
  --host HOST          listen address (default 127.0.0.1)
  --port N             listen port (default 8080; 0 = any free port)
  --block-range N      blocks per eth_getLogs call (default 2000)
  --confirmations N    index only blocks N deep (default 0)`;

async function main(argv: string[]): Promise<void> {
  const { values: v } = parseArgs({
    args: argv,
    strict: true,
    options: {
      rpc: { type: "string" },
      deployment: { type: "string" },
      keys: { type: "string" },
      runs: { type: "string" },
      artefacts: { type: "string" },
      host: { type: "string" },
      port: { type: "string" },
      "block-range": { type: "string" },
      confirmations: { type: "string" },
      help: { type: "boolean" },
    },
  });
  if (v.help) {
    console.log(HELP);
    return;
  }
  const int = (s: string | undefined, d: number, name: string): number => {
    const n = s === undefined ? d : Number(s);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got ${s}`);
    return n;
  };
  const deployment = loadDeployment(v.deployment ?? "deployments/localhost.json");
  const provider = new JsonRpcProvider(
    v.rpc ?? process.env.SIGIL_RPC_URL ?? "http://127.0.0.1:8545",
    undefined,
    {
      staticNetwork: true,
    },
  );
  const keys = ApiKeyStore.open(v.keys ?? "api-keys.sqlite");
  const ctx = createApiContext({
    provider,
    deployment,
    keys,
    runsDir: v.runs ?? "runs",
    artefactsDir: v.artefacts ?? "artefacts",
    indexer: {
      blockRange: Math.max(1, int(v["block-range"], 2_000, "block-range")),
      confirmations: int(v.confirmations, 0, "confirmations"),
    },
  });
  // Catch up once before listening, so no request waits on the first full scan. A node that is
  // down now is not fatal: /ready reports it and requests retry the sync.
  await ctx.indexer.sync().catch((e: Error) => console.error(`initial sync failed: ${e.message}`));
  const { app } = createApiApp(ctx);
  const server = await startApiServer(app, int(v.port, 8080, "port"), v.host ?? "127.0.0.1");
  console.log(
    `sigil api on ${server.url} (chain ${deployment.chainId}, indexed to block ${ctx.indexer.indexedToBlock})`,
  );
  const stop = () => {
    void server.close().then(() => {
      keys.close();
      provider.destroy();
    });
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  console.error(e instanceof ApiError || e instanceof TypeError ? e.message : e);
  process.exitCode = 1;
});
