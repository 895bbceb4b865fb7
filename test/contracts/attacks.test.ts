import { expect } from "chai";
import { Violation as V } from "../../offchain/protocol/violations.js";
import { network } from "hardhat";
import { anyValue } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";
import { encodeBytes32String, id } from "ethers";
import {
  deployFixture,
  executionReport,
  fill,
  now,
  signalReport,
  submitExecution,
  submitSignal,
  USD,
} from "../helpers/sigilFixture.js";
import { scheduleStruct } from "../../scripts/deploy/deploySigil.js";
import { typed, type AggregatorFn, type BookFn, type VaultFn } from "../helpers/typedContracts.js";
import {
  claimableDeposit,
  claimableRedeem,
  lastNavTimestamp,
  passCutoffOf,
  pendingDeposit,
  pendingTotals,
  requestDeposit,
  settleNav,
  stake,
  stakedWithVenue,
  vaultCtx,
  type VaultCtx,
} from "../helpers/vaultActions.js";
import { assetsFor, pricePerShare, settlement, sharesFor, type FeeRates } from "../helpers/vaultModel.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, mine, time } = networkHelpers;

const ZERO_FEES = { managementBps: 0, performanceBps: 0, operatorShareBps: 0 };
const DEFAULT_RATES: FeeRates = { managementBps: 200n, performanceBps: 2_000n, operatorShareBps: 1_000n };
const ONE_SHARE_PRICE = 10n ** 12n;
const Violation = {
  None: BigInt(V.None),
  FeedInvalid: BigInt(V.FeedInvalid),
  FeedStale: BigInt(V.FeedStale),
  PriceDeviation: BigInt(V.PriceDeviation),
};
const KILL = { Normal: 0n, NoNewEntries: 1n, ReduceOnly: 2n, Flatten: 3n };

async function deployNoFees() {
  return deployFixture(ethers, { overrides: { fees: ZERO_FEES } });
}

async function deployWithFees() {
  return deployFixture(ethers);
}

async function deployHandedOver() {
  return deployFixture(ethers, { overrides: { handOverToTimelock: true } });
}

/** A second vault over ReentrantToken, sharing the fixture's registry and policy. */
async function deployReentrantVault() {
  const f = await deployNoFees();
  const token = await ethers.deployContract("ReentrantToken");
  const vault = await ethers.deployContract("SigilVault", [
    await token.getAddress(),
    await f.registry.getAddress(),
    await f.policy.getAddress(),
    f.deployer.address,
    USD(1_000_000),
    scheduleStruct(f.options.vault.schedule),
  ]);
  return { f, token, vault };
}

type TokenFn = "arm" | "lastCallSucceeded" | "lastRevertData" | "mint" | "approve" | "balanceOf" | "transfer";

describe("attacks", () => {
  describe("SigilVault: deposit just before a gain is reported", () => {
    it("prices the late deposit after the gain, so it captures none of it; the staker keeps the gain", async () => {
      const c = await vaultCtx(await loadFixture(deployWithFees));
      const { carol: attacker } = c.f;
      await stakedWithVenue(c); // alice: 10,000 USD, 8,000 of it at the venue
      const t1 = await lastNavTimestamp(c);

      // The venue is up 1,000 USD; the attacker deposits 10,000 USD before the epoch's cut-off, so the
      // report that settles it is valued after the gain.
      await requestDeposit(c, attacker, USD(10_000));
      await passCutoffOf(c);
      const t2 = await now(ethers);
      const gainEpoch = settlement({
        idle: USD(2_000),
        venueEquity: USD(9_000),
        supply: 10n ** 16n,
        highWaterMark: ONE_SHARE_PRICE,
        elapsed: t2 - t1,
        rates: DEFAULT_RATES,
        depositAssets: USD(10_000),
        redeemShares: 0n,
      });
      await settleNav(c, USD(9_000), { timestamp: t2 });
      const [, attackerShares] = await claimableDeposit(c, attacker.address);
      expect(attackerShares).to.equal(gainEpoch.depositShares);
      // At the stale price the attacker would have had 1e16 shares, as many as alice.
      expect(attackerShares).to.be.lessThan(10n ** 16n);
      await c.vault.connect(attacker).claimDeposit(attacker.address);

      // The attacker redeems everything at the next report, with no further P&L.
      await c.vault.connect(attacker).requestRedeem(attackerShares, attacker.address, attacker.address);
      await time.increaseTo(t2 + 3_600n);
      const exitEpoch = settlement({
        idle: USD(12_000),
        venueEquity: USD(9_000),
        supply: gainEpoch.totalSupply,
        highWaterMark: gainEpoch.fees.highWaterMark,
        elapsed: 3_600n,
        rates: DEFAULT_RATES,
        depositAssets: 0n,
        redeemShares: attackerShares,
      });
      expect(exitEpoch.redeemFulfilled).to.equal(true);
      await settleNav(c, USD(9_000), { timestamp: t2 + 3_600n });
      await expect(c.vault.connect(attacker).claimRedeem(attacker.address)).to.changeTokenBalances(
        ethers,
        c.asset,
        [attacker],
        [exitEpoch.redeemAssets],
      );
      expect(exitEpoch.redeemAssets).to.be.lessThanOrEqual(USD(10_000));

      // The honest staker, in before the gain, holds it (less fees).
      const aliceValue = assetsFor(10n ** 16n, exitEpoch.totalAssets, exitEpoch.totalSupply);
      expect(await c.vault.convertToAssets(10n ** 16n)).to.equal(aliceValue);
      expect(aliceValue - USD(10_000)).to.be.greaterThan(USD(790));
      expect(aliceValue - USD(10_000)).to.be.lessThan(USD(800));
    });
  });

  describe("SigilVault: first-depositor inflation", () => {
    const DONATION = USD(10_000);

    it("a donation before the first settlement makes the attacker's 1-unit deposit worthless, not the victim's", async () => {
      const c = await vaultCtx(await loadFixture(deployNoFees));
      const { alice: victim, carol: attacker } = c.f;
      await requestDeposit(c, attacker, 1n);
      await c.asset.mint(attacker.address, DONATION);
      await c.asset.connect(attacker).transfer(c.vaultAddr, DONATION);
      await requestDeposit(c, victim, USD(1_000));

      // The donation is idle and counts at settlement; nothing is minted for it.
      const depositAssets = USD(1_000) + 1n;
      const depositShares = sharesFor(depositAssets, DONATION, 0n);
      await expect(settleNav(c, 0n))
        .to.emit(c.vault, "EpochSettled")
        .withArgs(
          1n,
          1n,
          anyValue,
          DONATION + depositAssets,
          depositShares,
          pricePerShare(DONATION, 0n),
          depositAssets,
          depositShares,
          0n,
          0n,
        );
      const attackerShares = (1n * depositShares) / depositAssets;
      const victimShares = (USD(1_000) * depositShares) / depositAssets;
      expect(attackerShares).to.equal(0n);
      expect(await claimableDeposit(c, attacker.address)).to.deep.equal([1n, 0n, 0n]);
      expect(await claimableDeposit(c, victim.address)).to.deep.equal([USD(1_000), victimShares, 0n]);
      await c.vault.connect(victim).claimDeposit(victim.address);

      // The victim exits at the next epoch and gets its deposit back less rounding; the attacker lost it all.
      await c.vault.connect(victim).requestRedeem(victimShares, victim.address, victim.address);
      const paid = assetsFor(victimShares, DONATION + depositAssets, depositShares);
      await settleNav(c, 0n);
      await expect(c.vault.connect(victim).claimRedeem(victim.address)).to.changeTokenBalances(
        ethers,
        c.asset,
        [victim],
        [paid],
      );
      expect(USD(1_000) - paid).to.be.lessThan(USD(1_000) / 10_000n); // < 0.01% rounding loss
      expect(await c.asset.balanceOf(attacker.address)).to.equal(0n);
    });

    it("a donation after a 1-unit first deposit costs the attacker about half of it; the victim is whole", async () => {
      const c = await vaultCtx(await loadFixture(deployNoFees));
      const { alice: victim, carol: attacker } = c.f;
      await stake(c, [[attacker, 1n]]);
      expect(await c.vault.balanceOf(attacker.address)).to.equal(10n ** 6n);

      await c.asset.mint(attacker.address, DONATION);
      await c.asset.connect(attacker).transfer(c.vaultAddr, DONATION);
      await requestDeposit(c, victim, USD(1_000));
      // The donation does not move the booked NAV bound (idle is on both sides) and is priced in.
      const assets = DONATION + 1n;
      const victimShares = sharesFor(USD(1_000), assets, 10n ** 6n);
      await settleNav(c, 0n);
      expect(await claimableDeposit(c, victim.address)).to.deep.equal([USD(1_000), victimShares, 0n]);
      await c.vault.connect(victim).claimDeposit(victim.address);

      // Both leave in the same batch.
      const total = assets + USD(1_000);
      const supply = 10n ** 6n + victimShares;
      await c.vault.connect(attacker).requestRedeem(10n ** 6n, attacker.address, attacker.address);
      await c.vault.connect(victim).requestRedeem(victimShares, victim.address, victim.address);
      await settleNav(c, 0n);
      const batchAssets = assetsFor(supply, total, supply);
      const attackerOut = (10n ** 6n * batchAssets) / supply;
      const victimOut = (victimShares * batchAssets) / supply;
      await expect(c.vault.connect(attacker).claimRedeem(attacker.address)).to.changeTokenBalances(
        ethers,
        c.asset,
        [attacker],
        [attackerOut],
      );
      await expect(c.vault.connect(victim).claimRedeem(victim.address)).to.changeTokenBalances(
        ethers,
        c.asset,
        [victim],
        [victimOut],
      );
      const attackerLoss = DONATION + 1n - attackerOut;
      expect(attackerLoss).to.be.greaterThan(DONATION / 2n - USD(10));
      expect(USD(1_000) - victimOut).to.be.lessThan(USD(1_000) / 10_000n);
      // Rounding favours the vault: what is left backs the virtual shares, and the per-claim rounding
      // dust of the batch stays reserved.
      expect(await c.vault.totalSupply()).to.equal(0n);
      expect(await c.vault.totalAssets()).to.equal(total - batchAssets);
      expect(await c.vault.reservedAssets()).to.equal(batchAssets - attackerOut - victimOut);
    });
  });

  describe("SigilVault: reentrancy through a malicious asset", () => {
    async function setupReentrant() {
      const { f, token, vault } = await loadFixture(deployReentrantVault);
      const base = await vaultCtx(f);
      const rVault = typed<VaultFn>(vault);
      const rBook = typed<BookFn>(await ethers.getContractAt("EpochBook", await vault.epochBook()));
      const c: VaultCtx = { ...base, vault: rVault, book: rBook, vaultAddr: await vault.getAddress() };
      const t = typed<TokenFn>(token);
      const tokenAddr = await token.getAddress();
      const reentrantCall = vault.interface.encodeErrorResult("ReentrancyGuardReentrantCall", []);
      const fundToken = async (who: typeof f.alice, amount: bigint) => {
        await t.mint(who.address, amount);
        await t.connect(who).approve(c.vaultAddr, amount);
      };
      return { c, f, t, tokenAddr, rVault, reentrantCall, fundToken };
    }

    it("a callback into requestDeposit during the asset transfer reverts; only the outer request is booked", async () => {
      const { c, f, t, rVault, reentrantCall, fundToken } = await setupReentrant();
      await fundToken(f.alice, USD(1_000));
      await t.arm(c.vaultAddr, rVault.interface.encodeFunctionData("requestDeposit", [1n, f.alice.address]));
      await expect(rVault.connect(f.alice).requestDeposit(USD(1_000), f.alice.address))
        .to.emit(rVault, "DepositRequested")
        .withArgs(f.alice.address, f.alice.address, 1n, USD(1_000));
      expect(await t.lastCallSucceeded()).to.equal(false);
      expect(await t.lastRevertData()).to.equal(reentrantCall);
      expect(await pendingTotals(c)).to.deep.equal([USD(1_000), 0n]);
      expect(await pendingDeposit(c, f.alice.address)).to.equal(USD(1_000));
      expect(await t.balanceOf(c.vaultAddr)).to.equal(USD(1_000));
    });

    it("a callback into cancelDepositRequest during a cancel's payout reverts; the second request survives", async () => {
      const { c, f, t, tokenAddr, rVault, reentrantCall, fundToken } = await setupReentrant();
      await fundToken(f.alice, USD(1_000));
      await fundToken(f.bob, USD(500));
      await rVault.connect(f.alice).requestDeposit(USD(1_000), f.alice.address);
      await rVault.connect(f.bob).requestDeposit(USD(500), tokenAddr); // the token controls this one
      const cancel = rVault.interface.encodeFunctionData("cancelDepositRequest", []);

      await t.arm(c.vaultAddr, cancel);
      await expect(rVault.connect(f.alice).cancelDepositRequest())
        .to.emit(rVault, "DepositRequestCancelled")
        .withArgs(f.alice.address, 1n, USD(1_000));
      expect(await t.lastCallSucceeded()).to.equal(false);
      expect(await t.lastRevertData()).to.equal(reentrantCall);
      expect(await t.balanceOf(f.alice.address)).to.equal(USD(1_000));
      expect(await pendingDeposit(c, tokenAddr)).to.equal(USD(500));
      expect(await pendingTotals(c)).to.deep.equal([USD(500), 0n]);
      expect(await t.balanceOf(c.vaultAddr)).to.equal(USD(500));

      // The same call outside a vault frame goes through: only the guard stopped it.
      await t.arm(c.vaultAddr, cancel);
      await t.connect(f.alice).transfer(f.bob.address, 1n);
      expect(await t.lastCallSucceeded()).to.equal(true);
      expect(await pendingDeposit(c, tokenAddr)).to.equal(0n);
      expect(await t.balanceOf(tokenAddr)).to.equal(USD(500));
    });

    it("a callback into claimDeposit or claimRedeem during a redemption payout reverts; claims stay intact", async () => {
      const { c, f, t, tokenAddr, rVault, reentrantCall, fundToken } = await setupReentrant();
      await fundToken(f.alice, USD(1_000));
      await fundToken(f.bob, USD(500));
      await rVault.connect(f.alice).requestDeposit(USD(1_000), f.alice.address);
      await rVault.connect(f.bob).requestDeposit(USD(500), tokenAddr);
      await settleNav(c, 0n);
      await rVault.connect(f.alice).claimDeposit(f.alice.address);
      await rVault.connect(f.alice).requestRedeem(4n * 10n ** 14n, f.alice.address, f.alice.address);
      await settleNav(c, 0n);
      const owed = assetsFor(4n * 10n ** 14n, USD(1_500), 15n * 10n ** 14n);
      expect(await rVault.reservedAssets()).to.equal(owed);

      await t.arm(c.vaultAddr, rVault.interface.encodeFunctionData("claimDeposit", [tokenAddr]));
      await expect(rVault.connect(f.alice).claimRedeem(f.alice.address))
        .to.emit(rVault, "RedeemClaimed")
        .withArgs(f.alice.address, f.alice.address, 2n, 4n * 10n ** 14n, owed);
      expect(await t.lastCallSucceeded()).to.equal(false);
      expect(await t.lastRevertData()).to.equal(reentrantCall);
      expect(await claimableDeposit(c, tokenAddr)).to.deep.equal([USD(500), 5n * 10n ** 14n, 0n]);
      expect(await rVault.balanceOf(tokenAddr)).to.equal(0n);
      expect(await rVault.reservedAssets()).to.equal(0n);
      expect(await t.balanceOf(c.vaultAddr)).to.equal(USD(1_500) - owed);
      expect(await rVault.totalAssets()).to.equal(USD(1_500) - owed);

      // A second redemption, with a callback into claimRedeem for the same controller.
      await rVault.connect(f.alice).requestRedeem(10n ** 14n, f.alice.address, f.alice.address);
      await settleNav(c, 0n);
      const [, owed2] = await claimableRedeem(c, f.alice.address);
      await t.arm(c.vaultAddr, rVault.interface.encodeFunctionData("claimRedeem", [tokenAddr]));
      await expect(rVault.connect(f.alice).claimRedeem(f.alice.address)).to.changeTokenBalances(
        ethers,
        t,
        [f.alice.address, c.vaultAddr],
        [owed2, -owed2],
      );
      expect(await t.lastCallSucceeded()).to.equal(false);
      expect(await t.lastRevertData()).to.equal(reentrantCall);
    });
  });

  describe("RiskPolicy / TradeLedger: bad Chainlink feeds", () => {
    async function setupFeeds() {
      const f = await loadFixture(deployNoFees);
      const c = await vaultCtx(f);
      const cfg = await c.policy.assetConfig(0);
      const feed = typed<AggregatorFn>(await ethers.getContractAt("MockAggregator", cfg.feed));
      // An accepted signal for BTC so that fills on it are known.
      await submitSignal(f, await signalReport(f, 1n, [0], [3_000]));
      return { f, c, feed, maxStaleness: BigInt(cfg.maxStaleness) };
    }

    const BTC = 42_000n * 10n ** 8n;

    it("checkPrice returns FeedStale for an old or future-dated answer, FeedInvalid for <= 0 or a reverting feed", async () => {
      const { c, feed, maxStaleness } = await setupFeeds();
      expect(await c.policy.checkPrice(0, BTC)).to.deep.equal([Violation.None, BTC]);
      const t = await now(ethers);
      await feed.setAnswerAt(BTC, t - maxStaleness - 1n);
      expect(await c.policy.checkPrice(0, BTC)).to.deep.equal([Violation.FeedStale, 0n]);
      await feed.setAnswerAt(BTC, t + 1_000n);
      expect(await c.policy.checkPrice(0, BTC)).to.deep.equal([Violation.FeedStale, 0n]);
      await feed.setAnswer(-1n);
      expect(await c.policy.checkPrice(0, BTC)).to.deep.equal([Violation.FeedInvalid, 0n]);
      await feed.setAnswer(0n);
      expect(await c.policy.checkPrice(0, BTC)).to.deep.equal([Violation.FeedInvalid, 0n]);
      await feed.setAnswer(BTC);
      await feed.setBroken(true);
      expect(await c.policy.checkPrice(0, BTC)).to.deep.equal([Violation.FeedInvalid, 0n]);
    });

    for (const [name, breakFeed, bit] of [
      ["stale", "stale", "FILL_FEED_STALE"],
      ["negative", "negative", "FILL_FEED_INVALID"],
      ["reverting", "reverting", "FILL_FEED_INVALID"],
    ] as const) {
      it(`a fill checked against a ${name} feed is recorded with ${bit} and does not trip the breaker`, async () => {
        const { f, c, feed, maxStaleness } = await setupFeeds();
        if (breakFeed === "stale") await feed.setAnswerAt(BTC, (await now(ethers)) - maxStaleness - 1n);
        if (breakFeed === "negative") await feed.setAnswer(-5n);
        if (breakFeed === "reverting") await feed.setBroken(true);
        const expected =
          bit === "FILL_FEED_STALE" ? await c.ledger.FILL_FEED_STALE() : await c.ledger.FILL_FEED_INVALID();
        expect(expected).to.equal(bit === "FILL_FEED_STALE" ? 16n : 8n);
        const qty = 10n ** 6n; // 0.01 BTC
        const report = await executionReport(f, 1n, 1n, [fill(0, qty, BTC, await now(ethers))]);
        await expect(submitExecution(f, report))
          .to.emit(c.ledger, "TradeRecorded")
          .withArgs(1n, 1n, 0n, anyValue, anyValue, qty, expected, anyValue);
        expect(await c.ledger.position(0)).to.equal(qty);
        expect(await c.policy.killLevel()).to.equal(KILL.Normal);
      });
    }
  });

  describe("RiskPolicy: a guardian cannot loosen", () => {
    async function setupGuardian() {
      const f = await loadFixture(deployHandedOver);
      const c = await vaultCtx(f);
      return { f, c, g: c.policy.connect(f.guardian) };
    }
    const notTighter = (field: string) => encodeBytes32String(field);

    it("tightenAsset rejects every looser field and a changed feed", async () => {
      const { c, g } = await setupGuardian();
      const btc = (await c.policy.assetConfig(0)).toObject();
      const bnb = (await c.policy.assetConfig(2)).toObject(); // not shortable
      const cases: Array<[number, Record<string, unknown>, string]> = [
        [0, { ...btc, maxWeightBps: btc.maxWeightBps + 1n }, "maxWeightBps"],
        [0, { ...btc, maxDeviationBps: btc.maxDeviationBps + 1n }, "maxDeviationBps"],
        [0, { ...btc, maxStaleness: btc.maxStaleness + 1n }, "maxStaleness"],
        [0, { ...btc, feed: bnb.feed }, "feed"],
        [0, { ...btc, feedDecimals: 18n }, "feed"],
        [2, { ...bnb, shortable: true }, "shortable"],
      ];
      for (const [index, config, field] of cases) {
        await expect(g.tightenAsset(index, config))
          .to.be.revertedWithCustomError(c.policy, "RiskPolicyNotTighter")
          .withArgs(notTighter(field));
      }
      expect((await c.policy.assetConfig(0)).toObject()).to.deep.equal(btc);
      // Tightening is accepted.
      await expect(g.tightenAsset(0, { ...btc, maxWeightBps: 1_000n, shortable: false })).to.emit(
        c.policy,
        "AssetSet",
      );
      expect((await c.policy.assetConfig(0)).maxWeightBps).to.equal(1_000n);
    });

    it("tightenLimits rejects every looser limit and a lower kill level", async () => {
      const { c, g } = await setupGuardian();
      const limits = (await c.policy.limits()).toObject();
      for (const field of [
        "maxGrossBps",
        "maxDailyLossBps",
        "maxDrawdownBps",
        "maxOffchainBps",
        "maxNavChangeBps",
        "sizeToleranceBps",
      ]) {
        await expect(g.tightenLimits({ ...limits, [field]: limits[field] + 1n }))
          .to.be.revertedWithCustomError(c.policy, "RiskPolicyNotTighter")
          .withArgs(notTighter(field));
      }
      await g.raiseKillLevel(KILL.NoNewEntries, encodeBytes32String("test"));
      await expect(g.tightenLimits({ ...limits, killLevel: KILL.Normal }))
        .to.be.revertedWithCustomError(c.policy, "RiskPolicyNotTighter")
        .withArgs(notTighter("killLevel"));
      expect((await c.policy.limits()).toObject()).to.deep.equal({ ...limits, killLevel: KILL.NoNewEntries });
    });

    it("raiseKillLevel rejects a lower level", async () => {
      const { c, g } = await setupGuardian();
      await g.raiseKillLevel(KILL.ReduceOnly, encodeBytes32String("test"));
      for (const level of [KILL.Normal, KILL.NoNewEntries]) {
        await expect(g.raiseKillLevel(level, encodeBytes32String("undo")))
          .to.be.revertedWithCustomError(c.policy, "RiskPolicyNotTighter")
          .withArgs(notTighter("killLevel"));
      }
      expect(await c.policy.killLevel()).to.equal(KILL.ReduceOnly);
      // The guardian holds no governance role to loosen another way.
      const role = await c.policy.GOVERNANCE_ROLE();
      await expect(c.policy.connect(c.f.guardian).setKillLevel(KILL.Normal, encodeBytes32String("undo")))
        .to.be.revertedWithCustomError(c.policy, "AccessControlUnauthorizedAccount")
        .withArgs(c.f.guardian.address, role);
    });
  });

  describe("SigilGovernor: flash-borrowed votes", () => {
    it("shares received after the proposal snapshot carry no weight, even when voted in the same block", async () => {
      const f = await loadFixture(deployHandedOver);
      const c = await vaultCtx(f);
      const { alice, bob, carol: attacker } = f;
      await stake(c, [
        [alice, USD(1_000)],
        [bob, USD(9_000)],
      ]);
      await c.vault.connect(alice).delegate(alice.address);
      await c.vault.connect(bob).delegate(bob.address);

      // Raise a risk limit through the timelock.
      const limits = (await c.policy.limits()).toObject();
      const calldata = c.policy.interface.encodeFunctionData("setLimits", [
        { ...limits, maxGrossBps: 15_000n },
      ]);
      const targets = [await c.policy.getAddress()];
      const description = "Raise max gross exposure to 1.5x";
      await c.governor.connect(alice).propose(targets, [0n], [calldata], description);
      const proposalId = await c.governor.hashProposal(targets, [0n], [calldata], id(description));
      const snapshot = await c.governor.proposalSnapshot(proposalId);
      await mine(Number(await c.governor.votingDelay()) + 1);
      expect(await ethers.provider.getBlockNumber()).to.be.greaterThan(Number(snapshot));
      await c.governor.connect(alice).castVote(proposalId, 1);

      // The attacker borrows bob's shares, delegates and votes, all in one block.
      const bobShares = await c.vault.balanceOf(bob.address);
      await ethers.provider.send("evm_setAutomine", [false]);
      try {
        const nonce = await ethers.provider.getTransactionCount(attacker.address);
        const gasLimit = 500_000n;
        const borrow = await c.vault.connect(bob).transfer(attacker.address, bobShares, { gasLimit });
        const delegate = await c.vault.connect(attacker).delegate(attacker.address, { gasLimit, nonce });
        const vote = await c.governor
          .connect(attacker)
          .castVote(proposalId, 1, { gasLimit, nonce: nonce + 1 });
        await mine(1);
        const receipts = await Promise.all([borrow.wait(), delegate.wait(), vote.wait()]);
        const blocks = new Set(receipts.map((r) => r!.blockNumber));
        expect(blocks.size).to.equal(1);
        await expect(vote).to.emit(c.governor, "VoteCast").withArgs(attacker.address, proposalId, 1n, 0n, "");
      } finally {
        await ethers.provider.send("evm_setAutomine", [true]);
      }
      expect(await c.vault.getVotes(attacker.address)).to.equal(bobShares); // real power now
      expect(await c.governor.hasVoted(proposalId, attacker.address)).to.equal(true);
      const [against, forVotes, abstain] = await c.governor.proposalVotes(proposalId);
      expect([against, forVotes, abstain]).to.deep.equal([0n, 10n ** 15n, 0n]);
      // Bob's weight at the snapshot is still his, but the shares he lent out cannot vote twice.
      expect(await c.vault.getPastVotes(bob.address, snapshot)).to.equal(bobShares);
    });
  });
});
