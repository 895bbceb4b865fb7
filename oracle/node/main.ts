/**
 * The oracle node program: `tsx oracle/node/main.ts --config <file>`. One process per operator, each
 * with its own key, port and data dir (see docs/oracle.md).
 */
import { createProvider } from "../chain/createProvider.js";
import { parseArgs } from "node:util";

import { loadDeployment } from "../chain/SigilDeployment.js";
import { OracleConfigError } from "../errors/OracleError.js";
import { CcxtVenue } from "../venue/CcxtVenue.js";
import { JsonFileVenue } from "../venue/JsonFileVenue.js";
import { jsonLogger } from "./Logger.js";
import { keystorePassword, loadKeystore } from "./loadKeystore.js";
import { loadNodeConfig, type NodeConfig } from "./nodeConfig.js";
import { OracleNode } from "./OracleNode.js";
import { AssetList } from "../../offchain/execution/AssetList.js";
import { DirectorySnapshotStore, HttpSnapshotSource } from "../../offchain/engine/SnapshotStore.js";
import { readFileSync } from "node:fs";
import { SnapshotRecomputer } from "../recompute/SnapshotRecomputer.js";

function recomputerFrom(config: NodeConfig) {
  const r = config.recompute;
  if (!r) return undefined;
  // Asset lanes come from this node's own deployment file, never from the engine.
  const file = JSON.parse(readFileSync(config.deploymentFile, "utf8")) as {
    assets?: Array<{ index: number; symbol: string }>;
  };
  if (!Array.isArray(file.assets))
    throw new OracleConfigError(`recompute needs the assets of ${config.deploymentFile}; it lists none`);
  const assets = AssetList.fromDeployment({ assets: file.assets }, r.quote);
  return new SnapshotRecomputer({
    source: r.snapshotUrl
      ? new HttpSnapshotSource(r.snapshotUrl)
      : new DirectorySnapshotStore(r.snapshotDir!),
    indexOf: (s) => assets.indexOf(s),
    artefactRoot: r.artefactRoot,
  });
}

function venueFrom(config: NodeConfig) {
  const v = config.venue;
  if (v.kind === "file") return new JsonFileVenue(v.path);
  return new CcxtVenue({
    exchange: v.exchange,
    baseUrl: v.baseUrl,
    symbols: v.symbols,
    quoteCurrency: v.quoteCurrency,
    assetDecimals: v.assetDecimals,
    exchangeOptions: v.exchangeOptions,
    apiKey: process.env.SIGIL_ORACLE_VENUE_API_KEY,
    secret: process.env.SIGIL_ORACLE_VENUE_SECRET,
    password: process.env.SIGIL_ORACLE_VENUE_PASSWORD,
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { config: { type: "string" } }, strict: true });
  if (!values.config) throw new OracleConfigError("usage: main.ts --config <file>");
  const config = loadNodeConfig(values.config);
  const log = jsonLogger(config.name ?? "oracle");
  const deployment = loadDeployment(config.deploymentFile);
  const wallet = await loadKeystore(
    config.keystoreFile,
    keystorePassword(config.keystorePasswordFile, process.env),
  );
  // A static network: no chain-id probing that would fail (and spam) while the RPC endpoint is down.
  const provider = createProvider(config.rpcUrl, deployment.chainId, config.submission.pollMs);
  const venue = venueFrom(config);
  const node = await OracleNode.start({
    provider,
    deployment,
    wallet,
    natsServers: [...config.natsServers],
    deploymentId: config.deploymentId,
    http: config.http,
    dataDir: config.dataDir,
    checks: config.checks,
    auth: config.auth,
    send: config.submission,
    failoverMs: config.failoverMs,
    venue: { ticker: venue, fills: venue, balance: venue },
    recomputer: recomputerFrom(config),
    logger: log,
    name: config.name,
  });
  log.info("listening", {
    url: node.url,
    address: node.address,
    recompute: config.recompute !== undefined,
    engines: config.auth.engines,
  });
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info("shutting down", { signal });
    await node.stop();
    provider.destroy();
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((err: unknown) => {
  // Only the message: a config error never carries key material, and a stack adds nothing for operators.
  process.stderr.write(JSON.stringify({ level: "fatal", msg: String((err as Error).message ?? err) }) + "\n");
  process.exit(1);
});
