import { Contract } from "ethers";
import type { Provider } from "ethers";
import { unpackTargets } from "../protocol/targets.js";
import { RISK_POLICY_ABI, SIGIL_VAULT_ABI, TRADE_LEDGER_ABI } from "./contractAbis.js";
import type { ApiDeployment } from "./loadDeployment.js";

const KILL_LEVELS = ["Normal", "NoNewEntries", "ReduceOnly", "Flatten"] as const;

/** The portfolio as the chain sees it at one block. Exact integers are decimal strings. */
export interface PortfolioSnapshot {
  readonly blockNumber: number;
  readonly killLevel: { readonly code: number; readonly name: string };
  readonly ledger: {
    readonly head: string;
    readonly signalSequence: number;
    readonly executionSequence: number;
    readonly lastAcceptedSignal: number;
    readonly targetsPacked: string;
  };
  readonly vault: {
    readonly epoch: number;
    readonly totalAssets: string;
    readonly totalSupply: string;
    /** Assets per whole share, 1e18 scale. */
    readonly pricePerShare: string;
    readonly highWaterMark: string;
    readonly offchainEquity: string;
    readonly lastNav: { readonly totalAssets: string; readonly timestamp: number };
    readonly assetDecimals: number;
  };
  /** One row per listed asset: current target (bps of NAV) and ledger position (8 decimals). */
  readonly assets: ReadonlyArray<{
    readonly asset: number;
    readonly symbol: string;
    readonly targetBps: number;
    readonly positionE8: string;
  }>;
}

/**
 * Reads current targets, positions and vault state in one consistent view (every call pinned to the
 * same block), cached per block: between blocks, requests cost no RPC call.
 */
export class PortfolioReader {
  private readonly ledger: Contract;
  private readonly vault: Contract;
  private readonly policy: Contract;
  private cached: { block: number; value: Promise<PortfolioSnapshot> } | null = null;

  constructor(
    provider: Provider,
    private readonly deployment: ApiDeployment,
  ) {
    this.ledger = new Contract(deployment.contracts.TradeLedger.address, TRADE_LEDGER_ABI, provider);
    this.vault = new Contract(deployment.contracts.SigilVault.address, SIGIL_VAULT_ABI, provider);
    this.policy = new Contract(deployment.contracts.RiskPolicy.address, RISK_POLICY_ABI, provider);
  }

  /** Snapshot at `blockNumber` (the indexer's head), shared by concurrent callers. */
  at(blockNumber: number): Promise<PortfolioSnapshot> {
    if (this.cached?.block !== blockNumber) {
      const value = this.read(blockNumber);
      // A failed read must not stay cached: the next request retries.
      value.catch(() => {
        if (this.cached?.value === value) this.cached = null;
      });
      this.cached = { block: blockNumber, value };
    }
    return this.cached.value;
  }

  private async read(blockTag: number): Promise<PortfolioSnapshot> {
    const o = { blockTag };
    const assets = [...this.deployment.assets].sort((a, b) => a.index - b.index);
    const [head, seq, targets, kill, totalAssets, totalSupply, price, offchain, epoch, nav, positions] =
      await Promise.all([
        this.ledger.head!(o) as Promise<string>,
        this.ledger.sequences!(o) as Promise<[bigint, bigint, bigint]>,
        this.ledger.currentTargets!(o) as Promise<bigint>,
        this.policy.killLevel!(o) as Promise<bigint>,
        this.vault.totalAssets!(o) as Promise<bigint>,
        this.vault.totalSupply!(o) as Promise<bigint>,
        this.vault.sharePrice!(o) as Promise<[bigint, bigint]>,
        this.vault.offchainEquity!(o) as Promise<bigint>,
        this.vault.currentEpoch!(o) as Promise<bigint>,
        this.vault.lastNav!(o) as Promise<[bigint, bigint]>,
        Promise.all(assets.map((a) => this.ledger.position!(a.index, o) as Promise<bigint>)),
      ]);
    const lanes = unpackTargets(targets);
    const k = Number(kill);
    return {
      blockNumber: blockTag,
      killLevel: { code: k, name: KILL_LEVELS[k] ?? `Unknown(${k})` },
      ledger: {
        head,
        signalSequence: Number(seq[0]),
        executionSequence: Number(seq[1]),
        lastAcceptedSignal: Number(seq[2]),
        targetsPacked: targets.toString(),
      },
      vault: {
        epoch: Number(epoch),
        totalAssets: totalAssets.toString(),
        totalSupply: totalSupply.toString(),
        pricePerShare: price[0].toString(),
        highWaterMark: price[1].toString(),
        offchainEquity: offchain.toString(),
        lastNav: { totalAssets: nav[0].toString(), timestamp: Number(nav[1]) },
        assetDecimals: this.deployment.parameters.assetDecimals,
      },
      assets: assets.map((a, i) => ({
        asset: a.index,
        symbol: a.symbol,
        targetBps: lanes.get(a.index) ?? 0,
        positionE8: positions[i]!.toString(),
      })),
    };
  }
}
