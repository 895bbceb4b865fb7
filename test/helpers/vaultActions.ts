import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { Wallet } from "ethers";
import { encodeBytes32String } from "ethers";
import { Stream, type NavReport } from "../../offchain/protocol/reportTypes.js";
import { reportStructHash } from "../../offchain/protocol/signatures.js";
import { cosign, fund, now, passCutoff, USD, type Fixture } from "./sigilFixture.js";
import { typed, typedContracts, type NavGuardFn } from "./typedContracts.js";
import type { FeeRates } from "./vaultModel.js";

/** The fixture plus its contracts with typed methods. `vault` may be swapped for another vault. */
export type VaultCtx = ReturnType<typeof typedContracts> & { f: Fixture; vaultAddr: string };

export async function vaultCtx(f: Fixture): Promise<VaultCtx> {
  return { f, ...typedContracts(f), vaultAddr: await f.vault.getAddress() };
}

export const VENUE_REF = encodeBytes32String("venue-ref-1");

export interface NavExtra {
  sequence?: bigint;
  deadline?: bigint;
  epoch?: bigint;
  timestamp?: bigint;
  configDigest?: string;
  vault?: string;
  /** Custody the venue reflects (default: every move booked on-chain). */
  custodySent?: bigint;
  custodyReturned?: bigint;
}

/** A NAV report for `c.vault`'s next sequence and current epoch, co-signed (2 of 3 operators by default). */
export async function signedNav(
  c: VaultCtx,
  venueEquity: bigint,
  extra: NavExtra = {},
  signers: Wallet[] = c.f.operators.slice(0, 2),
) {
  const t = await now(c.f.ethers);
  const [sent, returned] = (await c.vault.custodyTotals()) as [bigint, bigint];
  const report: NavReport = {
    configDigest: extra.configDigest ?? (await c.registry.configDigest()),
    sequence: extra.sequence ?? (await c.vault.navSequence()) + 1n,
    deadline: extra.deadline ?? t + 600n,
    nav: {
      epoch: extra.epoch ?? (await c.vault.currentEpoch()),
      vault: extra.vault ?? c.vaultAddr,
      venueEquity,
      custodySent: extra.custodySent ?? sent,
      custodyReturned: extra.custodyReturned ?? returned,
      timestamp: extra.timestamp ?? t,
      venueSnapshotHash: encodeBytes32String("snapshot"),
    },
  };
  const signatures = await cosign(Stream.Nav, c.f.domain, report, signers);
  return { report, signatures, hash: reportStructHash(Stream.Nav, report) };
}

/**
 * Settle `c.vault`'s epoch with a co-signed report of `venueEquity` (default: the booked equity),
 * valued now, after the epoch's cut-off (the clock is moved there first if needed).
 */
export async function settleNav(c: VaultCtx, venueEquity?: bigint, extra: NavExtra = {}) {
  if (extra.timestamp === undefined) await passCutoffOf(c);
  const booked = (await c.vault.offchainEquity()) as bigint;
  const equity = venueEquity ?? (booked > 0n ? booked : 0n);
  const { report, signatures } = await signedNav(c, equity, extra);
  return c.vault.settle(report, signatures);
}

/** Mint and approve `amount` for `who`, then request a deposit (controller defaults to `who`). */
export async function requestDeposit(
  c: VaultCtx,
  who: HardhatEthersSigner,
  amount: bigint,
  controller?: string,
) {
  await fund(c.f, who, amount);
  return c.vault.connect(who).requestDeposit(amount, controller ?? who.address);
}

/** Deposit for each staker, settle once, claim each: the stakers hold shares. */
export async function stake(c: VaultCtx, stakers: Array<[HardhatEthersSigner, bigint]>) {
  for (const [who, amount] of stakers) await requestDeposit(c, who, amount);
  await settleNav(c);
  // A request that landed after the cut-off (a slow deployment) joined the next epoch: settle it too.
  const [pending] = (await c.book.pendingTotals()) as [bigint, bigint];
  if (pending !== 0n) await settleNav(c);
  for (const [who] of stakers) await c.vault.connect(who).claimDeposit(who.address);
}

/** Alice holds 10,000 USD of shares (1e16 units) and the custodian has moved 8,000 USD to the venue. */
export async function stakedWithVenue(c: VaultCtx) {
  await stake(c, [[c.f.alice, USD(10_000)]]);
  await c.vault.connect(c.f.custodian).sendToVenue(USD(8_000), VENUE_REF);
}

/** Move the clock to the cut-off of `c.vault`'s epoch (which may be another vault than the fixture's). */
export async function passCutoffOf(c: VaultCtx): Promise<void> {
  if (c.vaultAddr === (await c.f.vault.getAddress())) return passCutoff(c.f);
  const book = await c.f.ethers.getContractAt("EpochBook", (await c.vault.epochBook()) as string);
  const [, cutoff] = await book.epochState();
  if ((await now(c.f.ethers)) < cutoff) {
    await c.f.ethers.provider.send("evm_setNextBlockTimestamp", [`0x${cutoff.toString(16)}`]);
    await c.f.ethers.provider.send("evm_mine", []);
  }
}

export async function lastNavTimestamp(c: VaultCtx): Promise<bigint> {
  const [, ts] = await c.vault.lastNav();
  return ts as bigint;
}

export async function feeRates(c: VaultCtx): Promise<FeeRates> {
  const f = await c.vault.fees();
  return { managementBps: f[0], performanceBps: f[1], operatorShareBps: f[2] };
}

export async function highWaterMark(c: VaultCtx): Promise<bigint> {
  const [, hwm] = await c.vault.sharePrice();
  return hwm as bigint;
}

/** `who`'s deposit requests waiting for a settlement (assets), from the vault's EpochBook. */
export async function pendingDeposit(c: VaultCtx, who: string): Promise<bigint> {
  const [pending] = (await c.book.depositRequestOf(who)) as [bigint, bigint, bigint, bigint];
  return pending;
}

/** `who`'s settled deposit requests: [assets requested, shares to claim, assets refunded (cap)]. */
export async function claimableDeposit(c: VaultCtx, who: string): Promise<[bigint, bigint, bigint]> {
  const [, assets, shares, refund] = (await c.book.depositRequestOf(who)) as [bigint, bigint, bigint, bigint];
  return [assets, shares, refund];
}

/** `who`'s redeem requests waiting for a settlement (shares), deferred ones included. */
export async function pendingRedeem(c: VaultCtx, who: string): Promise<bigint> {
  const [pending] = (await c.book.redeemRequestOf(who)) as [bigint, bigint, bigint];
  return pending;
}

/** `who`'s fulfilled redeem requests: [shares, assets to claim]. */
export async function claimableRedeem(c: VaultCtx, who: string): Promise<[bigint, bigint]> {
  const [, shares, assets] = (await c.book.redeemRequestOf(who)) as [bigint, bigint, bigint];
  return [shares, assets];
}

/** Totals waiting for a settlement: [deposit assets, redeem shares]. */
export async function pendingTotals(c: VaultCtx): Promise<[bigint, bigint]> {
  const [assets, shares] = (await c.book.pendingTotals()) as [bigint, bigint];
  return [assets, shares];
}

/** The epoch settling next and its cut-off. */
export async function epochState(c: VaultCtx): Promise<[bigint, bigint]> {
  const [epoch, cutoff] = (await c.book.epochState()) as [bigint, bigint];
  return [epoch, cutoff];
}

/** `c.vault`'s NavGuard (the contract that checks and judges its NAV reports). */
export async function navGuardOf(c: VaultCtx) {
  return typed<NavGuardFn>(await c.f.ethers.getContractAt("NavGuard", (await c.vault.navGuard()) as string));
}

/** The timestamp of the block that mined `tx`. */
export async function minedAt(c: VaultCtx, tx: Promise<{ wait(): Promise<unknown> }>): Promise<bigint> {
  const receipt = (await (await tx).wait()) as { blockNumber: number };
  const block = await c.f.ethers.provider.getBlock(receipt.blockNumber);
  return BigInt(block!.timestamp);
}
