import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { BaseContract } from "ethers";
import { encodeBytes32String, id, ZeroAddress } from "ethers";
import { priceToE8 } from "../../offchain/protocol/units.js";

/** One tradable asset in the risk policy's allow-list. */
export interface AssetSpec {
  symbol: string;
  /** Existing Chainlink feed; when absent a MockAggregator is deployed at `initialPrice`. */
  feed?: string;
  initialPrice?: number;
  feedDecimals?: number;
  maxWeightBps: number;
  maxDeviationBps: number;
  maxStalenessSeconds: number;
  shortable: boolean;
}

export interface LimitsSpec {
  maxGrossBps: number;
  maxDailyLossBps: number;
  maxDrawdownBps: number;
  maxOffchainBps: number;
  maxNavChangeBps: number;
  sizeToleranceBps: number;
  killLevel: number;
}

/** Epoch and report timing of the vault (seconds); see `SigilVault.Schedule`. */
export interface VaultScheduleSpec {
  /** From a settlement to the next epoch's cut-off: requests after it join the epoch after. */
  epochDurationSeconds: number;
  /** Oldest valuation a settlement accepts. */
  maxNavAgeSeconds: number;
  /** How long a NAV change beyond the policy's bound waits before a second report may confirm it. */
  navConfirmDelaySeconds: number;
  /** How long a settled NAV stays fresh for new deposits. */
  navTtlSeconds: number;
  /** Trailing window of the NAV-change bound and the daily-loss breaker. */
  riskWindowSeconds: number;
}

export interface GovernanceSpec {
  votingDelayBlocks: number;
  votingPeriodBlocks: number;
  /** Of the share supply at the proposal's snapshot. */
  quorumPercent: number;
  /** Votes needed to propose, basis points of the share supply. */
  proposalThresholdBps: number;
  /** Blocks a vote is extended when quorum is reached late. */
  lateQuorumExtensionBlocks: number;
  /** The timelock's minimum delay; must cover a holder's exit path (checked at deployment). */
  timelockDelaySeconds: number;
  /** Delay of sensitive operations (roles, oracle set, fees, governance itself); at least the minimum. */
  sensitiveDelaySeconds: number;
  /** May cancel any proposal before execution (default: the guardian). */
  securityCouncil?: string;
}

export interface DeployOptions {
  /** Existing stable asset; when absent a MockStable is deployed. */
  asset?: string;
  operators: string[];
  threshold: number;
  guardian: string;
  custodian: string;
  treasury: string;
  assets: AssetSpec[];
  limits: LimitsSpec;
  vault: { cap: bigint; schedule: VaultScheduleSpec };
  /** The custodian's commitment: funds called back from the venue are on-chain within this long. */
  custody: { returnWithinSeconds: number };
  fees: { managementBps: number; performanceBps: number; operatorShareBps: number };
  bonds: { slashBps: number; proverRewardBps: number; unbondDelaySeconds: number };
  governance: GovernanceSpec;
  /** Hand every admin and governance role to the timelock and renounce the deployer's (default true). */
  handOverToTimelock?: boolean;
}

export interface Deployment {
  network: string;
  chainId: number;
  deployer: string;
  deployedAt: string;
  contracts: Record<string, { address: string; block: number }>;
  assets: Array<{ index: number; symbol: string; feed: string; feedDecimals: number; maxWeightBps: number }>;
  oracle: { operators: string[]; threshold: number; configDigest: string };
  parameters: Omit<DeployOptions, "assets" | "operators" | "threshold"> & { assetDecimals: number };
}

/**
 * The longest wait between a holder asking to exit and holding its assets: a request made just after a
 * cut-off waits for that epoch's settlement (a report valued after the cut-off, at most `maxNavAge`
 * old), then a whole epoch to the next cut-off and that epoch's settlement; if idle assets do not
 * cover it, the custodian returns funds from the venue. The timelock must be at least this long, so
 * holders who disagree with a queued change can leave before it takes effect.
 */
export function exitPathSeconds(o: Pick<DeployOptions, "vault" | "custody">): number {
  const s = o.vault.schedule;
  return s.epochDurationSeconds + 2 * s.maxNavAgeSeconds + o.custody.returnWithinSeconds;
}

/**
 * Defaults for a real network (mainnet or a testnet at real speed), with ~12 s blocks. Epochs settle
 * daily; a NAV report must be at most an hour old; the custodian returns funds within two days; so the
 * exit path is at most 1 d + 2 × 1 h + 2 d and the timelock waits 4 days (roles, the oracle set, fees
 * and governance settings: 8 days). Proposing needs 1 % of the supply, a vote 20 % quorum over three
 * days after a one-day delay, extended by a day when quorum comes late; the guardian, as security
 * council, can cancel any proposal before it executes.
 */
export const realNetworkGovernance = {
  schedule: {
    epochDurationSeconds: 86_400,
    maxNavAgeSeconds: 3_600,
    navConfirmDelaySeconds: 6 * 3_600,
    navTtlSeconds: 2 * 86_400,
    riskWindowSeconds: 86_400,
  },
  custody: { returnWithinSeconds: 2 * 86_400 },
  governance: {
    votingDelayBlocks: 7_200, // 1 day
    votingPeriodBlocks: 21_600, // 3 days
    quorumPercent: 20,
    proposalThresholdBps: 100,
    lateQuorumExtensionBlocks: 7_200,
    timelockDelaySeconds: 4 * 86_400,
    sensitiveDelaySeconds: 8 * 86_400,
  },
} as const satisfies {
  schedule: VaultScheduleSpec;
  custody: DeployOptions["custody"];
  governance: GovernanceSpec;
};

/**
 * Defaults for a local network: three operators 2-of-3, ten assets, conservative limits. Governance has
 * the same shape and checks as on a real network, on a local clock: minutes instead of days (the
 * exit path is 1 min epochs + 2 × 5 min NAV age + 10 min custody return = 21 min; the timelock waits
 * 1 hour, sensitive operations 2 hours), 20 % quorum, 1 % to propose.
 */
export function localDeployOptions(accounts: string[]): DeployOptions {
  const [deployer, op1, op2, op3, guardian, custodian] = accounts;
  const assets: Array<[string, number]> = [
    ["BTC", 42_000],
    ["ETH", 2_300],
    ["BNB", 310],
    ["SOL", 100],
    ["XRP", 0.6],
    ["ADA", 0.55],
    ["DOGE", 0.09],
    ["AVAX", 38],
    ["LINK", 15],
    ["LTC", 72],
  ];
  return {
    operators: [op1!, op2!, op3!],
    threshold: 2,
    guardian: guardian!,
    custodian: custodian!,
    treasury: deployer!,
    assets: assets.map(([symbol, initialPrice]) => ({
      symbol,
      initialPrice,
      feedDecimals: 8,
      maxWeightBps: 4_000,
      maxDeviationBps: 200,
      maxStalenessSeconds: 3_600,
      shortable: symbol === "BTC" || symbol === "ETH",
    })),
    limits: {
      maxGrossBps: 10_000,
      maxDailyLossBps: 1_000,
      maxDrawdownBps: 3_000,
      maxOffchainBps: 8_000,
      maxNavChangeBps: 2_500,
      sizeToleranceBps: 100,
      killLevel: 0,
    },
    vault: {
      cap: 10_000_000n * 10n ** 6n,
      schedule: {
        epochDurationSeconds: 60,
        maxNavAgeSeconds: 300,
        navConfirmDelaySeconds: 600,
        navTtlSeconds: 2 * 86_400,
        riskWindowSeconds: 86_400,
      },
    },
    custody: { returnWithinSeconds: 600 },
    fees: { managementBps: 200, performanceBps: 2_000, operatorShareBps: 1_000 },
    bonds: { slashBps: 10_000, proverRewardBps: 1_000, unbondDelaySeconds: 7 * 86_400 },
    governance: {
      votingDelayBlocks: 10,
      votingPeriodBlocks: 50,
      quorumPercent: 20,
      proposalThresholdBps: 100,
      lateQuorumExtensionBlocks: 20,
      timelockDelaySeconds: 3_600,
      sensitiveDelaySeconds: 7_200,
    },
    handOverToTimelock: true,
  };
}

/** The vault's `Schedule` struct from the deployment options. */
export function scheduleStruct(s: VaultScheduleSpec) {
  return {
    epochDuration: s.epochDurationSeconds,
    maxNavAge: s.maxNavAgeSeconds,
    navConfirmDelay: s.navConfirmDelaySeconds,
    navTtl: s.navTtlSeconds,
    riskWindow: s.riskWindowSeconds,
  };
}

/**
 * Function selectors whose proposals wait the timelock's sensitive delay: anything that hands out a
 * role (custodian, guardian, governance), changes who signs oracle reports or where fees go, or
 * changes governance itself (its delays, settings, guardian, or a relayed call, which could be any of
 * these).
 */
export const SENSITIVE_FUNCTIONS = [
  "grantRole(bytes32,address)",
  "revokeRole(bytes32,address)",
  "setConfig(address[],uint8)",
  "setConsumers(address[])",
  "setFees((uint16,uint16,uint16,address))",
  "setOperatorRewards(address)",
  "setParams((uint16,uint16,uint32,address))",
  "updateDelay(uint256)",
  "setOperationDelay(bytes4,uint256)",
  "relay(address,uint256,bytes)",
  "updateTimelock(address)",
  "setProposalGuardian(address)",
  "updateQuorumNumerator(uint256)",
  "setVotingDelay(uint48)",
  "setVotingPeriod(uint32)",
  "setProposalThreshold(uint256)",
  "setProposalThresholdBps(uint256)",
  "setLateQuorumVoteExtension(uint48)",
] as const;

export function sensitiveSelectors(): string[] {
  return SENSITIVE_FUNCTIONS.map((sig) => id(sig).slice(0, 10));
}

/** Refuse settings under which a minority could act faster than holders can leave. */
export function checkGovernance(o: DeployOptions): void {
  const g = o.governance;
  const exit = exitPathSeconds(o);
  const problems: string[] = [];
  if (g.timelockDelaySeconds < exit)
    problems.push(`timelock delay ${g.timelockDelaySeconds}s is shorter than the exit path ${exit}s`);
  if (g.sensitiveDelaySeconds < g.timelockDelaySeconds)
    problems.push(`sensitive delay ${g.sensitiveDelaySeconds}s is shorter than the timelock delay`);
  if (g.proposalThresholdBps <= 0) problems.push("proposal threshold must be above 0");
  if (g.quorumPercent < 10) problems.push(`quorum ${g.quorumPercent}% is below 10%`);
  if (g.votingDelayBlocks < 1) problems.push("voting delay must be at least a block");
  if (problems.length) throw new Error(`deploySigil: unsafe governance settings: ${problems.join("; ")}`);
}

async function addressOf(c: BaseContract): Promise<string> {
  return c.getAddress();
}

/**
 * Deploy and wire the whole Sigil contract set. Returns the contracts and a JSON-ready deployment
 * record (addresses, deployment blocks, parameters) for the engine, oracle nodes and dApp.
 */
export async function deploySigil(ethers: HardhatEthers, options: DeployOptions, networkName = "hardhat") {
  const [deployer] = (await ethers.getSigners()) as HardhatEthersSigner[];
  if (!deployer)
    throw new Error("deploySigil: no deployer account; set SIGIL_DEPLOYER_KEY or use a local network");
  const me = await deployer.getAddress();
  const blocks: Record<string, { address: string; block: number }> = {};
  const record = async <T extends BaseContract>(name: string, c: T): Promise<T> => {
    await c.waitForDeployment();
    const receipt = await c.deploymentTransaction()?.wait();
    blocks[name] = { address: await addressOf(c), block: receipt?.blockNumber ?? 0 };
    return c;
  };

  const asset = options.asset
    ? await ethers.getContractAt("MockStable", options.asset)
    : await record("MockStable", await ethers.deployContract("MockStable"));
  if (options.asset) blocks.Asset = { address: options.asset, block: 0 };
  const assetDecimals = Number(await asset.decimals());

  checkGovernance(options);
  const timelock = await record(
    "SigilTimelock",
    await ethers.deployContract("SigilTimelock", [
      options.governance.timelockDelaySeconds,
      [],
      [ZeroAddress],
      me,
      sensitiveSelectors(),
      options.governance.sensitiveDelaySeconds,
    ]),
  );
  const registry = await record("OracleRegistry", await ethers.deployContract("OracleRegistry", [me]));
  const policy = await record(
    "RiskPolicy",
    await ethers.deployContract("RiskPolicy", [me, options.guardian, options.limits]),
  );
  const vault = await record(
    "SigilVault",
    await ethers.deployContract("SigilVault", [
      await asset.getAddress(),
      await registry.getAddress(),
      await policy.getAddress(),
      me,
      options.vault.cap,
      scheduleStruct(options.vault.schedule),
    ]),
  );
  // The vault deploys its request book and NAV guard in its constructor: same block.
  for (const name of ["EpochBook", "NavGuard"] as const) {
    const address = name === "EpochBook" ? await vault.epochBook() : await vault.navGuard();
    blocks[name] = { address, block: blocks.SigilVault!.block };
  }
  const ledger = await record(
    "TradeLedger",
    await ethers.deployContract("TradeLedger", [
      await registry.getAddress(),
      await policy.getAddress(),
      await vault.getAddress(),
      assetDecimals,
    ]),
  );
  const bonds = await record(
    "OperatorBonds",
    await ethers.deployContract("OperatorBonds", [
      await asset.getAddress(),
      await vault.getAddress(),
      await registry.getAddress(),
      me,
      {
        slashBps: options.bonds.slashBps,
        proverRewardBps: options.bonds.proverRewardBps,
        unbondDelay: options.bonds.unbondDelaySeconds,
        treasury: options.treasury,
      },
    ]),
  );
  const governor = await record(
    "SigilGovernor",
    await ethers.deployContract("SigilGovernor", [
      await vault.getAddress(),
      await timelock.getAddress(),
      {
        votingDelay: options.governance.votingDelayBlocks,
        votingPeriod: options.governance.votingPeriodBlocks,
        quorumPercent: options.governance.quorumPercent,
        proposalThresholdBps: options.governance.proposalThresholdBps,
        lateQuorumExtension: options.governance.lateQuorumExtensionBlocks,
        securityCouncil: options.governance.securityCouncil ?? options.guardian,
      },
    ]),
  );

  const feeds: Deployment["assets"] = [];
  for (const [index, a] of options.assets.entries()) {
    const decimals = a.feedDecimals ?? 8;
    let feed = a.feed;
    if (!feed) {
      if (a.initialPrice === undefined)
        throw new Error(`asset ${a.symbol}: give a feed address or an initialPrice`);
      const answer = (priceToE8(a.initialPrice) * 10n ** BigInt(decimals)) / 10n ** 8n;
      const mock = await record(
        `MockAggregator:${a.symbol}`,
        await ethers.deployContract("MockAggregator", [decimals, `${a.symbol} / USD`, answer]),
      );
      feed = await mock.getAddress();
    }
    await (
      await policy.setAsset(index, encodeBytes32String(a.symbol), {
        feed,
        maxDeviationBps: a.maxDeviationBps,
        maxStaleness: a.maxStalenessSeconds,
        feedDecimals: decimals,
        maxWeightBps: a.maxWeightBps,
        shortable: a.shortable,
      })
    ).wait();
    feeds.push({ index, symbol: a.symbol, feed, feedDecimals: decimals, maxWeightBps: a.maxWeightBps });
  }

  const sortedOperators = [...options.operators].sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : 1));
  const tx = async (p: Promise<{ wait(): Promise<unknown> }>) => (await p).wait();
  await tx(registry.setConfig(sortedOperators, options.threshold));
  // The ledger verifies signal and execution reports with a pushed copy of the operator config.
  await tx(registry.setConsumers([await ledger.getAddress()]));
  await tx(registry.grantRole(await registry.SLASHER_ROLE(), await bonds.getAddress()));
  await tx(policy.grantRole(await policy.BREAKER_ROLE(), await vault.getAddress()));
  await tx(policy.grantRole(await policy.BREAKER_ROLE(), await ledger.getAddress()));
  await tx(vault.grantRole(await vault.CUSTODIAN_ROLE(), options.custodian));
  await tx(vault.grantRole(await vault.GUARDIAN_ROLE(), options.guardian));
  await tx(vault.setOperatorRewards(await bonds.getAddress()));
  await tx(vault.setFees({ ...options.fees, treasury: options.treasury }));

  if (options.handOverToTimelock !== false) {
    const tl = await timelock.getAddress();
    for (const c of [registry, policy, vault, bonds]) {
      await tx(c.grantRole(await c.GOVERNANCE_ROLE(), tl));
      await tx(c.grantRole(await c.DEFAULT_ADMIN_ROLE(), tl));
      await tx(c.renounceRole(await c.GOVERNANCE_ROLE(), me));
      await tx(c.renounceRole(await c.DEFAULT_ADMIN_ROLE(), me));
    }
    const gov = await governor.getAddress();
    await tx(timelock.grantRole(await timelock.PROPOSER_ROLE(), gov));
    await tx(timelock.grantRole(await timelock.CANCELLER_ROLE(), gov));
    await tx(timelock.renounceRole(await timelock.DEFAULT_ADMIN_ROLE(), me));
  }

  const network = await ethers.provider.getNetwork();
  const deployment: Deployment = {
    network: networkName,
    chainId: Number(network.chainId),
    deployer: me,
    deployedAt: new Date().toISOString(),
    contracts: blocks,
    assets: feeds,
    oracle: {
      operators: sortedOperators,
      threshold: options.threshold,
      configDigest: await registry.configDigest(),
    },
    parameters: {
      asset: await asset.getAddress(),
      guardian: options.guardian,
      custodian: options.custodian,
      treasury: options.treasury,
      limits: options.limits,
      vault: options.vault,
      custody: options.custody,
      fees: options.fees,
      bonds: options.bonds,
      governance: options.governance,
      handOverToTimelock: options.handOverToTimelock !== false,
      assetDecimals,
    },
  };
  return { deployment, asset, timelock, registry, policy, vault, ledger, bonds, governor };
}

export type SigilContracts = Awaited<ReturnType<typeof deploySigil>>;
