import type { Provider } from "ethers";
import type { ApiKeyStore } from "./ApiKeyStore.js";
import { ChainIndexer } from "./ChainIndexer.js";
import type { ChainIndexerOptions } from "./ChainIndexer.js";
import type { ApiDeployment } from "./loadDeployment.js";
import { ModelCards } from "./ModelCards.js";
import { PortfolioReader } from "./PortfolioReader.js";
import { RunDirectories } from "./RunDirectories.js";

/** Everything the routes read from: injected, so tests point it at an in-process chain. */
export interface ApiContext {
  readonly provider: Provider;
  readonly deployment: ApiDeployment;
  readonly indexer: ChainIndexer;
  readonly portfolio: PortfolioReader;
  readonly runs: RunDirectories;
  readonly models: ModelCards;
  readonly keys: ApiKeyStore;
  readonly now: () => number;
  /** How long `/ready` waits for the RPC node. */
  readonly readyTimeoutMs: number;
}

export interface ApiContextOptions {
  readonly provider: Provider;
  readonly deployment: ApiDeployment;
  readonly keys: ApiKeyStore;
  /** Root of run directories (`runs/`). */
  readonly runsDir: string;
  /** Root of model artefact directories (`artefacts/`). */
  readonly artefactsDir: string;
  readonly indexer?: ChainIndexerOptions;
  readonly now?: () => number;
  readonly readyTimeoutMs?: number;
}

/** Wires the readers (indexer, portfolio, run and model directories) around one provider. */
export function createApiContext(o: ApiContextOptions): ApiContext {
  const now = o.now ?? Date.now;
  return {
    provider: o.provider,
    deployment: o.deployment,
    indexer: new ChainIndexer(o.provider, o.deployment, { now, ...o.indexer }),
    portfolio: new PortfolioReader(o.provider, o.deployment),
    runs: new RunDirectories(o.runsDir),
    models: new ModelCards(o.artefactsDir),
    keys: o.keys,
    now,
    readyTimeoutMs: o.readyTimeoutMs ?? 2_000,
  };
}
