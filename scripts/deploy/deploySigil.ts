import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { BaseContract } from "ethers";
import { encodeBytes32String, ZeroAddress } from "ethers";
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
  vault: { cap: bigint; navTtlSeconds: number };
  fees: { managementBps: number; performanceBps: number; operatorShareBps: number };
  bonds: { slashBps: number; proverRewardBps: number; unbondDelaySeconds: number };
  governance: {
    votingDelayBlocks: number;
    votingPeriodBlocks: number;
    quorumPercent: number;
    timelockDelaySeconds: number;
  };
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

/** Defaults for a local network: three operators 2-of-3, ten assets, conservative limits. */
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
    vault: { cap: 10_000_000n * 10n ** 6n, navTtlSeconds: 2 * 86_400 },
    fees: { managementBps: 200, performanceBps: 2_000, operatorShareBps: 1_000 },
    bonds: { slashBps: 10_000, proverRewardBps: 1_000, unbondDelaySeconds: 7 * 86_400 },
    governance: {
      votingDelayBlocks: 1,
      votingPeriodBlocks: 50,
      quorumPercent: 4,
      timelockDelaySeconds: 3_600,
    },
    handOverToTimelock: true,
  };
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

  const timelock = await record(
    "SigilTimelock",
    await ethers.deployContract("SigilTimelock", [
      options.governance.timelockDelaySeconds,
      [],
      [ZeroAddress],
      me,
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
      options.vault.navTtlSeconds,
    ]),
  );
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
      options.governance.votingDelayBlocks,
      options.governance.votingPeriodBlocks,
      options.governance.quorumPercent,
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
