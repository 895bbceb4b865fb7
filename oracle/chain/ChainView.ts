import { Contract, type Provider } from "ethers";
import { LedgerFillIndex } from "../../offchain/execution/LedgerFillIndex.js";
import { Stream } from "../../offchain/protocol/reportTypes.js";
import {
  OperatorBonds__factory,
  OracleRegistry__factory,
  RiskPolicy__factory,
  SigilVault__factory,
  EpochBook__factory,
  TradeLedger__factory,
} from "../../types/ethers-contracts/index.js";
import type {
  OperatorBonds,
  OracleRegistry,
  RiskPolicy,
  SigilVault,
  EpochBook,
  TradeLedger,
} from "../../types/ethers-contracts/index.js";
import type { SigilDeployment } from "./SigilDeployment.js";

const AGGREGATOR_ABI = [
  "function latestRoundData() view returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)",
];

export interface AssetReference {
  feed: string;
  maxDeviationBps: number;
  maxStaleness: number;
  feedDecimals: number;
  maxWeightBps: number;
}

export interface OperatorSet {
  configDigest: string;
  operators: string[];
  threshold: number;
}

/** Read-only view of the Sigil contracts a node checks proposals against. */
export class ChainView {
  readonly registry: OracleRegistry;
  readonly ledger: TradeLedger;
  readonly vault: SigilVault;
  readonly policy: RiskPolicy;
  /** Absent when the deployment file names no OperatorBonds. */
  readonly bonds: OperatorBonds | undefined;
  private operatorCache: OperatorSet | undefined;
  private book: EpochBook | undefined;
  private readonly fills: LedgerFillIndex;

  constructor(
    readonly provider: Provider,
    readonly deployment: SigilDeployment,
  ) {
    this.registry = OracleRegistry__factory.connect(deployment.registry, provider);
    this.ledger = TradeLedger__factory.connect(deployment.ledger, provider);
    this.vault = SigilVault__factory.connect(deployment.vault, provider);
    this.policy = RiskPolicy__factory.connect(deployment.policy, provider);
    this.bonds = deployment.bonds ? OperatorBonds__factory.connect(deployment.bonds, provider) : undefined;
    this.fills = new LedgerFillIndex({
      provider,
      address: deployment.ledger,
      fromBlock: deployment.ledgerBlock ?? 0,
    });
  }

  async configDigest(): Promise<string> {
    return (await this.registry.configDigest()).toLowerCase();
  }

  /** The operator set last read (no chain access). */
  get lastOperatorSet(): OperatorSet | undefined {
    return this.operatorCache;
  }

  /** The current operator set; re-read only when the config digest changes. */
  async operatorSet(): Promise<OperatorSet> {
    const digest = await this.configDigest();
    if (this.operatorCache?.configDigest === digest) return this.operatorCache;
    const [operators, threshold] = await Promise.all([this.registry.operators(), this.registry.threshold()]);
    this.operatorCache = { configDigest: digest, operators: [...operators], threshold: Number(threshold) };
    return this.operatorCache;
  }

  /** The last sequence the chain consumed on `stream` (a new report must be above it). */
  async lastSequence(stream: Stream): Promise<bigint> {
    if (stream === Stream.Nav) return this.vault.navSequence();
    const [signal, execution] = await this.ledger.sequences();
    return stream === Stream.Signal ? signal : execution;
  }

  /** Whether `account` is in the registry's current operator set (always read from the chain). */
  async isOperator(account: string): Promise<boolean> {
    return this.registry.isOperator(account);
  }

  /** What `operator` has bonded, active plus unbonding (both slashable). */
  async bondOf(operator: string): Promise<bigint> {
    if (!this.bonds) return 0n;
    const b = await this.bonds.bondOf(operator);
    return b.active + b.unbonding;
  }

  async currentTargets(): Promise<bigint> {
    return this.ledger.currentTargets();
  }

  /** The policy's verdict on `targets` (0 = none, else IRiskPolicy.Violation). */
  async checkSignal(targets: bigint, previous: bigint): Promise<number> {
    return Number(await this.policy.checkSignal(targets, previous));
  }

  async assetReference(asset: number): Promise<AssetReference> {
    const c = await this.policy.assetConfig(asset);
    return {
      feed: c.feed,
      maxDeviationBps: Number(c.maxDeviationBps),
      maxStaleness: Number(c.maxStaleness),
      feedDecimals: Number(c.feedDecimals),
      maxWeightBps: Number(c.maxWeightBps),
    };
  }

  async feedRound(feed: string): Promise<{ answer: bigint; updatedAt: bigint }> {
    const agg = new Contract(feed, AGGREGATOR_ABI, this.provider);
    const r = (await agg.getFunction("latestRoundData").staticCall()) as [
      bigint,
      bigint,
      bigint,
      bigint,
      bigint,
    ];
    return { answer: r[1], updatedAt: r[3] };
  }

  /** Timestamp of the latest block, seconds. */
  async blockTimestamp(): Promise<bigint> {
    const b = await this.provider.getBlock("latest");
    if (!b) throw new Error("no latest block");
    return BigInt(b.timestamp);
  }

  /** Valuation time of the last settled NAV, seconds. */
  async lastNavTimestamp(): Promise<bigint> {
    return (await this.vault.lastNav())[1];
  }

  async currentEpoch(): Promise<bigint> {
    return this.vault.currentEpoch();
  }

  /** The epoch settling next and its cut-off (a NAV report must be valued at or after it). */
  async epochState(): Promise<{ epoch: bigint; cutoff: bigint }> {
    this.book ??= EpochBook__factory.connect(await this.vault.epochBook(), this.provider);
    const [epoch, cutoff] = await this.book.epochState();
    return { epoch, cutoff };
  }

  /** Cumulative custody moves the vault booked on-chain. */
  async custodyTotals(): Promise<{ sent: bigint; returned: bigint }> {
    const [sent, returned] = await this.vault.custodyTotals();
    return { sent, returned };
  }

  /** The signal sequence the ledger last consumed and whether `sequence` was accepted is not exposed; the
   * ledger records unknown signals as violations, so a node only checks that the signal exists. */
  async signalSequence(): Promise<bigint> {
    return (await this.ledger.sequences())[0];
  }

  /**
   * Fills the ledger recorded for `signalSequence` (its `TradeRecorded` logs, filtered by that
   * indexed topic): fill hash (`ReportTypes.hashFill`) → execution sequence that recorded it.
   */
  async recordedFills(signalSequence: bigint): Promise<Map<string, bigint>> {
    return this.fills.recordings(signalSequence);
  }
}
