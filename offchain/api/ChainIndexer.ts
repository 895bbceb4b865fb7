import { Interface } from "ethers";
import type { Log, Provider } from "ethers";
import { unpackTargets } from "../protocol/targets.js";
import { violationName } from "../protocol/violations.js";
import type { EventLocation, NavPoint, SignalEntry, TargetWeight, TradeEntry } from "./chainRecords.js";
import { SIGIL_VAULT_ABI, TRADE_LEDGER_ABI } from "./contractAbis.js";
import { decodeFillViolations } from "./decodeViolations.js";
import type { ApiDeployment } from "./loadDeployment.js";

export interface ChainIndexerOptions {
  /** Blocks per `eth_getLogs` call (providers cap the range; 2,000 is safe for most). */
  readonly blockRange?: number;
  /** Upper bound on blocks scanned by one `sync()`, so no request waits on a long catch-up. */
  readonly maxBlocksPerSync?: number;
  /** Requests re-sync at most this often; in between they read the cache. */
  readonly minSyncIntervalMs?: number;
  /** Index only blocks this deep below the head (reorg safety on public chains; 0 locally). */
  readonly confirmations?: number;
  readonly now?: () => number;
}

const ledgerIface = new Interface(TRADE_LEDGER_ABI);
const vaultIface = new Interface(SIGIL_VAULT_ABI);
const LEDGER_TOPICS = ["SignalAccepted", "SignalRejected", "TradeRecorded"].map(
  (n) => ledgerIface.getEvent(n)!.topicHash,
);
const VAULT_TOPICS = [vaultIface.getEvent("EpochSettled")!.topicHash];

/**
 * Reads the ledger's and vault's events in bounded block ranges and keeps them in memory, in chain
 * order. Each sync scans only blocks after the last indexed one (at most `maxBlocksPerSync`), and
 * concurrent callers share one sync, so request handlers never trigger unbounded `getLogs` scans.
 *
 * @example
 * const ix = new ChainIndexer(provider, deployment);
 * await ix.sync();          // catch up at start-up
 * await ix.refresh();       // in handlers: cheap unless minSyncIntervalMs has passed
 * ix.signals.filter((s) => s.status === "rejected");
 */
export class ChainIndexer {
  readonly navHistory: NavPoint[] = [];
  readonly signals: SignalEntry[] = [];
  readonly trades: TradeEntry[] = [];
  private cursor: number;
  private head = -1;
  private lastSync = -Infinity;
  private inflight: Promise<void> | null = null;
  private readonly blockTimes = new Map<number, number>();
  private readonly symbols: Map<number, string>;
  private readonly opts: Required<ChainIndexerOptions>;
  private readonly ledger: string;
  private readonly vault: string;

  constructor(
    private readonly provider: Provider,
    deployment: ApiDeployment,
    options: ChainIndexerOptions = {},
  ) {
    this.opts = {
      blockRange: options.blockRange ?? 2_000,
      maxBlocksPerSync: options.maxBlocksPerSync ?? 100_000,
      minSyncIntervalMs: options.minSyncIntervalMs ?? 1_000,
      confirmations: options.confirmations ?? 0,
      now: options.now ?? Date.now,
    };
    this.ledger = deployment.contracts.TradeLedger.address;
    this.vault = deployment.contracts.SigilVault.address;
    // Nothing of interest exists before the earlier of the two deployments.
    this.cursor = Math.min(deployment.contracts.TradeLedger.block, deployment.contracts.SigilVault.block) - 1;
    this.symbols = new Map(deployment.assets.map((a) => [a.index, a.symbol]));
  }

  /** Last block whose events are in the cache (-1 before the first sync). */
  get indexedToBlock(): number {
    return this.cursor;
  }

  /** Chain head seen at the last sync. */
  get headBlock(): number {
    return this.head;
  }

  /** Symbol of a risk-policy asset index, from the deployment record. */
  symbolOf(asset: number): string | null {
    return this.symbols.get(asset) ?? null;
  }

  /** Syncs when the cache is older than `minSyncIntervalMs`; otherwise returns at once. */
  async refresh(): Promise<void> {
    if (this.inflight) return this.inflight;
    if (this.opts.now() - this.lastSync < this.opts.minSyncIntervalMs) return;
    return this.sync();
  }

  /** Indexes new blocks up to the (confirmed) head, bounded by `maxBlocksPerSync`. Single-flight. */
  sync(): Promise<void> {
    this.inflight ??= this.doSync().finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  private async doSync(): Promise<void> {
    const latest = await this.provider.getBlockNumber();
    this.head = latest;
    const target = Math.min(latest - this.opts.confirmations, this.cursor + this.opts.maxBlocksPerSync);
    for (let from = this.cursor + 1; from <= target; from += this.opts.blockRange) {
      const to = Math.min(from + this.opts.blockRange - 1, target);
      const [ledgerLogs, vaultLogs] = await Promise.all([
        this.provider.getLogs({
          address: this.ledger,
          topics: [LEDGER_TOPICS],
          fromBlock: from,
          toBlock: to,
        }),
        this.provider.getLogs({ address: this.vault, topics: [VAULT_TOPICS], fromBlock: from, toBlock: to }),
      ]);
      const logs = [...ledgerLogs, ...vaultLogs].sort(
        (a, b) => a.blockNumber - b.blockNumber || a.index - b.index,
      );
      await this.loadBlockTimes(logs);
      for (const log of logs) this.ingest(log);
      // Advance only after the whole range is in, so a failed range is retried, never half-kept.
      this.cursor = to;
    }
    this.lastSync = this.opts.now();
  }

  private async loadBlockTimes(logs: readonly Log[]): Promise<void> {
    const missing = [...new Set(logs.map((l) => l.blockNumber))].filter((n) => !this.blockTimes.has(n));
    const blocks = await Promise.all(missing.map((n) => this.provider.getBlock(n)));
    blocks.forEach((b, i) => this.blockTimes.set(missing[i]!, b ? Number(b.timestamp) : 0));
  }

  private location(log: Log): EventLocation {
    return {
      blockNumber: log.blockNumber,
      logIndex: log.index,
      transactionHash: log.transactionHash,
      blockTimestamp: this.blockTimes.get(log.blockNumber) ?? 0,
    };
  }

  private targets(packed: bigint): TargetWeight[] {
    return [...unpackTargets(packed)].map(([asset, weightBps]) => ({
      asset,
      symbol: this.symbolOf(asset),
      weightBps,
    }));
  }

  private ingest(log: Log): void {
    const isVault = log.address.toLowerCase() === this.vault.toLowerCase();
    const parsed = (isVault ? vaultIface : ledgerIface).parseLog(log);
    if (!parsed) return;
    const a = parsed.args;
    switch (parsed.name) {
      case "EpochSettled":
        this.navHistory.push({
          ...this.location(log),
          epoch: Number(a.epoch),
          navSequence: Number(a.navSequence),
          reportHash: a.reportHash,
          totalAssets: a.totalAssets.toString(),
          totalSupply: a.totalSupply.toString(),
          pricePerShare: a.pricePerShare.toString(),
          depositAssets: a.depositAssets.toString(),
          depositShares: a.depositShares.toString(),
          redeemShares: a.redeemShares.toString(),
          redeemAssets: a.redeemAssets.toString(),
        });
        return;
      case "SignalAccepted":
      case "SignalRejected": {
        const s = a.signal;
        const code = parsed.name === "SignalRejected" ? Number(a.reason) : 0;
        this.signals.push({
          ...this.location(log),
          sequence: Number(a.sequence),
          reportHash: a.reportHash,
          status: parsed.name === "SignalAccepted" ? "accepted" : "rejected",
          reason: { code, name: violationName(code) },
          runHash: s.runHash,
          inputsHash: s.inputsHash,
          modelHash: s.modelHash,
          decisionTime: Number(s.timestamp),
          flags: Number(s.flags),
          targetsPacked: s.targets.toString(),
          targets: this.targets(s.targets),
          head: a.head,
        });
        return;
      }
      case "TradeRecorded": {
        const r = a.record;
        const mask = Number(a.violations);
        this.trades.push({
          ...this.location(log),
          executionSequence: Number(a.executionSequence),
          signalSequence: Number(a.signalSequence),
          asset: Number(a.asset),
          symbol: this.symbolOf(Number(a.asset)),
          fillHash: a.fillHash,
          quantityE8: r.quantityE8.toString(),
          priceE8: r.priceE8.toString(),
          feeE8: r.feeE8.toString(),
          orderRef: r.orderRef,
          fillTime: Number(r.timestamp),
          positionE8: a.positionE8.toString(),
          violations: { mask, names: decodeFillViolations(mask) },
          head: a.head,
        });
        return;
      }
    }
  }
}
