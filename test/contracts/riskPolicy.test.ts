import { expect } from "chai";
import { network } from "hardhat";
import { ZeroAddress, encodeBytes32String, id } from "ethers";
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import type { IRiskPolicy } from "../../types/ethers-contracts/risk/RiskPolicy.js";
import {
  KillLevel,
  Violation,
  modelCheckSignal,
  packLanes,
  seededRandom,
  type AssetCaps,
} from "../helpers/riskModel.js";

const B = encodeBytes32String;
const E8 = 10n ** 8n;

const LIMITS: IRiskPolicy.LimitsStruct = {
  maxGrossBps: 10_000,
  maxDailyLossBps: 1_000,
  maxDrawdownBps: 3_000,
  maxOffchainBps: 8_000,
  maxNavChangeBps: 2_500,
  sizeToleranceBps: 100,
  killLevel: KillLevel.Normal,
};

type AssetConfig = {
  feed: string;
  maxDeviationBps: number;
  maxStaleness: number;
  feedDecimals: number;
  maxWeightBps: number;
  shortable: boolean;
};

const limitsTuple = (l: IRiskPolicy.LimitsStruct) => [
  l.maxGrossBps,
  l.maxDailyLossBps,
  l.maxDrawdownBps,
  l.maxOffchainBps,
  l.maxNavChangeBps,
  l.sizeToleranceBps,
  l.killLevel,
];
const configTuple = (c: AssetConfig) => [
  c.feed,
  c.maxDeviationBps,
  c.maxStaleness,
  c.feedDecimals,
  c.maxWeightBps,
  c.shortable,
];

/** Caps lane as the policy documents it: low 15 bits max weight, bit 15 shortable. */
const capLane = (c: AssetCaps) => BigInt(c.maxWeightBps) | (c.shortable ? 0x8000n : 0n);
const packCaps = (caps: ReadonlyArray<AssetCaps | undefined>) =>
  caps.reduce((w, c, i) => (c ? w | (capLane(c) << BigInt(16 * i)) : w), 0n);

/**
 * A policy with five assets: 0 BTC (8-decimal feed), 1 ETH (6-decimal feed), 2 SOL (18-decimal feed,
 * not shortable), 3 XRP listed then delisted by weight (feed kept), 4 ADA with neither feed nor weight.
 */
async function setup() {
  const { ethers, networkHelpers } = await network.create();
  const [admin, guardian, breaker, stranger] = await ethers.getSigners();
  const policy = await ethers.deployContract("RiskPolicy", [admin!.address, guardian!.address, LIMITS]);
  await (await policy.grantRole(await policy.BREAKER_ROLE(), breaker!.address)).wait();
  const btcAnswer = 42_000n * E8;
  const ethAnswer = 2_300_123_456n; // 2300.123456 with 6 decimals
  const solAnswer = 100_123_456_789_012_345_678n; // 100.123456789012345678 with 18 decimals
  const btcFeed = await ethers.deployContract("MockAggregator", [8, "BTC / USD", btcAnswer]);
  const ethFeed = await ethers.deployContract("MockAggregator", [6, "ETH / USD", ethAnswer]);
  const solFeed = await ethers.deployContract("MockAggregator", [18, "SOL / USD", solAnswer]);
  const xrpFeed = await ethers.deployContract("MockAggregator", [8, "XRP / USD", 60_000_000n]);
  const configs: AssetConfig[] = [
    {
      feed: await btcFeed.getAddress(),
      maxDeviationBps: 200,
      maxStaleness: 3_600,
      feedDecimals: 8,
      maxWeightBps: 4_000,
      shortable: true,
    },
    {
      feed: await ethFeed.getAddress(),
      maxDeviationBps: 150,
      maxStaleness: 1_800,
      feedDecimals: 6,
      maxWeightBps: 3_000,
      shortable: true,
    },
    {
      feed: await solFeed.getAddress(),
      maxDeviationBps: 300,
      maxStaleness: 7_200,
      feedDecimals: 18,
      maxWeightBps: 2_500,
      shortable: false,
    },
    {
      feed: await xrpFeed.getAddress(),
      maxDeviationBps: 200,
      maxStaleness: 3_600,
      feedDecimals: 8,
      maxWeightBps: 0,
      shortable: false,
    },
    {
      feed: ZeroAddress,
      maxDeviationBps: 0,
      maxStaleness: 0,
      feedDecimals: 0,
      maxWeightBps: 0,
      shortable: false,
    },
  ];
  const symbols = ["BTC", "ETH", "SOL", "XRP", "ADA"];
  for (const [i, c] of configs.entries()) {
    await (await policy.setAsset(i, B(symbols[i]!), c)).wait();
  }
  const caps: AssetCaps[] = configs.map((c) => ({ maxWeightBps: c.maxWeightBps, shortable: c.shortable }));
  return {
    ethers,
    networkHelpers,
    policy,
    admin: admin!,
    guardian: guardian!,
    breaker: breaker!,
    stranger: stranger!,
    configs,
    caps,
    feeds: { btcFeed, ethFeed, solFeed, xrpFeed },
    answers: { btcAnswer, ethAnswer, solAnswer },
  };
}

async function latest(ethers: HardhatEthers): Promise<bigint> {
  return BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
}

const ROLE = {
  admin: "0x" + "00".repeat(32),
  governance: id("GOVERNANCE_ROLE"),
  guardian: id("GUARDIAN_ROLE"),
  breaker: id("BREAKER_ROLE"),
};

describe("RiskPolicy", () => {
  describe("constructor", () => {
    it("grants admin and governance to admin, guardian to guardian, and emits LimitsSet", async () => {
      const { ethers } = await network.create();
      const [admin, guardian, other] = await ethers.getSigners();
      const policy = await ethers.deployContract("RiskPolicy", [other!.address, guardian!.address, LIMITS]);
      expect(await policy.GOVERNANCE_ROLE()).to.equal(ROLE.governance);
      expect(await policy.GUARDIAN_ROLE()).to.equal(ROLE.guardian);
      expect(await policy.BREAKER_ROLE()).to.equal(ROLE.breaker);
      expect(await policy.hasRole(ROLE.admin, other!.address)).to.equal(true);
      expect(await policy.hasRole(ROLE.governance, other!.address)).to.equal(true);
      expect(await policy.hasRole(ROLE.guardian, other!.address)).to.equal(false);
      expect(await policy.hasRole(ROLE.guardian, guardian!.address)).to.equal(true);
      expect(await policy.hasRole(ROLE.governance, guardian!.address)).to.equal(false);
      // The deployer is only the sender: it gets no role.
      expect(await policy.hasRole(ROLE.admin, admin!.address)).to.equal(false);
      expect(await policy.hasRole(ROLE.breaker, admin!.address)).to.equal(false);
      await expect(policy.deploymentTransaction())
        .to.emit(policy, "LimitsSet")
        .withArgs(limitsTuple(LIMITS), admin!.address);
      const l = await policy.limits();
      expect(limitsTuple(l).map(Number)).to.deep.equal(limitsTuple(LIMITS));
      expect(await policy.killLevel()).to.equal(0n);
      expect(await policy.assetCount()).to.equal(0n);
    });

    it("grants no guardian role when the guardian is the zero address", async () => {
      const { ethers } = await network.create();
      const [admin] = await ethers.getSigners();
      const policy = await ethers.deployContract("RiskPolicy", [admin!.address, ZeroAddress, LIMITS]);
      expect(await policy.hasRole(ROLE.guardian, ZeroAddress)).to.equal(false);
    });

    it("starts at a non-Normal kill level when the initial limits say so", async () => {
      const { ethers } = await network.create();
      const [admin] = await ethers.getSigners();
      const policy = await ethers.deployContract("RiskPolicy", [
        admin!.address,
        ZeroAddress,
        { ...LIMITS, killLevel: KillLevel.Flatten },
      ]);
      expect(await policy.killLevel()).to.equal(3n);
    });

    const bounds: Array<[keyof IRiskPolicy.LimitsStruct, number]> = [
      ["maxGrossBps", 50_000],
      ["maxDailyLossBps", 10_000],
      ["maxDrawdownBps", 10_000],
      ["maxOffchainBps", 10_000],
      ["maxNavChangeBps", 10_000],
      ["sizeToleranceBps", 10_000],
    ];
    it("validates every limit: the bound itself is accepted, one above reverts with the field name", async () => {
      const { ethers } = await network.create();
      const [admin] = await ethers.getSigners();
      const factory = await ethers.getContractFactory("RiskPolicy");
      for (const [field, max] of bounds) {
        const ok = await factory.deploy(admin!.address, ZeroAddress, { ...LIMITS, [field]: max });
        await ok.waitForDeployment();
        expect((await ok.limits())[field]).to.equal(BigInt(max));
        await expect(factory.deploy(admin!.address, ZeroAddress, { ...LIMITS, [field]: max + 1 }))
          .to.be.revertedWithCustomError(factory, "RiskPolicyInvalidLimit")
          .withArgs(B(field));
      }
    });
  });

  describe("the NAV-change floor", () => {
    it("MIN_NAV_CHANGE_BPS: nobody can set maxNavChangeBps below it (constructor, governance, guardian); the floor itself is accepted", async () => {
      const { policy, guardian } = await setup();
      const floor: bigint = await policy.MIN_NAV_CHANGE_BPS();
      expect(floor).to.equal(100n);
      const { ethers } = await network.create();
      const [admin] = await ethers.getSigners();
      const factory = await ethers.getContractFactory("RiskPolicy");
      await expect(factory.deploy(admin!.address, ZeroAddress, { ...LIMITS, maxNavChangeBps: floor - 1n }))
        .to.be.revertedWithCustomError(factory, "RiskPolicyInvalidLimit")
        .withArgs(B("maxNavChangeBps"));
      for (const bps of [0n, floor - 1n]) {
        await expect(policy.setLimits({ ...LIMITS, maxNavChangeBps: bps }))
          .to.be.revertedWithCustomError(policy, "RiskPolicyInvalidLimit")
          .withArgs(B("maxNavChangeBps"));
        await expect(policy.connect(guardian).tightenLimits({ ...LIMITS, maxNavChangeBps: bps }))
          .to.be.revertedWithCustomError(policy, "RiskPolicyInvalidLimit")
          .withArgs(B("maxNavChangeBps"));
      }
      await expect(policy.connect(guardian).tightenLimits({ ...LIMITS, maxNavChangeBps: floor })).to.emit(
        policy,
        "LimitsSet",
      );
      expect((await policy.limits()).maxNavChangeBps).to.equal(floor);
    });
  });

  describe("setAsset", () => {
    it("lists assets densely, emits AssetSet and grows assetCount only for a new index", async () => {
      const { policy, admin, configs } = await setup();
      expect(await policy.assetCount()).to.equal(5n);
      expect(await policy.assetSymbol(0)).to.equal(B("BTC"));
      expect(await policy.assetSymbol(4)).to.equal(B("ADA"));
      for (const [i, c] of configs.entries()) {
        const got = await policy.assetConfig(i);
        expect([
          got.feed,
          got.maxDeviationBps,
          got.maxStaleness,
          got.feedDecimals,
          got.maxWeightBps,
          got.shortable,
        ]).to.deep.equal([
          c.feed,
          BigInt(c.maxDeviationBps),
          BigInt(c.maxStaleness),
          BigInt(c.feedDecimals),
          BigInt(c.maxWeightBps),
          c.shortable,
        ]);
      }
      // A new index: count grows by one.
      const doge = { ...configs[0]!, maxWeightBps: 1_000, shortable: false };
      await expect(policy.setAsset(5, B("DOGE"), doge))
        .to.emit(policy, "AssetSet")
        .withArgs(5, B("DOGE"), configTuple(doge), admin.address);
      expect(await policy.assetCount()).to.equal(6n);
      // Updating an existing index (and renaming it) keeps the count.
      const btc2 = { ...configs[0]!, maxWeightBps: 5_000 };
      await expect(policy.setAsset(0, B("WBTC"), btc2))
        .to.emit(policy, "AssetSet")
        .withArgs(0, B("WBTC"), configTuple(btc2), admin.address);
      expect(await policy.assetCount()).to.equal(6n);
      expect(await policy.assetSymbol(0)).to.equal(B("WBTC"));
      expect((await policy.assetConfig(0)).maxWeightBps).to.equal(5_000n);
    });

    it("packs every asset's max weight and shortable flag into the caps word", async () => {
      const { policy, caps } = await setup();
      const [packed, maxGross, level] = await policy.signalLimits();
      expect(packed).to.equal(packCaps(caps));
      // BTC 4000 | short bit, ETH 3000 | short bit, SOL 2500, XRP 0, ADA 0.
      expect(packed).to.equal(4_000n | 0x8000n | ((3_000n | 0x8000n) << 16n) | (2_500n << 32n));
      expect(maxGross).to.equal(10_000n);
      expect(level).to.equal(0n);
    });

    it("rewrites only its own caps lane when an asset changes", async () => {
      const { policy, caps, configs } = await setup();
      await (
        await policy.setAsset(1, B("ETH"), { ...configs[1]!, maxWeightBps: 777, shortable: false })
      ).wait();
      const expected = packCaps([
        caps[0],
        { maxWeightBps: 777, shortable: false },
        caps[2],
        caps[3],
        caps[4],
      ]);
      expect((await policy.signalLimits())[0]).to.equal(expected);
    });

    it("refuses an index beyond the next free one (a gap)", async () => {
      const { policy, configs } = await setup();
      await expect(policy.setAsset(6, B("GAP"), configs[0]!))
        .to.be.revertedWithCustomError(policy, "RiskPolicyAssetIndexOutOfRange")
        .withArgs(6);
      await expect(policy.setAsset(255, B("GAP"), configs[0]!))
        .to.be.revertedWithCustomError(policy, "RiskPolicyAssetIndexOutOfRange")
        .withArgs(255);
    });

    it("refuses index 16 even when it is the next free index", async () => {
      const { policy, configs } = await setup();
      for (let i = 5; i < 16; i++) await (await policy.setAsset(i, B(`A${i}`), configs[0]!)).wait();
      expect(await policy.assetCount()).to.equal(16n);
      await expect(policy.setAsset(16, B("A16"), configs[0]!))
        .to.be.revertedWithCustomError(policy, "RiskPolicyAssetIndexOutOfRange")
        .withArgs(16);
      // Index 15 can still be changed.
      await (await policy.setAsset(15, B("A15"), { ...configs[0]!, maxWeightBps: 1 })).wait();
      expect((await policy.signalLimits())[0] >> 240n).to.equal(0x8001n);
    });

    it("validates the config: weight, feed, deviation and decimals", async () => {
      const { policy, configs } = await setup();
      const base = configs[0]!;
      await (
        await policy.setAsset(5, B("X"), {
          ...base,
          maxWeightBps: 10_000,
          maxDeviationBps: 10_000,
          feedDecimals: 36,
        })
      ).wait();
      await expect(policy.setAsset(5, B("X"), { ...base, maxWeightBps: 10_001 }))
        .to.be.revertedWithCustomError(policy, "RiskPolicyInvalidLimit")
        .withArgs(B("maxWeightBps"));
      await expect(policy.setAsset(5, B("X"), { ...base, maxDeviationBps: 10_001 }))
        .to.be.revertedWithCustomError(policy, "RiskPolicyInvalidLimit")
        .withArgs(B("maxDeviationBps"));
      await expect(policy.setAsset(5, B("X"), { ...base, feedDecimals: 37 }))
        .to.be.revertedWithCustomError(policy, "RiskPolicyInvalidLimit")
        .withArgs(B("feedDecimals"));
      await expect(policy.setAsset(5, B("X"), { ...base, feed: ZeroAddress, maxWeightBps: 1 }))
        .to.be.revertedWithCustomError(policy, "RiskPolicyInvalidFeed")
        .withArgs(ZeroAddress);
      // Without weight, no feed is needed (an unlisted placeholder).
      await (await policy.setAsset(6, B("Y"), { ...base, feed: ZeroAddress, maxWeightBps: 0 })).wait();
      expect(await policy.assetCount()).to.equal(7n);
    });

    it("is governance-only", async () => {
      const { policy, guardian, configs } = await setup();
      await expect(policy.connect(guardian).setAsset(5, B("X"), configs[0]!))
        .to.be.revertedWithCustomError(policy, "AccessControlUnauthorizedAccount")
        .withArgs(guardian.address, ROLE.governance);
    });
  });

  describe("setLimits / setKillLevel (governance)", () => {
    it("replaces the limits, emits LimitsSet, and KillLevelChanged only when the level moves", async () => {
      const { policy, admin } = await setup();
      const looser = { ...LIMITS, maxGrossBps: 20_000, sizeToleranceBps: 500 };
      const tx = policy.setLimits(looser);
      await expect(tx).to.emit(policy, "LimitsSet").withArgs(limitsTuple(looser), admin.address);
      await expect(tx).not.to.emit(policy, "KillLevelChanged");
      expect((await policy.limits()).maxGrossBps).to.equal(20_000n);
      expect((await policy.signalLimits())[1]).to.equal(20_000n);

      const killed = { ...looser, killLevel: KillLevel.ReduceOnly };
      await expect(policy.setLimits(killed))
        .to.emit(policy, "KillLevelChanged")
        .withArgs(KillLevel.Normal, KillLevel.ReduceOnly, B("governance"), admin.address);
      // Governance may lower the level again.
      await expect(policy.setLimits(looser))
        .to.emit(policy, "KillLevelChanged")
        .withArgs(KillLevel.ReduceOnly, KillLevel.Normal, B("governance"), admin.address);
      expect(await policy.killLevel()).to.equal(0n);
    });

    it("validates the limits", async () => {
      const { policy } = await setup();
      await expect(policy.setLimits({ ...LIMITS, maxDrawdownBps: 10_001 }))
        .to.be.revertedWithCustomError(policy, "RiskPolicyInvalidLimit")
        .withArgs(B("maxDrawdownBps"));
      await expect(policy.setLimits({ ...LIMITS, maxGrossBps: 50_001 }))
        .to.be.revertedWithCustomError(policy, "RiskPolicyInvalidLimit")
        .withArgs(B("maxGrossBps"));
    });

    it("sets the kill level in either direction with the given reason", async () => {
      const { policy, admin } = await setup();
      await expect(policy.setKillLevel(KillLevel.Flatten, B("panic")))
        .to.emit(policy, "KillLevelChanged")
        .withArgs(KillLevel.Normal, KillLevel.Flatten, B("panic"), admin.address);
      await expect(policy.setKillLevel(KillLevel.NoNewEntries, B("calm")))
        .to.emit(policy, "KillLevelChanged")
        .withArgs(KillLevel.Flatten, KillLevel.NoNewEntries, B("calm"), admin.address);
      expect(await policy.killLevel()).to.equal(1n);
      expect((await policy.limits()).killLevel).to.equal(1n);
      // The other limits are untouched.
      expect((await policy.limits()).maxGrossBps).to.equal(10_000n);
      // Same level: no event.
      await expect(policy.setKillLevel(KillLevel.NoNewEntries, B("again"))).not.to.emit(
        policy,
        "KillLevelChanged",
      );
    });

    it("are governance-only", async () => {
      const { policy, guardian, stranger } = await setup();
      await expect(policy.connect(guardian).setLimits(LIMITS))
        .to.be.revertedWithCustomError(policy, "AccessControlUnauthorizedAccount")
        .withArgs(guardian.address, ROLE.governance);
      await expect(policy.connect(stranger).setKillLevel(KillLevel.Flatten, B("x")))
        .to.be.revertedWithCustomError(policy, "AccessControlUnauthorizedAccount")
        .withArgs(stranger.address, ROLE.governance);
    });
  });

  describe("guardian", () => {
    it("tightenAsset refuses every looser field with its name", async () => {
      const { policy, guardian, configs } = await setup();
      const g = policy.connect(guardian);
      const btc = configs[0]!;
      const sol = configs[2]!;
      const cases: Array<[AssetConfig, string, number]> = [
        [{ ...btc, maxWeightBps: btc.maxWeightBps + 1 }, "maxWeightBps", 0],
        [{ ...btc, maxDeviationBps: btc.maxDeviationBps + 1 }, "maxDeviationBps", 0],
        [{ ...btc, maxStaleness: btc.maxStaleness + 1 }, "maxStaleness", 0],
        [{ ...sol, shortable: true }, "shortable", 2],
        [{ ...btc, feed: sol.feed }, "feed", 0],
        [{ ...btc, feedDecimals: 18 }, "feed", 0],
      ];
      for (const [config, field, index] of cases) {
        await expect(g.tightenAsset(index, config))
          .to.be.revertedWithCustomError(policy, "RiskPolicyNotTighter")
          .withArgs(B(field));
      }
      await expect(g.tightenAsset(5, btc))
        .to.be.revertedWithCustomError(policy, "RiskPolicyAssetIndexOutOfRange")
        .withArgs(5);
    });

    it("tightenAsset accepts equal or stricter values, including delisting", async () => {
      const { policy, guardian, configs, caps } = await setup();
      const btc = configs[0]!;
      const tighter = {
        ...btc,
        maxWeightBps: 1_000,
        maxDeviationBps: 50,
        maxStaleness: 60,
        shortable: false,
      };
      await expect(policy.connect(guardian).tightenAsset(0, tighter))
        .to.emit(policy, "AssetSet")
        .withArgs(0, B("BTC"), configTuple(tighter), guardian.address);
      const got = await policy.assetConfig(0);
      expect([got.maxWeightBps, got.maxDeviationBps, got.maxStaleness, got.shortable]).to.deep.equal([
        1_000n,
        50n,
        60n,
        false,
      ]);
      // The same config again is allowed (not looser).
      await (await policy.connect(guardian).tightenAsset(0, tighter)).wait();
      // Delist ETH.
      await (await policy.connect(guardian).tightenAsset(1, { ...configs[1]!, maxWeightBps: 0 })).wait();
      expect((await policy.signalLimits())[0]).to.equal(
        packCaps([
          { maxWeightBps: 1_000, shortable: false },
          { maxWeightBps: 0, shortable: true },
          caps[2],
          caps[3],
          caps[4],
        ]),
      );
      // Now raising it back is looser.
      await expect(policy.connect(guardian).tightenAsset(0, btc))
        .to.be.revertedWithCustomError(policy, "RiskPolicyNotTighter")
        .withArgs(B("maxWeightBps"));
    });

    it("tightenLimits refuses every looser field with its name", async () => {
      const { policy, guardian } = await setup();
      const g = policy.connect(guardian);
      await (await policy.setKillLevel(KillLevel.NoNewEntries, B("x"))).wait();
      const current = { ...LIMITS, killLevel: KillLevel.NoNewEntries };
      const fields = [
        "maxGrossBps",
        "maxDailyLossBps",
        "maxDrawdownBps",
        "maxOffchainBps",
        "maxNavChangeBps",
        "sizeToleranceBps",
      ] as const;
      for (const field of fields) {
        await expect(g.tightenLimits({ ...current, [field]: Number(current[field]) + 1 }))
          .to.be.revertedWithCustomError(policy, "RiskPolicyNotTighter")
          .withArgs(B(field));
      }
      await expect(g.tightenLimits({ ...current, killLevel: KillLevel.Normal }))
        .to.be.revertedWithCustomError(policy, "RiskPolicyNotTighter")
        .withArgs(B("killLevel"));
    });

    it("tightenLimits accepts stricter limits and reports a raised kill level", async () => {
      const { policy, guardian } = await setup();
      const stricter = {
        maxGrossBps: 5_000,
        maxDailyLossBps: 500,
        maxDrawdownBps: 1_000,
        maxOffchainBps: 4_000,
        maxNavChangeBps: 1_000,
        sizeToleranceBps: 10,
        killLevel: KillLevel.ReduceOnly,
      };
      const tx = policy.connect(guardian).tightenLimits(stricter);
      await expect(tx).to.emit(policy, "LimitsSet").withArgs(limitsTuple(stricter), guardian.address);
      await expect(tx)
        .to.emit(policy, "KillLevelChanged")
        .withArgs(KillLevel.Normal, KillLevel.ReduceOnly, B("guardian"), guardian.address);
      expect(limitsTuple(await policy.limits()).map(Number)).to.deep.equal(limitsTuple(stricter));
      // Same kill level: LimitsSet but no KillLevelChanged.
      const tx2 = policy.connect(guardian).tightenLimits({ ...stricter, maxGrossBps: 4_000 });
      await expect(tx2).to.emit(policy, "LimitsSet");
      await expect(tx2).not.to.emit(policy, "KillLevelChanged");
    });

    it("raiseKillLevel only raises (equal is a no-op) and needs the guardian role", async () => {
      const { policy, guardian, admin } = await setup();
      const g = policy.connect(guardian);
      await expect(g.raiseKillLevel(KillLevel.ReduceOnly, B("vol")))
        .to.emit(policy, "KillLevelChanged")
        .withArgs(KillLevel.Normal, KillLevel.ReduceOnly, B("vol"), guardian.address);
      await expect(g.raiseKillLevel(KillLevel.NoNewEntries, B("down")))
        .to.be.revertedWithCustomError(policy, "RiskPolicyNotTighter")
        .withArgs(B("killLevel"));
      await expect(g.raiseKillLevel(KillLevel.ReduceOnly, B("same"))).not.to.emit(policy, "KillLevelChanged");
      await expect(g.raiseKillLevel(KillLevel.Flatten, B("out")))
        .to.emit(policy, "KillLevelChanged")
        .withArgs(KillLevel.ReduceOnly, KillLevel.Flatten, B("out"), guardian.address);
      expect(await policy.killLevel()).to.equal(3n);
      // Governance holds no guardian role.
      for (const call of [
        policy.raiseKillLevel(KillLevel.Flatten, B("x")),
        policy.tightenLimits(LIMITS),
        policy.tightenAsset(0, {
          feed: ZeroAddress,
          maxDeviationBps: 0,
          maxStaleness: 0,
          feedDecimals: 0,
          maxWeightBps: 0,
          shortable: false,
        }),
      ]) {
        await expect(call)
          .to.be.revertedWithCustomError(policy, "AccessControlUnauthorizedAccount")
          .withArgs(admin.address, ROLE.guardian);
      }
    });
  });

  describe("tripBreaker", () => {
    it("raises the level for BREAKER_ROLE and never lowers it", async () => {
      const { policy, breaker } = await setup();
      const b = policy.connect(breaker);
      await expect(b.tripBreaker(KillLevel.NoNewEntries, B("daily-loss")))
        .to.emit(policy, "KillLevelChanged")
        .withArgs(KillLevel.Normal, KillLevel.NoNewEntries, B("daily-loss"), breaker.address);
      await expect(b.tripBreaker(KillLevel.NoNewEntries, B("again"))).not.to.emit(policy, "KillLevelChanged");
      await expect(b.tripBreaker(KillLevel.Flatten, B("drawdown")))
        .to.emit(policy, "KillLevelChanged")
        .withArgs(KillLevel.NoNewEntries, KillLevel.Flatten, B("drawdown"), breaker.address);
      // A lower request is silently ignored.
      await expect(b.tripBreaker(KillLevel.ReduceOnly, B("fill"))).not.to.emit(policy, "KillLevelChanged");
      await expect(b.tripBreaker(KillLevel.Normal, B("fill"))).not.to.emit(policy, "KillLevelChanged");
      expect(await policy.killLevel()).to.equal(3n);
    });

    it("is BREAKER_ROLE only, even for governance and the guardian", async () => {
      const { policy, admin, guardian } = await setup();
      for (const who of [admin, guardian]) {
        await expect(policy.connect(who).tripBreaker(KillLevel.Flatten, B("x")))
          .to.be.revertedWithCustomError(policy, "AccessControlUnauthorizedAccount")
          .withArgs(who.address, ROLE.breaker);
      }
    });
  });

  describe("checkSignal", () => {
    const t = (entries: Array<[number, number]>) => {
      const w = new Array<number>(16).fill(0);
      for (const [a, bps] of entries) w[a] = bps;
      return packLanes(w);
    };

    it("returns each violation for a hand-picked signal, matching the model", async () => {
      const { policy, caps } = await setup();
      const cases: Array<[string, bigint, bigint, Violation]> = [
        ["empty", 0n, 0n, Violation.None],
        [
          "valid long/short mix",
          t([
            [0, 4_000],
            [1, -3_000],
            [2, 2_500],
          ]),
          0n,
          Violation.None,
        ],
        ["delisted lane (weight 0, feed kept)", t([[3, 1]]), 0n, Violation.AssetNotAllowed],
        ["unlisted lane without feed", t([[4, 100]]), 0n, Violation.AssetNotAllowed],
        ["lane beyond assetCount", t([[15, 1]]), 0n, Violation.AssetNotAllowed],
        ["negative weight on an unlisted lane", t([[9, -1]]), 0n, Violation.AssetNotAllowed],
        ["one bps above max", t([[0, 4_001]]), 0n, Violation.WeightAboveMax],
        ["short one bps above max", t([[1, -3_001]]), 0n, Violation.WeightAboveMax],
        ["int16 min", t([[0, -32_768]]), 0n, Violation.WeightAboveMax],
        ["short on non-shortable", t([[2, -1]]), 0n, Violation.ShortNotAllowed],
        [
          "first violation wins by index",
          t([
            [0, 4_001],
            [2, -1],
          ]),
          0n,
          Violation.WeightAboveMax,
        ],
        [
          "asset check before gross",
          t([
            [0, 4_000],
            [1, 3_000],
            [2, 2_500],
            [3, 1],
          ]),
          0n,
          Violation.AssetNotAllowed,
        ],
      ];
      for (const [name, targets, previous, expected] of cases) {
        expect(
          modelCheckSignal(targets, caps, 10_000, KillLevel.Normal, previous),
          `model: ${name}`,
        ).to.equal(expected);
        expect(await policy.checkSignal(targets, previous), name).to.equal(BigInt(expected));
      }
      // Gross: 4000 + 3000 + 2500 = 9500; with max gross 9499 it is above.
      await (await policy.setLimits({ ...LIMITS, maxGrossBps: 9_499 })).wait();
      const full = t([
        [0, 4_000],
        [1, -3_000],
        [2, 2_500],
      ]);
      expect(await policy.checkSignal(full, 0n)).to.equal(BigInt(Violation.GrossAboveMax));
      await (await policy.setLimits({ ...LIMITS, maxGrossBps: 9_500 })).wait();
      expect(await policy.checkSignal(full, 0n)).to.equal(BigInt(Violation.None));
    });

    it("applies the kill levels relative to the previous targets", async () => {
      const { policy, caps } = await setup();
      const prev = t([
        [0, 2_000],
        [1, -1_000],
      ]);
      const cases: Array<[KillLevel, bigint, Violation]> = [
        // NoNewEntries: may grow or shrink an existing side; may not open or flip.
        [
          KillLevel.NoNewEntries,
          t([
            [0, 3_000],
            [1, -2_000],
          ]),
          Violation.None,
        ],
        [KillLevel.NoNewEntries, t([[0, 1_000]]), Violation.None],
        [
          KillLevel.NoNewEntries,
          t([
            [0, 2_000],
            [2, 1],
          ]),
          Violation.KillNoNewEntries,
        ],
        [KillLevel.NoNewEntries, t([[1, 500]]), Violation.KillNoNewEntries],
        [KillLevel.NoNewEntries, t([[0, -100]]), Violation.KillNoNewEntries],
        [KillLevel.NoNewEntries, 0n, Violation.None],
        // ReduceOnly: may only shrink; opening and flipping are also refused.
        [
          KillLevel.ReduceOnly,
          t([
            [0, 2_000],
            [1, -1_000],
          ]),
          Violation.None,
        ],
        [
          KillLevel.ReduceOnly,
          t([
            [0, 1_999],
            [1, -1],
          ]),
          Violation.None,
        ],
        [KillLevel.ReduceOnly, t([[0, 2_001]]), Violation.KillReduceOnly],
        [KillLevel.ReduceOnly, t([[1, -1_001]]), Violation.KillReduceOnly],
        [KillLevel.ReduceOnly, t([[1, 1]]), Violation.KillReduceOnly],
        [KillLevel.ReduceOnly, t([[2, 1]]), Violation.KillReduceOnly],
        [KillLevel.ReduceOnly, 0n, Violation.None],
        // Flatten: only all zero.
        [KillLevel.Flatten, t([[0, 1]]), Violation.KillFlatten],
        [
          KillLevel.Flatten,
          t([
            [0, 2_000],
            [1, -1_000],
          ]),
          Violation.KillFlatten,
        ],
        [KillLevel.Flatten, 0n, Violation.None],
        // Limits are still checked first under a kill level.
        [KillLevel.Flatten, t([[2, -1]]), Violation.ShortNotAllowed],
        [KillLevel.ReduceOnly, t([[0, 4_001]]), Violation.WeightAboveMax],
      ];
      let level: KillLevel = KillLevel.Normal;
      for (const [kill, targets, expected] of cases) {
        if (kill !== level) {
          await (await policy.setKillLevel(kill, B("test"))).wait();
          level = kill;
        }
        const name = `kill ${kill}, targets ${targets.toString(16)}`;
        expect(modelCheckSignal(targets, caps, 10_000, kill, prev), `model: ${name}`).to.equal(expected);
        expect(await policy.checkSignal(targets, prev), name).to.equal(BigInt(expected));
      }
    });

    it("agrees with the TypeScript model on 240 seeded random signals", async () => {
      const { policy, configs } = await setup();
      const rand = seededRandom(0x5161_1001);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
      const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
      // Twelve listed-or-not assets with mixed caps; lanes 12..15 stay outside the universe.
      const caps: AssetCaps[] = [];
      for (let i = 0; i < 12; i++) {
        const cap = { maxWeightBps: pick([0, 300, 1_000, 2_500, 4_000, 10_000]), shortable: rand() < 0.5 };
        caps.push(cap);
        const feed = cap.maxWeightBps === 0 && rand() < 0.5 ? ZeroAddress : configs[0]!.feed;
        await (await policy.setAsset(i, B(`R${i}`), { ...configs[0]!, feed, ...cap })).wait();
      }
      expect((await policy.signalLimits())[0]).to.equal(packCaps(caps));

      const weight = (lane: number) => {
        const cap = caps[lane]?.maxWeightBps ?? 0;
        const sign = rand() < 0.7 ? 1 : -1;
        const r = rand();
        const mag =
          cap > 0 && r < 0.8 ? int(1, cap) : cap > 0 && r < 0.9 ? int(cap + 1, cap + 50) : int(1, 32_767);
        return sign * mag;
      };
      const randomTargets = () => {
        const w = new Array<number>(16).fill(0);
        for (let a = 0; a < 16; a++) {
          const listed = (caps[a]?.maxWeightBps ?? 0) > 0;
          if (rand() < (listed ? 0.35 : 0.02)) w[a] = weight(a);
        }
        return w;
      };
      const relatedPrevious = (targets: number[]) =>
        targets.map((q) => {
          const r = rand();
          if (r < 0.35) return q === 0 ? 0 : Math.sign(q) * Math.max(1, Math.abs(q) + int(-50, 50));
          if (r < 0.5) return q;
          if (r < 0.65) return -q;
          if (r < 0.8) return 0;
          return rand() < 0.5 ? 0 : int(-5_000, 5_000);
        });

      const seen = new Map<number, number>();
      let n = 0;
      for (const maxGross of [3_000, 10_000, 25_000]) {
        for (const kill of [
          KillLevel.Normal,
          KillLevel.NoNewEntries,
          KillLevel.ReduceOnly,
          KillLevel.Flatten,
        ]) {
          await (await policy.setLimits({ ...LIMITS, maxGrossBps: maxGross, killLevel: kill })).wait();
          for (let i = 0; i < 20; i++) {
            const tw = rand() < 0.05 ? new Array<number>(16).fill(0) : randomTargets();
            const pw = relatedPrevious(tw);
            const targets = packLanes(tw);
            const previous = packLanes(pw);
            const expected = modelCheckSignal(targets, caps, maxGross, kill, previous);
            const got = await policy.checkSignal(targets, previous);
            expect(got, `case ${n}: gross ${maxGross} kill ${kill} targets ${tw} previous ${pw}`).to.equal(
              BigInt(expected),
            );
            seen.set(expected, (seen.get(expected) ?? 0) + 1);
            n++;
          }
        }
      }
      expect(n).to.equal(240);
      // The generator must have exercised every signal outcome, or the comparison proves little.
      for (let v = Violation.None; v <= Violation.KillFlatten; v++) {
        expect(seen.get(v) ?? 0, `outcome ${v} never produced`).to.be.greaterThan(0);
      }
    });
  });

  describe("checkPrice / checkFill", () => {
    /** The widest price distance the policy accepts: diff * 10000 <= feed * maxDeviationBps. */
    const maxDiff = (feedE8: bigint, devBps: number) => (feedE8 * BigInt(devBps)) / 10_000n;

    it("rescales 8-, 6- and 18-decimal feeds and accepts exactly up to the deviation bound", async () => {
      const { policy, configs, answers } = await setup();
      const cases: Array<[number, bigint]> = [
        [0, answers.btcAnswer], // 8 decimals: unchanged
        [1, answers.ethAnswer * 100n], // 6 decimals: scaled up
        [2, answers.solAnswer / 10n ** 10n], // 18 decimals: scaled down, rounded down
      ];
      expect(cases.map((c) => c[1])).to.deep.equal([4_200_000_000_000n, 230_012_345_600n, 10_012_345_678n]);
      for (const [asset, feedE8] of cases) {
        const dev = configs[asset]!.maxDeviationBps;
        const d = maxDiff(feedE8, dev);
        const r = (p: bigint) => policy.checkPrice(asset, p);
        expect(await r(feedE8)).to.deep.equal([BigInt(Violation.None), feedE8]);
        expect(await r(feedE8 + d)).to.deep.equal([BigInt(Violation.None), feedE8]);
        expect(await r(feedE8 - d)).to.deep.equal([BigInt(Violation.None), feedE8]);
        expect(await r(feedE8 + d + 1n)).to.deep.equal([BigInt(Violation.PriceDeviation), feedE8]);
        expect(await r(feedE8 - d - 1n)).to.deep.equal([BigInt(Violation.PriceDeviation), feedE8]);
        expect(await r(0n)).to.deep.equal([BigInt(Violation.PriceDeviation), feedE8]);
        expect(await policy.checkFill(asset, feedE8 + d)).to.deep.equal([
          BigInt(Violation.None),
          feedE8,
          true,
        ]);
        expect(await policy.checkFill(asset, feedE8 + d + 1n)).to.deep.equal([
          BigInt(Violation.PriceDeviation),
          feedE8,
          true,
        ]);
      }
    });

    it("refuses a zero deviation bound for anything but the exact feed price", async () => {
      const { policy, configs, answers } = await setup();
      await (await policy.setAsset(0, B("BTC"), { ...configs[0]!, maxDeviationBps: 0 })).wait();
      expect(await policy.checkPrice(0, answers.btcAnswer)).to.deep.equal([0n, answers.btcAnswer]);
      expect(await policy.checkPrice(0, answers.btcAnswer + 1n)).to.deep.equal([
        BigInt(Violation.PriceDeviation),
        answers.btcAnswer,
      ]);
    });

    it("reports a stale feed and one updated in the future as FeedStale", async () => {
      const { ethers, policy, feeds, answers } = await setup();
      const now = await latest(ethers);
      // maxStaleness 3600 for BTC; leave a margin for the call's block time.
      await (await feeds.btcFeed.setAnswerAt(answers.btcAnswer, now - 3_600n - 30n)).wait();
      expect(await policy.checkPrice(0, answers.btcAnswer)).to.deep.equal([BigInt(Violation.FeedStale), 0n]);
      expect(await policy.checkFill(0, answers.btcAnswer)).to.deep.equal([
        BigInt(Violation.FeedStale),
        0n,
        true,
      ]);
      await (await feeds.btcFeed.setAnswerAt(answers.btcAnswer, now - 3_600n + 30n)).wait();
      expect(await policy.checkPrice(0, answers.btcAnswer)).to.deep.equal([0n, answers.btcAnswer]);
      await (await feeds.btcFeed.setAnswerAt(answers.btcAnswer, now + 1_000n)).wait();
      expect(await policy.checkPrice(0, answers.btcAnswer)).to.deep.equal([BigInt(Violation.FeedStale), 0n]);
    });

    it("reports zero, negative and reverting feeds as FeedInvalid", async () => {
      const { policy, feeds, answers } = await setup();
      await (await feeds.btcFeed.setAnswer(0)).wait();
      expect(await policy.checkPrice(0, answers.btcAnswer)).to.deep.equal([
        BigInt(Violation.FeedInvalid),
        0n,
      ]);
      await (await feeds.btcFeed.setAnswer(-1)).wait();
      expect(await policy.checkPrice(0, answers.btcAnswer)).to.deep.equal([
        BigInt(Violation.FeedInvalid),
        0n,
      ]);
      await (await feeds.btcFeed.setAnswer(answers.btcAnswer)).wait();
      await (await feeds.btcFeed.setBroken(true)).wait();
      expect(await policy.checkPrice(0, answers.btcAnswer)).to.deep.equal([
        BigInt(Violation.FeedInvalid),
        0n,
      ]);
      expect(await policy.checkFill(0, answers.btcAnswer)).to.deep.equal([
        BigInt(Violation.FeedInvalid),
        0n,
        true,
      ]);
      await (await feeds.btcFeed.setBroken(false)).wait();
      expect(await policy.checkPrice(0, answers.btcAnswer)).to.deep.equal([0n, answers.btcAnswer]);
    });

    it("reports an absurd answer (beyond uint128) and one that rescales to zero as FeedInvalid", async () => {
      const { policy, feeds, answers } = await setup();
      // 2^128 on an 8-decimal feed: rescaling a larger answer on a low-decimal feed could overflow.
      await (await feeds.btcFeed.setAnswer(2n ** 128n)).wait();
      expect(await policy.checkPrice(0, answers.btcAnswer)).to.deep.equal([
        BigInt(Violation.FeedInvalid),
        0n,
      ]);
      await (await feeds.btcFeed.setAnswer(2n ** 128n - 1n)).wait();
      expect((await policy.checkPrice(0, answers.btcAnswer))[1]).to.equal(2n ** 128n - 1n);
      // SOL's feed has 18 decimals: an answer below 1e10 is below 1e-8 and rescales to 0.
      await (await feeds.solFeed.setAnswer(10n ** 10n - 1n)).wait();
      expect(await policy.checkPrice(2, 1n)).to.deep.equal([BigInt(Violation.FeedInvalid), 0n]);
    });

    it("reports a feed that returns no data (no code) as FeedInvalid instead of reverting", async () => {
      const { policy, configs, stranger } = await setup();
      // Governance points BTC at an address without code: the call "succeeds" with empty return data.
      await (await policy.setAsset(0, B("BTC"), { ...configs[0]!, feed: stranger.address })).wait();
      expect(await policy.checkPrice(0, 42_000n * E8)).to.deep.equal([BigInt(Violation.FeedInvalid), 0n]);
      expect(await policy.checkFill(0, 42_000n * E8)).to.deep.equal([
        BigInt(Violation.FeedInvalid),
        0n,
        true,
      ]);
      // A contract without latestRoundData (the policy itself) reverts the call: also FeedInvalid.
      await (await policy.setAsset(0, B("BTC"), { ...configs[0]!, feed: await policy.getAddress() })).wait();
      expect(await policy.checkPrice(0, 42_000n * E8)).to.deep.equal([BigInt(Violation.FeedInvalid), 0n]);
    });

    it("reports assets without a feed as AssetNotAllowed and says whether the asset is listed", async () => {
      const { policy } = await setup();
      expect(await policy.checkPrice(4, 1n)).to.deep.equal([BigInt(Violation.AssetNotAllowed), 0n]);
      expect(await policy.checkPrice(9, 1n)).to.deep.equal([BigInt(Violation.AssetNotAllowed), 0n]);
      expect(await policy.checkPrice(255, 1n)).to.deep.equal([BigInt(Violation.AssetNotAllowed), 0n]);
      expect(await policy.checkFill(4, 1n)).to.deep.equal([BigInt(Violation.AssetNotAllowed), 0n, false]);
      expect(await policy.checkFill(200, 1n)).to.deep.equal([BigInt(Violation.AssetNotAllowed), 0n, false]);
      // XRP is delisted by weight but keeps its feed: the price is checked, the asset is not listed.
      expect(await policy.checkFill(3, 60_000_000n)).to.deep.equal([0n, 60_000_000n, false]);
      expect(await policy.checkFill(3, 70_000_000n)).to.deep.equal([
        BigInt(Violation.PriceDeviation),
        60_000_000n,
        false,
      ]);
    });
  });

  describe("views", () => {
    it("expose the symbols, configs, limits and kill level in force", async () => {
      const { policy, guardian } = await setup();
      expect(await policy.assetSymbol(2)).to.equal(B("SOL"));
      expect(await policy.assetSymbol(9)).to.equal("0x" + "00".repeat(32));
      const empty = await policy.assetConfig(9);
      expect(empty.feed).to.equal(ZeroAddress);
      expect(empty.maxWeightBps).to.equal(0n);
      await (await policy.connect(guardian).raiseKillLevel(KillLevel.NoNewEntries, B("x"))).wait();
      expect(await policy.killLevel()).to.equal(1n);
      expect((await policy.limits()).killLevel).to.equal(1n);
      expect((await policy.signalLimits())[2]).to.equal(1n);
      expect(await policy.supportsInterface("0x7965db0b")).to.equal(true); // IAccessControl
    });
  });
});
