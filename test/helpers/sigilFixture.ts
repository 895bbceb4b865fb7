import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import { Wallet, encodeBytes32String, hexlify, randomBytes, keccak256, toUtf8Bytes } from "ethers";
import { deploySigil, localDeployOptions, type DeployOptions } from "../../scripts/deploy/deploySigil.js";
import {
  Stream,
  reportDomain,
  type ExecutionReport,
  type Fill,
  type NavReport,
  type ReportDomain,
  type ReportOf,
  type Signal,
  type SignalReport,
} from "../../offchain/protocol/reportTypes.js";
import { packSignatures, signReport } from "../../offchain/protocol/signatures.js";
import { packTargets } from "../../offchain/protocol/targets.js";

/** Deterministic operator keys, so failures reproduce. */
export function operatorWallets(n: number): Wallet[] {
  return Array.from({ length: n }, (_, i) => new Wallet(keccak256(toUtf8Bytes(`sigil-test-operator-${i}`))));
}

export const USD = (x: number | bigint) => BigInt(x) * 10n ** 6n;

/**
 * Deploy the full set on the in-process network with the deployer keeping governance (no timelock
 * hand-over) so unit tests can change parameters directly. `operators` sign reports off-chain.
 */
export async function deployFixture(
  ethers: HardhatEthers,
  opts: { operators?: number; threshold?: number; overrides?: Partial<DeployOptions> } = {},
) {
  const signers = await ethers.getSigners();
  const accounts = await Promise.all(signers.map((s) => s.getAddress()));
  const operators = operatorWallets(opts.operators ?? 3);
  const base = localDeployOptions(accounts);
  const options: DeployOptions = {
    ...base,
    operators: operators.map((w) => w.address),
    threshold: opts.threshold ?? 2,
    handOverToTimelock: false,
    ...opts.overrides,
  };
  const c = await deploySigil(ethers, options);
  const book = await ethers.getContractAt("EpochBook", await c.vault.epochBook());
  const [deployer, alice, bob, carol, guardian, custodian, ...rest] = signers;
  const network = await ethers.provider.getNetwork();
  const domain = reportDomain(network.chainId, await c.registry.getAddress());
  return {
    ...c,
    book,
    options,
    operators,
    domain,
    deployer: deployer!,
    alice: alice!,
    bob: bob!,
    carol: carol!,
    guardian: guardian!,
    custodian: custodian!,
    others: rest,
    ethers,
  };
}

export type Fixture = Awaited<ReturnType<typeof deployFixture>>;

/** Sign `report` with `signers` and pack their signatures for the registry. */
export async function cosign<S extends Stream>(
  stream: S,
  domain: ReportDomain,
  report: ReportOf<S>,
  signers: Wallet[],
): Promise<string> {
  const sigs = await Promise.all(signers.map((w) => signReport(w, stream, domain, report)));
  return packSignatures(sigs);
}

export async function now(ethers: HardhatEthers): Promise<bigint> {
  const block = await ethers.provider.getBlock("latest");
  return BigInt(block!.timestamp);
}

export function randomHash(): string {
  return hexlify(randomBytes(32));
}

export function makeSignal(assets: number[], weightsBps: number[], timestamp: bigint): Signal {
  return {
    runHash: keccak256(toUtf8Bytes(`run-${timestamp}-${assets.join(",")}-${weightsBps.join(",")}`)),
    inputsHash: keccak256(toUtf8Bytes("inputs")),
    modelHash: keccak256(toUtf8Bytes("model-v1")),
    timestamp,
    flags: 1,
    targets: packTargets(assets.map((a, i) => [a, weightsBps[i]!] as const)),
  };
}

export async function signalReport(
  f: Fixture,
  sequence: bigint,
  assets: number[],
  weightsBps: number[],
  extra: Partial<SignalReport> = {},
): Promise<SignalReport> {
  const t = await now(f.ethers);
  return {
    configDigest: await f.registry.configDigest(),
    sequence,
    deadline: t + 600n,
    signal: makeSignal(assets, weightsBps, t),
    ...extra,
  };
}

export async function submitSignal(f: Fixture, report: SignalReport, signers = f.operators.slice(0, 2)) {
  const sigs = await cosign(Stream.Signal, f.domain, report, signers);
  return f.ledger.submitSignal(report, sigs);
}

export function fill(asset: number, quantityE8: bigint, priceE8: bigint, timestamp: bigint): Fill {
  return {
    asset,
    quantityE8,
    priceE8,
    feeE8: 0n,
    orderRef: keccak256(toUtf8Bytes(`order-${asset}-${quantityE8}`)),
    timestamp,
  };
}

export async function executionReport(
  f: Fixture,
  sequence: bigint,
  signalSequence: bigint,
  fills: Fill[],
): Promise<ExecutionReport> {
  const t = await now(f.ethers);
  return {
    configDigest: await f.registry.configDigest(),
    sequence,
    deadline: t + 600n,
    execution: { signalSequence, fills },
  };
}

export async function submitExecution(
  f: Fixture,
  report: ExecutionReport,
  signers = f.operators.slice(0, 2),
) {
  const sigs = await cosign(Stream.Execution, f.domain, report, signers);
  return f.ledger.submitExecution(report, sigs);
}

/**
 * A NAV report valued now by a venue that reflects every custody move booked on-chain (its custody
 * counters are the vault's own).
 */
export async function navReport(
  f: Fixture,
  sequence: bigint,
  venueEquity: bigint,
  extra: Partial<NavReport> = {},
): Promise<NavReport> {
  const t = await now(f.ethers);
  const [custodySent, custodyReturned] = await f.vault.custodyTotals();
  return {
    configDigest: await f.registry.configDigest(),
    sequence,
    deadline: t + 600n,
    nav: {
      epoch: await f.vault.currentEpoch(),
      vault: await f.vault.getAddress(),
      venueEquity,
      custodySent,
      custodyReturned,
      timestamp: t,
      venueSnapshotHash: encodeBytes32String("snapshot"),
    },
    ...extra,
  };
}

/**
 * Move the chain's clock to the epoch's cut-off if it has not passed yet (a settlement needs a
 * valuation at or after it). Mines a block at the cut-off.
 */
export async function passCutoff(f: Fixture): Promise<void> {
  const [, cutoff] = await f.book.epochState();
  if ((await now(f.ethers)) < cutoff) {
    await f.ethers.provider.send("evm_setNextBlockTimestamp", [`0x${cutoff.toString(16)}`]);
    await f.ethers.provider.send("evm_mine", []);
  }
}

/** Settle the vault's current epoch (after its cut-off) with a co-signed NAV report of `venueEquity`. */
export async function settle(f: Fixture, venueEquity?: bigint, signers = f.operators.slice(0, 2)) {
  await passCutoff(f);
  const seq = (await f.vault.navSequence()) + 1n;
  const booked = await f.vault.offchainEquity();
  const equity = venueEquity ?? (booked > 0n ? booked : 0n);
  const report = await navReport(f, seq, equity);
  const sigs = await cosign(Stream.Nav, f.domain, report, signers);
  return f.vault.settle(report, sigs);
}

/** Mint stable tokens to `who` and approve the vault. */
export async function fund(f: Fixture, who: { getAddress(): Promise<string> }, amount: bigint) {
  const addr = await who.getAddress();
  await (await f.asset.mint(addr, amount)).wait();
  await (await f.asset.connect(who as never).approve(await f.vault.getAddress(), amount)).wait();
}
