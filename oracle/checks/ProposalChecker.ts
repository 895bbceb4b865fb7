import { keccak256, toUtf8Bytes } from "ethers";
import {
  Stream,
  type ExecutionReport,
  type NavReport,
  type SignalReport,
} from "../../offchain/protocol/reportTypes.js";
import { MAX_ASSETS, targetOf, unpackTargets } from "../../offchain/protocol/targets.js";
import { fillHash } from "../../offchain/protocol/signatures.js";
import { BPS, toE8 } from "../../offchain/protocol/units.js";
import { violationName } from "../../offchain/protocol/violations.js";
import type { ChainView } from "../chain/ChainView.js";
import type { Clock } from "../node/Clock.js";
import type { ExecutionProposal, NavProposal, SignalProposal } from "../proposals/proposalSchemas.js";
import type { DecisionRecomputer, RecomputeResult } from "../recompute/DecisionRecomputer.js";
import type { VenueBalanceSource } from "../venue/VenueBalanceSource.js";
import type { VenueFillsSource } from "../venue/VenueFillsSource.js";
import type { VenueTickerSource } from "../venue/VenueTickerSource.js";
import { matchOrderTrades, type ClaimedFill } from "./matchOrderTrades.js";
import { ProposalRefused, RefusalReason } from "./RefusalReason.js";

/** Bounds every node applies on its own (seconds and basis points). */
export interface CheckLimits {
  /** A deadline must leave at least this long to gather signatures and submit. */
  minDeadlineSeconds: number;
  /** …and not reach further than this (a report must not stay valid for long). */
  maxDeadlineSeconds: number;
  /** Tolerated clock skew for decision/valuation times ahead of this node's clock. */
  maxFutureSkewSeconds: number;
  /** Oldest decision or valuation a node signs. */
  maxReportAgeSeconds: number;
  /** Max distance of a reference price from the venue's last price. */
  tickerDeviationBps: number;
  /** Max distance of reported venue equity from the venue's balance. */
  navToleranceBps: number;
  /** Max per-asset difference between re-computed and proposed targets. */
  recomputeToleranceBps: number;
}

export const defaultCheckLimits: CheckLimits = {
  minDeadlineSeconds: 10,
  maxDeadlineSeconds: 3_600,
  maxFutureSkewSeconds: 5,
  maxReportAgeSeconds: 600,
  tickerDeviationBps: 100,
  navToleranceBps: 10,
  recomputeToleranceBps: 0,
};

export interface ProposalCheckerDeps {
  chain: ChainView;
  ticker: VenueTickerSource;
  fills: VenueFillsSource;
  balance: VenueBalanceSource;
  recomputer?: DecisionRecomputer;
  clock: Clock;
  limits: CheckLimits;
  /** This node's operator address (a node removed from the set stops signing). */
  self: string;
}

const refuse = (reason: RefusalReason, detail: string): never => {
  throw new ProposalRefused(reason, detail);
};

/** A chain read; any failure means the node cannot check, not that the proposal is bad. */
async function fromChain<T>(read: Promise<T>, what: string): Promise<T> {
  try {
    return await read;
  } catch (err) {
    throw new ProposalRefused(RefusalReason.ChainUnavailable, `reading ${what}: ${String(err)}`, {
      cause: err,
    });
  }
}

async function fromVenue<T>(read: Promise<T>, what: string): Promise<T> {
  try {
    return await read;
  } catch (err) {
    throw new ProposalRefused(RefusalReason.VenueUnavailable, `reading ${what}: ${String(err)}`, {
      cause: err,
    });
  }
}

/**
 * Run independent checks concurrently but report the first failure in the listed order, so a
 * proposal with several faults is always refused for the same reason.
 */
async function inOrder(checks: Array<Promise<unknown>>): Promise<void> {
  const results = await Promise.allSettled(checks);
  for (const r of results) if (r.status === "rejected") throw r.reason;
}

const absDiff = (a: bigint, b: bigint) => (a > b ? a - b : b - a);

/** Every check a node runs before it signs; cheapest and most decisive first. */
export class ProposalChecker {
  constructor(private readonly d: ProposalCheckerDeps) {}

  private nowSeconds(): bigint {
    return BigInt(Math.floor(this.d.clock.now() / 1000));
  }

  private async checkHeader(
    stream: Stream,
    report: SignalReport | ExecutionReport | NavReport,
  ): Promise<void> {
    const now = this.nowSeconds();
    const l = this.d.limits;
    if (report.deadline < now + BigInt(l.minDeadlineSeconds)) {
      refuse(
        RefusalReason.DeadlineTooSoon,
        `deadline ${report.deadline} leaves less than ${l.minDeadlineSeconds}s`,
      );
    }
    if (report.deadline > now + BigInt(l.maxDeadlineSeconds)) {
      refuse(
        RefusalReason.DeadlineTooFar,
        `deadline ${report.deadline} is more than ${l.maxDeadlineSeconds}s ahead`,
      );
    }
    const [set, last] = await Promise.all([
      fromChain(this.d.chain.operatorSet(), "operator set"),
      fromChain(this.d.chain.lastSequence(stream), "sequence"),
    ]);
    if (report.configDigest.toLowerCase() !== set.configDigest) {
      refuse(
        RefusalReason.ConfigDigest,
        `report digest ${report.configDigest}, registry ${set.configDigest}`,
      );
    }
    if (!set.operators.some((o) => BigInt(o) === BigInt(this.d.self))) {
      refuse(RefusalReason.NotOperator, `${this.d.self} is not in the current operator set`);
    }
    if (report.sequence <= last)
      refuse(RefusalReason.StaleSequence, `sequence ${report.sequence}, on-chain ${last}`);
  }

  private checkTime(timestamp: bigint, what: string): void {
    const now = this.nowSeconds();
    const l = this.d.limits;
    if (timestamp > now + BigInt(l.maxFutureSkewSeconds)) {
      refuse(RefusalReason.TimestampInFuture, `${what} ${timestamp} is after now ${now}`);
    }
    if (timestamp + BigInt(l.maxReportAgeSeconds) < now) {
      refuse(RefusalReason.TimestampTooOld, `${what} ${timestamp} is older than ${l.maxReportAgeSeconds}s`);
    }
  }

  /** A reference price against the asset's Chainlink feed (as the policy configures it) and the venue. */
  private async checkReferencePrice(asset: number, priceE8: bigint): Promise<void> {
    const [ref, now, last] = await Promise.all([
      fromChain(this.d.chain.assetReference(asset), `asset ${asset} config`),
      fromChain(this.d.chain.blockTimestamp(), "latest block"),
      fromVenue(this.d.ticker.lastPriceE8(asset), `ticker of asset ${asset}`),
    ]);
    if (/^0x0{40}$/i.test(ref.feed)) refuse(RefusalReason.FeedInvalid, `asset ${asset} has no feed`);
    const round = await fromChain(this.d.chain.feedRound(ref.feed), `feed of asset ${asset}`);
    if (round.answer <= 0n)
      refuse(RefusalReason.FeedInvalid, `feed of asset ${asset} answered ${round.answer}`);
    // Staleness against the chain's clock, as the contracts judge it.
    if (
      round.updatedAt > now + BigInt(this.d.limits.maxFutureSkewSeconds) ||
      now - round.updatedAt > BigInt(ref.maxStaleness)
    ) {
      refuse(RefusalReason.FeedStale, `feed of asset ${asset} updated at ${round.updatedAt}`);
    }
    const feedE8 = toE8(round.answer, ref.feedDecimals);
    if (feedE8 <= 0n) refuse(RefusalReason.FeedInvalid, `feed of asset ${asset} rounds to zero`);
    if (absDiff(priceE8, feedE8) * BPS > feedE8 * BigInt(ref.maxDeviationBps)) {
      refuse(RefusalReason.FeedDeviation, `asset ${asset}: price ${priceE8} vs feed ${feedE8}`);
    }
    if (absDiff(priceE8, last) * BPS > last * BigInt(this.d.limits.tickerDeviationBps)) {
      refuse(RefusalReason.TickerDeviation, `asset ${asset}: price ${priceE8} vs venue ${last}`);
    }
  }

  /**
   * A signal: header, decision time, reference prices of every asset it holds, the on-chain risk
   * policy, and, on a node configured with a recomputer, the re-computed decision (required: such a
   * node never signs a signal it could not re-compute). Returns whether it was re-computed.
   */
  async checkSignal(p: SignalProposal): Promise<{ recomputed: boolean }> {
    const { report, context } = p;
    const held = [...unpackTargets(report.signal.targets).keys()];
    const prices = new Map(context.referencePrices.map((r) => [r.asset, r.priceE8]));
    const risk = async () => {
      const previous = await fromChain(this.d.chain.currentTargets(), "current targets");
      const violation = await fromChain(
        this.d.chain.checkSignal(report.signal.targets, previous),
        "risk policy",
      );
      if (violation !== 0) refuse(RefusalReason.RiskPolicy, violationName(violation));
    };
    await inOrder([
      this.checkHeader(Stream.Signal, report),
      (async () => this.checkTime(report.signal.timestamp, "decision time"))(),
      (async () => {
        for (const asset of held) {
          if (!prices.has(asset))
            refuse(RefusalReason.ReferencePriceMissing, `no reference price for asset ${asset}`);
        }
      })(),
      ...[...prices].map(([asset, price]) => this.checkReferencePrice(asset, price)),
      risk(),
    ]);

    const claimsRecomputed = (report.signal.flags & 1) === 1;
    if (!this.d.recomputer) {
      // Bounds checks only: this node vouches for the bounds, and the signal must say so (bit 0 clear).
      if (claimsRecomputed)
        refuse(RefusalReason.RecomputeUnavailable, "no recomputer configured; flags bit 0 must be clear");
      return { recomputed: false };
    }
    // Configured to re-compute: sign only what was re-computed and matches, whatever the flags say. A
    // failure or a non-deterministic pipeline is a refusal, never a fall-back to bounds only (clearing
    // bit 0 must not get a decision past the re-run).
    let result: RecomputeResult;
    try {
      result = await this.d.recomputer.recompute({
        inputsHash: report.signal.inputsHash,
        inputSnapshotRef: context.inputSnapshotRef,
        runHash: report.signal.runHash,
        modelHash: report.signal.modelHash,
        timestamp: report.signal.timestamp,
      });
    } catch (err) {
      throw new ProposalRefused(
        RefusalReason.RecomputeUnavailable,
        `configured to re-compute, could not: ${String(err)}`,
        { cause: err },
      );
    }
    if (result.kind === "invalid") throw new ProposalRefused(RefusalReason.SnapshotInvalid, result.reason);
    if (result.kind === "non-deterministic") {
      throw new ProposalRefused(
        RefusalReason.RecomputeUnavailable,
        `configured to re-compute, the decision is not re-computable: ${result.reason}`,
      );
    }
    const recomputed = result.targets;
    const tol = this.d.limits.recomputeToleranceBps;
    for (let a = 0; a < MAX_ASSETS; a++) {
      const mine = targetOf(recomputed, a);
      const theirs = targetOf(report.signal.targets, a);
      if (Math.abs(mine - theirs) > tol) {
        refuse(
          RefusalReason.RecomputeMismatch,
          `asset ${a}: proposed ${theirs} bps, re-computed ${mine} bps`,
        );
      }
    }
    return { recomputed: true };
  }

  /**
   * An execution: header, the signal it executes exists, no fill twice (in the report or on-chain
   * already), and every fill matches venue trades of its order that no other fill of the report
   * claims (one trade, or identical trades merged as the engine merges them).
   */
  async checkExecution(p: ExecutionProposal): Promise<void> {
    const { report, context } = p;
    await this.checkHeader(Stream.Execution, report);
    const signalSeq = report.execution.signalSequence;
    const lastSignal = await fromChain(this.d.chain.signalSequence(), "signal sequence");
    if (signalSeq === 0n || signalSeq > lastSignal) {
      refuse(RefusalReason.SignalUnknown, `signal ${signalSeq} is not on-chain (last ${lastSignal})`);
    }
    // A fill is identified by its EIP-712 struct hash, the `fillHash` the ledger's TradeRecorded carries.
    const hashes = report.execution.fills.map(fillHash);
    const first = new Map<string, number>();
    for (const [i, h] of hashes.entries()) {
      const j = first.get(h);
      if (j !== undefined) refuse(RefusalReason.DuplicateFill, `fill ${i} repeats fill ${j}`);
      first.set(h, i);
    }
    // Recording a fill again would double its position and P&L (an engine that crashed after its
    // report landed re-sends it under a new execution sequence): look up what the ledger holds.
    const recorded = (async () => {
      const onChain = await fromChain(this.d.chain.recordedFills(signalSeq), "recorded fills");
      for (const [i, h] of hashes.entries()) {
        const by = onChain.get(h);
        if (by !== undefined) {
          refuse(
            RefusalReason.FillAlreadyRecorded,
            `fill ${i} is already on-chain: recorded by execution ${by} (signal ${signalSeq})`,
          );
        }
      }
    })();
    // Price deviations and size breaches are not refused: fills are facts, and the ledger records
    // them with their violations (and trips the breaker). What a node vouches for is that they happened.
    // Each fill is checked against the venue's trades of its order, read once per order: an order
    // that filled in several trades is reported trade by trade (identical trades merged), and each
    // venue trade backs at most one fill of the report.
    const now = this.nowSeconds();
    const venue = (async () => {
      const byOrder = new Map<string, { venueOrderId: string; asset: number; claims: ClaimedFill[] }>();
      for (const [i, f] of report.execution.fills.entries()) {
        const order = context.orders[i]!;
        if (keccak256(toUtf8Bytes(order.clientOrderId)) !== f.orderRef) {
          refuse(RefusalReason.FillMismatch, `fill ${i}: orderRef is not the hash of ${order.clientOrderId}`);
        }
        if (f.timestamp > now + BigInt(this.d.limits.maxFutureSkewSeconds)) {
          refuse(RefusalReason.TimestampInFuture, `fill ${i} time ${f.timestamp}`);
        }
        const key = JSON.stringify([order.venueOrderId, f.asset]);
        const group = byOrder.get(key) ?? { venueOrderId: order.venueOrderId, asset: f.asset, claims: [] };
        group.claims.push({ index: i, clientOrderId: order.clientOrderId, fill: f });
        byOrder.set(key, group);
      }
      await inOrder(
        [...byOrder.values()].map(async ({ venueOrderId, asset, claims }) => {
          const trades = await fromVenue(
            this.d.fills.tradesForOrder(venueOrderId, asset),
            `trades of order ${venueOrderId}`,
          );
          const unmatched = matchOrderTrades(claims, trades);
          if (unmatched) {
            refuse(
              RefusalReason.FillMismatch,
              `fill ${unmatched.index} (order ${venueOrderId}): ${unmatched.detail}`,
            );
          }
        }),
      );
    })();
    await inOrder([recorded, venue]);
  }

  /**
   * A NAV report: header, the vault it names, the vault's epoch and cut-off, valuation time, equity
   * against the venue's balance, and custody counters against the venue's ledger (and never above
   * what the vault sent). The node refuses what the vault would revert, and what it cannot vouch for.
   */
  async checkNav(p: NavProposal): Promise<void> {
    const { report } = p;
    const nav = report.nav;
    await this.checkHeader(Stream.Nav, report);
    this.checkTime(nav.timestamp, "valuation time");
    const vault = this.d.chain.deployment.vault;
    if (nav.vault.toLowerCase() !== vault.toLowerCase())
      refuse(RefusalReason.WrongVault, `report names vault ${nav.vault}, this deployment's is ${vault}`);
    const [{ epoch, cutoff }, lastNavTime, onChain] = await Promise.all([
      fromChain(this.d.chain.epochState(), "vault epoch"),
      fromChain(this.d.chain.lastNavTimestamp(), "last NAV"),
      fromChain(this.d.chain.custodyTotals(), "custody totals"),
    ]);
    // The vault would revert these (SigilVaultBadNavTimestamp, ...ValuedBeforeCutoff, ...WrongEpoch).
    if (nav.timestamp < lastNavTime) {
      refuse(
        RefusalReason.TimestampOutOfOrder,
        `valuation time ${nav.timestamp} before the last NAV's ${lastNavTime}`,
      );
    }
    if (nav.timestamp < cutoff) {
      refuse(
        RefusalReason.ValuedBeforeCutoff,
        `valuation time ${nav.timestamp} before epoch ${epoch}'s cut-off ${cutoff}: requests up to it would settle at an earlier price`,
      );
    }
    if (nav.epoch !== epoch) refuse(RefusalReason.WrongEpoch, `epoch ${nav.epoch}, vault at ${epoch}`);
    if (nav.custodySent > onChain.sent) {
      refuse(
        RefusalReason.CustodyMismatch,
        `report says the venue was credited ${nav.custodySent}, the vault only ever sent ${onChain.sent}`,
      );
    }
    const [equity, custody] = await Promise.all([
      fromVenue(this.d.balance.equity(), "venue equity"),
      fromVenue(this.d.balance.custody(), "venue custody ledger"),
    ]);
    const tolerance = equity * BigInt(this.d.limits.navToleranceBps);
    if (absDiff(nav.venueEquity, equity) * BPS > tolerance) {
      refuse(RefusalReason.EquityMismatch, `reported ${nav.venueEquity}, venue ${equity}`);
    }
    if (nav.custodySent !== custody.credited || nav.custodyReturned !== custody.debited) {
      refuse(
        RefusalReason.CustodyMismatch,
        `report: sent ${nav.custodySent} returned ${nav.custodyReturned}; venue ledger: credited ${custody.credited} debited ${custody.debited}`,
      );
    }
  }
}
