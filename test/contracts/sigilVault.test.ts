import { expect } from "chai";
import { network } from "hardhat";
import { encodeBytes32String, ZeroAddress } from "ethers";
import { anyValue } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";
import { deployFixture, fund, now, operatorWallets, USD } from "../helpers/sigilFixture.js";
import {
  VENUE_REF,
  feeRates,
  highWaterMark,
  lastNavTimestamp,
  requestDeposit,
  settleNav,
  signedNav,
  stake,
  stakedWithVenue,
  vaultCtx,
} from "../helpers/vaultActions.js";
import {
  DAY,
  assetsFor,
  dropBeyond,
  fees as modelFees,
  pricePerShare,
  settlement,
  sharesFor,
  type FeeRates,
} from "../helpers/vaultModel.js";

const { ethers, networkHelpers } = await network.create();
const { time, loadFixture } = networkHelpers;

const ZERO_FEES = { managementBps: 0, performanceBps: 0, operatorShareBps: 0 };
const DEFAULT_RATES: FeeRates = { managementBps: 200n, performanceBps: 2_000n, operatorShareBps: 1_000n };
const ONE_SHARE_PRICE = 10n ** 12n; // 1 asset unit (1e-6 USD) per 1e6 share units, at 1e18 scale
const TTL = 2n * DAY;
const REF = VENUE_REF;
const KILL = { Normal: 0n, NoNewEntries: 1n, ReduceOnly: 2n, Flatten: 3n };

async function deployNoFees() {
  return deployFixture(ethers, { overrides: { fees: ZERO_FEES } });
}

async function deployWithFees() {
  return deployFixture(ethers);
}

async function setup(fixture: typeof deployNoFees = deployNoFees) {
  return vaultCtx(await loadFixture(fixture));
}

describe("SigilVault", () => {
  describe("deployment", () => {
    it("starts at epoch 1 with the virtual-share price and the deployed parameters", async () => {
      const c = await setup();
      expect(await c.vault.asset()).to.equal(await c.asset.getAddress());
      expect(await c.vault.decimals()).to.equal(12n);
      expect(await c.vault.currentEpoch()).to.equal(1n);
      expect(await c.vault.currentRedeemBatch()).to.equal(1n);
      expect(await c.vault.navSequence()).to.equal(0n);
      expect(await c.vault.lastNav()).to.deep.equal([0n, 0n]);
      expect(await c.vault.isNavFresh()).to.equal(true);
      expect(await c.vault.sharePrice()).to.deep.equal([ONE_SHARE_PRICE, ONE_SHARE_PRICE]);
      expect(await c.vault.parameters()).to.deep.equal([USD(10_000_000), TTL, false]);
      expect(await c.vault.fees()).to.deep.equal([0n, 0n, 0n, c.f.deployer.address]);
      expect(await c.vault.pendingTotals()).to.deep.equal([0n, 0n]);
      expect(await c.vault.reservedAssets()).to.equal(0n);
      expect(await c.vault.offchainEquity()).to.equal(0n);
      expect(await c.vault.totalAssets()).to.equal(0n);
      expect(await c.vault.MAX_MANAGEMENT_FEE_BPS()).to.equal(500n);
      expect(await c.vault.MAX_PERFORMANCE_FEE_BPS()).to.equal(3_000n);
    });
  });

  describe("requestDeposit", () => {
    it("reverts on zero assets and on a zero controller", async () => {
      const c = await setup();
      await fund(c.f, c.f.alice, USD(1));
      await expect(
        c.vault.connect(c.f.alice).requestDeposit(0n, c.f.alice.address),
      ).to.be.revertedWithCustomError(c.vault, "SigilVaultZeroAmount");
      await expect(
        c.vault.connect(c.f.alice).requestDeposit(USD(1), ZeroAddress),
      ).to.be.revertedWithCustomError(c.vault, "SigilVaultZeroAddress");
    });

    it("moves the assets into the vault, records the request and emits DepositRequested", async () => {
      const c = await setup();
      const { alice, bob } = c.f;
      await fund(c.f, alice, USD(1_000));
      const tx = c.vault.connect(alice).requestDeposit(USD(1_000), bob.address);
      await expect(tx)
        .to.emit(c.vault, "DepositRequested")
        .withArgs(bob.address, alice.address, 1n, USD(1_000));
      await expect(tx).to.changeTokenBalances(
        ethers,
        c.asset,
        [alice, c.vaultAddr],
        [-USD(1_000), USD(1_000)],
      );
      expect(await c.vault.pendingDepositRequest(bob.address)).to.equal(USD(1_000));
      expect(await c.vault.pendingDepositRequest(alice.address)).to.equal(0n);
      expect(await c.vault.claimableDepositRequest(bob.address)).to.deep.equal([0n, 0n]);
      expect(await c.vault.pendingTotals()).to.deep.equal([USD(1_000), 0n]);
      // Pending deposits are not vault assets until settled.
      expect(await c.vault.totalAssets()).to.equal(0n);
    });

    it("adds to an open request in the same epoch and fulfils it as one", async () => {
      const c = await setup();
      const { alice } = c.f;
      await requestDeposit(c, alice, USD(1_000));
      await expect(requestDeposit(c, alice, USD(500)))
        .to.emit(c.vault, "DepositRequested")
        .withArgs(alice.address, alice.address, 1n, USD(500));
      expect(await c.vault.pendingDepositRequest(alice.address)).to.equal(USD(1_500));
      await settleNav(c);
      // First epoch: (0 + 1) / (0 + 1e6) per share unit, so 1e6 share units per asset unit.
      expect(await c.vault.claimableDepositRequest(alice.address)).to.deep.equal([
        USD(1_500),
        USD(1_500) * 10n ** 6n,
      ]);
      await expect(c.vault.connect(alice).claimDeposit(alice.address))
        .to.emit(c.vault, "DepositClaimed")
        .withArgs(alice.address, alice.address, 1n, USD(1_500), USD(1_500) * 10n ** 6n);
    });

    it("auto-claims the controller's settled earlier request before opening a new one", async () => {
      const c = await setup();
      const { alice, bob } = c.f;
      await requestDeposit(c, alice, USD(1_000));
      await settleNav(c);
      const tx = requestDeposit(c, alice, USD(400));
      await expect(tx)
        .to.emit(c.vault, "DepositClaimed")
        .withArgs(alice.address, alice.address, 1n, USD(1_000), 10n ** 15n);
      await expect(tx)
        .to.emit(c.vault, "DepositRequested")
        .withArgs(alice.address, alice.address, 2n, USD(400));
      expect(await c.vault.balanceOf(alice.address)).to.equal(10n ** 15n);
      expect(await c.vault.pendingDepositRequest(alice.address)).to.equal(USD(400));
      expect(await c.vault.claimableDepositRequest(alice.address)).to.deep.equal([0n, 0n]);

      // A third party adding to bob's request claims bob's shares to bob, not to itself.
      await requestDeposit(c, bob, USD(100));
      await settleNav(c);
      const [, bobShares] = await c.vault.claimableDepositRequest(bob.address);
      await requestDeposit(c, alice, USD(5), bob.address);
      expect(await c.vault.balanceOf(bob.address)).to.equal(bobShares);
      expect(await c.vault.pendingDepositRequest(bob.address)).to.equal(USD(5));
    });

    it("reverts while the guardian has paused deposits, until governance unpauses", async () => {
      const c = await setup();
      const { alice, guardian, deployer } = c.f;
      await fund(c.f, alice, USD(10));
      await expect(c.vault.connect(guardian).pauseDeposits())
        .to.emit(c.vault, "DepositsPausedSet")
        .withArgs(true, guardian.address);
      expect((await c.vault.parameters())[2]).to.equal(true);
      await expect(
        c.vault.connect(alice).requestDeposit(USD(10), alice.address),
      ).to.be.revertedWithCustomError(c.vault, "SigilVaultDepositsPaused");
      await expect(c.vault.connect(deployer).unpauseDeposits())
        .to.emit(c.vault, "DepositsPausedSet")
        .withArgs(false, deployer.address);
      await expect(c.vault.connect(alice).requestDeposit(USD(10), alice.address)).to.emit(
        c.vault,
        "DepositRequested",
      );
    });

    it("reverts at kill level Flatten but not at ReduceOnly", async () => {
      const c = await setup();
      const { alice, guardian } = c.f;
      await fund(c.f, alice, USD(20));
      await c.policy.connect(guardian).raiseKillLevel(KILL.ReduceOnly, encodeBytes32String("test"));
      await expect(c.vault.connect(alice).requestDeposit(USD(10), alice.address)).to.emit(
        c.vault,
        "DepositRequested",
      );
      await c.policy.connect(guardian).raiseKillLevel(KILL.Flatten, encodeBytes32String("test"));
      await expect(
        c.vault.connect(alice).requestDeposit(USD(10), alice.address),
      ).to.be.revertedWithCustomError(c.vault, "SigilVaultDepositsPaused");
    });

    it("reverts with SigilVaultNavStale once equity is off-chain and the last NAV is older than the TTL", async () => {
      const c = await setup();
      const { alice, bob } = c.f;
      await stake(c, [[alice, USD(1_000)]]);
      const navTs = await lastNavTimestamp(c);
      // Nothing off-chain: an old NAV does not block requests.
      await time.increase(TTL + 100n);
      expect(await c.vault.isNavFresh()).to.equal(true);
      await expect(requestDeposit(c, bob, USD(1))).to.emit(c.vault, "DepositRequested");

      await c.vault.connect(c.f.custodian).sendToVenue(USD(500), REF);
      expect(await c.vault.isNavFresh()).to.equal(false);
      await fund(c.f, bob, USD(1));
      await expect(c.vault.connect(bob).requestDeposit(USD(1), bob.address))
        .to.be.revertedWithCustomError(c.vault, "SigilVaultNavStale")
        .withArgs(navTs, TTL);

      // A fresh report reopens requests.
      await settleNav(c);
      expect(await c.vault.isNavFresh()).to.equal(true);
      await expect(c.vault.connect(bob).requestDeposit(USD(1), bob.address)).to.emit(
        c.vault,
        "DepositRequested",
      );
    });

    it("reverts with SigilVaultCapExceeded when assets plus pending deposits would pass the cap", async () => {
      const c = await setup();
      const { alice, bob, carol } = c.f;
      await c.vault.setCap(USD(1_500));
      await stake(c, [[alice, USD(1_000)]]);
      await expect(requestDeposit(c, bob, USD(500))).to.emit(c.vault, "DepositRequested"); // exactly at the cap
      await fund(c.f, carol, 1n);
      await expect(c.vault.connect(carol).requestDeposit(1n, carol.address))
        .to.be.revertedWithCustomError(c.vault, "SigilVaultCapExceeded")
        .withArgs(USD(1_500) + 1n, USD(1_500));
    });
  });

  describe("requestRedeem", () => {
    it("reverts on zero shares and on a zero controller", async () => {
      const c = await setup();
      const { alice } = c.f;
      await stake(c, [[alice, USD(100)]]);
      await expect(
        c.vault.connect(alice).requestRedeem(0n, alice.address, alice.address),
      ).to.be.revertedWithCustomError(c.vault, "SigilVaultZeroAmount");
      await expect(
        c.vault.connect(alice).requestRedeem(1n, ZeroAddress, alice.address),
      ).to.be.revertedWithCustomError(c.vault, "SigilVaultZeroAddress");
    });

    it("escrows the owner's shares in the vault and emits RedeemRequested", async () => {
      const c = await setup();
      const { alice } = c.f;
      await stake(c, [[alice, USD(100)]]);
      const shares = 4n * 10n ** 13n;
      const tx = c.vault.connect(alice).requestRedeem(shares, alice.address, alice.address);
      await expect(tx).to.emit(c.vault, "RedeemRequested").withArgs(alice.address, alice.address, 1n, shares);
      await expect(tx).to.changeTokenBalances(ethers, c.vault, [alice, c.vaultAddr], [-shares, shares]);
      expect(await c.vault.pendingRedeemRequest(alice.address)).to.equal(shares);
      expect(await c.vault.claimableRedeemRequest(alice.address)).to.deep.equal([0n, 0n]);
      expect(await c.vault.pendingTotals()).to.deep.equal([0n, shares]);
      await expect(
        c.vault.connect(alice).requestRedeem(USD(100) * 10n ** 6n, alice.address, alice.address),
      ).to.be.revertedWithCustomError(c.vault, "ERC20InsufficientBalance");
    });

    it("needs an allowance when the caller is not the owner, and spends it", async () => {
      const c = await setup();
      const { alice, bob } = c.f;
      await stake(c, [[alice, USD(100)]]);
      const shares = 10n ** 13n;
      await expect(c.vault.connect(bob).requestRedeem(shares, bob.address, alice.address))
        .to.be.revertedWithCustomError(c.vault, "ERC20InsufficientAllowance")
        .withArgs(bob.address, 0n, shares);
      await c.vault.connect(alice).approve(bob.address, shares * 3n);
      const tx = c.vault.connect(bob).requestRedeem(shares, bob.address, alice.address);
      await expect(tx).to.emit(c.vault, "RedeemRequested").withArgs(bob.address, alice.address, 1n, shares);
      await expect(tx).to.changeTokenBalances(
        ethers,
        c.vault,
        [alice, bob, c.vaultAddr],
        [-shares, 0n, shares],
      );
      expect(await c.vault.allowance(alice.address, bob.address)).to.equal(shares * 2n);
      expect(await c.vault.pendingRedeemRequest(bob.address)).to.equal(shares);
      expect(await c.vault.pendingRedeemRequest(alice.address)).to.equal(0n);
    });

    it("reverts with SigilVaultNavStale when equity is off-chain and the NAV has expired", async () => {
      const c = await setup();
      const { alice } = c.f;
      await stakedWithVenue(c);
      const navTs = await lastNavTimestamp(c);
      await time.increase(TTL + 1n);
      await expect(c.vault.connect(alice).requestRedeem(1n, alice.address, alice.address))
        .to.be.revertedWithCustomError(c.vault, "SigilVaultNavStale")
        .withArgs(navTs, TTL);
    });

    it("adds to an open request in the same batch and auto-claims a fulfilled earlier one", async () => {
      const c = await setup();
      const { alice } = c.f;
      await stake(c, [[alice, USD(100)]]); // 1e14 shares, 1e8 assets
      await c.vault.connect(alice).requestRedeem(10n ** 13n, alice.address, alice.address);
      await c.vault.connect(alice).requestRedeem(10n ** 13n, alice.address, alice.address);
      expect(await c.vault.pendingRedeemRequest(alice.address)).to.equal(2n * 10n ** 13n);
      await settleNav(c);
      // Price (1e8 + 1) / (1e14 + 1e6): 2e13 shares are worth floor(2e13 * (1e8 + 1) / (1e14 + 1e6)) = 2e7.
      const owed = assetsFor(2n * 10n ** 13n, USD(100), 10n ** 14n);
      expect(owed).to.equal(USD(20));
      expect(await c.vault.claimableRedeemRequest(alice.address)).to.deep.equal([2n * 10n ** 13n, owed]);
      const tx = c.vault.connect(alice).requestRedeem(10n ** 13n, alice.address, alice.address);
      await expect(tx)
        .to.emit(c.vault, "RedeemClaimed")
        .withArgs(alice.address, alice.address, 1n, 2n * 10n ** 13n, owed);
      await expect(tx)
        .to.emit(c.vault, "RedeemRequested")
        .withArgs(alice.address, alice.address, 2n, 10n ** 13n);
      await expect(tx).to.changeTokenBalances(ethers, c.asset, [alice], [owed]);
      expect(await c.vault.reservedAssets()).to.equal(0n);
    });
  });

  describe("cancelDepositRequest", () => {
    it("reverts with SigilVaultNothingToClaim without a request", async () => {
      const c = await setup();
      await expect(c.vault.connect(c.f.alice).cancelDepositRequest())
        .to.be.revertedWithCustomError(c.vault, "SigilVaultNothingToClaim")
        .withArgs(c.f.alice.address);
    });

    it("returns the assets to the controller before settlement", async () => {
      const c = await setup();
      const { alice, bob } = c.f;
      await requestDeposit(c, alice, USD(300), bob.address); // alice pays, bob controls
      const tx = c.vault.connect(bob).cancelDepositRequest();
      await expect(tx).to.emit(c.vault, "DepositRequestCancelled").withArgs(bob.address, 1n, USD(300));
      await expect(tx).to.changeTokenBalances(
        ethers,
        c.asset,
        [c.vaultAddr, bob, alice],
        [-USD(300), USD(300), 0n],
      );
      expect(await c.vault.pendingDepositRequest(bob.address)).to.equal(0n);
      expect(await c.vault.pendingTotals()).to.deep.equal([0n, 0n]);
      const { report, signatures, hash } = await signedNav(c, 0n);
      await expect(c.vault.settle(report, signatures))
        .to.emit(c.vault, "EpochSettled")
        .withArgs(1n, 1n, hash, 0n, 0n, ONE_SHARE_PRICE, 0n, 0n, 0n, 0n);
      expect(await c.vault.totalSupply()).to.equal(0n);
    });

    it("reverts with SigilVaultRequestAlreadyFulfilled after settlement", async () => {
      const c = await setup();
      const { alice } = c.f;
      await requestDeposit(c, alice, USD(300));
      await settleNav(c);
      await expect(c.vault.connect(alice).cancelDepositRequest())
        .to.be.revertedWithCustomError(c.vault, "SigilVaultRequestAlreadyFulfilled")
        .withArgs(1n);
    });
  });

  describe("cancelRedeemRequest", () => {
    it("reverts with SigilVaultNothingToClaim without a request", async () => {
      const c = await setup();
      await expect(c.vault.connect(c.f.alice).cancelRedeemRequest())
        .to.be.revertedWithCustomError(c.vault, "SigilVaultNothingToClaim")
        .withArgs(c.f.alice.address);
    });

    it("returns the escrowed shares to the controller before fulfilment", async () => {
      const c = await setup();
      const { alice, bob } = c.f;
      await stake(c, [[alice, USD(100)]]);
      const shares = 3n * 10n ** 13n;
      await c.vault.connect(alice).requestRedeem(shares, bob.address, alice.address);
      const tx = c.vault.connect(bob).cancelRedeemRequest();
      await expect(tx).to.emit(c.vault, "RedeemRequestCancelled").withArgs(bob.address, 1n, shares);
      await expect(tx).to.changeTokenBalances(ethers, c.vault, [c.vaultAddr, bob], [-shares, shares]);
      expect(await c.vault.pendingRedeemRequest(bob.address)).to.equal(0n);
      expect(await c.vault.pendingTotals()).to.deep.equal([0n, 0n]);
    });

    it("reverts with SigilVaultRequestAlreadyFulfilled after fulfilment", async () => {
      const c = await setup();
      const { alice } = c.f;
      await stake(c, [[alice, USD(100)]]);
      await c.vault.connect(alice).requestRedeem(10n ** 13n, alice.address, alice.address);
      await settleNav(c);
      await expect(c.vault.connect(alice).cancelRedeemRequest())
        .to.be.revertedWithCustomError(c.vault, "SigilVaultRequestAlreadyFulfilled")
        .withArgs(1n);
    });
  });

  describe("claimDeposit", () => {
    it("transfers the exact shares at the epoch price to the receiver", async () => {
      const c = await setup();
      const { alice, bob, carol, others } = c.f;
      const receiver = others[0]!;
      await stakedWithVenue(c); // 1e16 shares over 10,000 USD
      await requestDeposit(c, bob, USD(1_000));
      await requestDeposit(c, carol, 333_333_333n);
      // The venue made 1,000 USD: 11,000 USD of assets back 1e16 shares when the epoch settles.
      await settleNav(c, USD(9_000));
      const depositAssets = USD(1_000) + 333_333_333n;
      const depositShares = sharesFor(depositAssets, USD(11_000), 10n ** 16n);
      const bobShares = (USD(1_000) * depositShares) / depositAssets;
      const carolShares = (333_333_333n * depositShares) / depositAssets;
      expect(bobShares + carolShares).to.be.lte(depositShares); // rounding favours the vault
      expect(await c.vault.claimableDepositRequest(bob.address)).to.deep.equal([USD(1_000), bobShares]);
      const tx = c.vault.connect(bob).claimDeposit(receiver.address);
      await expect(tx)
        .to.emit(c.vault, "DepositClaimed")
        .withArgs(bob.address, receiver.address, 2n, USD(1_000), bobShares);
      await expect(tx).to.changeTokenBalances(
        ethers,
        c.vault,
        [c.vaultAddr, receiver, bob],
        [-bobShares, bobShares, 0n],
      );
      await expect(c.vault.connect(carol).claimDeposit(carol.address))
        .to.emit(c.vault, "DepositClaimed")
        .withArgs(carol.address, carol.address, 2n, 333_333_333n, carolShares);
      // Alice's position is untouched by the late deposits.
      expect(await c.vault.balanceOf(alice.address)).to.equal(10n ** 16n);
    });

    it("reverts with SigilVaultNothingToClaim before settlement, without a request, and when claimed twice", async () => {
      const c = await setup();
      const { alice, bob } = c.f;
      await requestDeposit(c, alice, USD(10));
      await expect(c.vault.connect(alice).claimDeposit(alice.address))
        .to.be.revertedWithCustomError(c.vault, "SigilVaultNothingToClaim")
        .withArgs(alice.address);
      await expect(c.vault.connect(bob).claimDeposit(bob.address))
        .to.be.revertedWithCustomError(c.vault, "SigilVaultNothingToClaim")
        .withArgs(bob.address);
      await settleNav(c);
      await c.vault.connect(alice).claimDeposit(alice.address);
      await expect(c.vault.connect(alice).claimDeposit(alice.address))
        .to.be.revertedWithCustomError(c.vault, "SigilVaultNothingToClaim")
        .withArgs(alice.address);
    });
  });

  describe("claimRedeem", () => {
    it("pays the exact assets at the fulfilment price and releases the reserve", async () => {
      const c = await setup();
      const { alice, bob } = c.f;
      await stakedWithVenue(c);
      await c.vault.connect(alice).requestRedeem(10n ** 15n, alice.address, alice.address);
      // The venue made 400 USD: 10,400 USD back 1e16 shares.
      await settleNav(c, USD(8_400));
      const owed = assetsFor(10n ** 15n, USD(10_400), 10n ** 16n);
      expect(owed).to.equal(1_039_999_999n);
      expect(await c.vault.claimableRedeemRequest(alice.address)).to.deep.equal([10n ** 15n, owed]);
      expect(await c.vault.reservedAssets()).to.equal(owed);
      expect(await c.vault.totalAssets()).to.equal(USD(10_400) - owed);
      expect(await c.vault.totalSupply()).to.equal(9n * 10n ** 15n);
      const tx = c.vault.connect(alice).claimRedeem(bob.address);
      await expect(tx)
        .to.emit(c.vault, "RedeemClaimed")
        .withArgs(alice.address, bob.address, 1n, 10n ** 15n, owed);
      await expect(tx).to.changeTokenBalances(ethers, c.asset, [c.vaultAddr, bob, alice], [-owed, owed, 0n]);
      expect(await c.vault.reservedAssets()).to.equal(0n);
      expect(await c.vault.totalAssets()).to.equal(USD(10_400) - owed);
      await expect(c.vault.connect(alice).claimRedeem(alice.address))
        .to.be.revertedWithCustomError(c.vault, "SigilVaultNothingToClaim")
        .withArgs(alice.address);
    });

    it("reverts with SigilVaultNothingToClaim while the request is pending", async () => {
      const c = await setup();
      const { alice } = c.f;
      await stake(c, [[alice, USD(10)]]);
      await c.vault.connect(alice).requestRedeem(10n ** 12n, alice.address, alice.address);
      await expect(c.vault.connect(alice).claimRedeem(alice.address))
        .to.be.revertedWithCustomError(c.vault, "SigilVaultNothingToClaim")
        .withArgs(alice.address);
    });
  });

  describe("settle", () => {
    it("fulfils the first epoch at the virtual-share price and emits EpochSettled", async () => {
      const c = await setup();
      const { alice } = c.f;
      await requestDeposit(c, alice, USD(10_000));
      const { report, signatures, hash } = await signedNav(c, 0n);
      await expect(c.vault.settle(report, signatures))
        .to.emit(c.vault, "EpochSettled")
        .withArgs(1n, 1n, hash, USD(10_000), 10n ** 16n, ONE_SHARE_PRICE, USD(10_000), 10n ** 16n, 0n, 0n);
      expect(await c.vault.currentEpoch()).to.equal(2n);
      expect(await c.vault.navSequence()).to.equal(1n);
      expect(await c.vault.lastNav()).to.deep.equal([USD(10_000), report.nav.timestamp]);
      expect(await c.vault.balanceOf(c.vaultAddr)).to.equal(10n ** 16n); // held for the claim
      expect(await c.vault.pendingTotals()).to.deep.equal([0n, 0n]);
    });

    it("settle: rejects a sequence at or below the last (replay) and allows gaps", async () => {
      const c = await setup();
      // A gap is allowed (an expired report is skipped, never re-signed); going back is not.
      const ahead = await signedNav(c, 0n, { sequence: 3n });
      await c.vault.settle(ahead.report, ahead.signatures);
      expect(await c.vault.navSequence()).to.equal(3n);
      await expect(c.vault.settle(ahead.report, ahead.signatures))
        .to.be.revertedWithCustomError(c.vault, "SigilVaultStaleSequence")
        .withArgs(3n, 3n);
      const behind = await signedNav(c, 0n, { sequence: 2n });
      await expect(c.vault.settle(behind.report, behind.signatures))
        .to.be.revertedWithCustomError(c.vault, "SigilVaultStaleSequence")
        .withArgs(3n, 2n);
    });

    it("rejects a report past its deadline", async () => {
      const c = await setup();
      const t = await now(ethers);
      const { report, signatures } = await signedNav(c, 0n, { deadline: t });
      await expect(c.vault.settle(report, signatures))
        .to.be.revertedWithCustomError(c.vault, "SigilVaultReportExpired")
        .withArgs(t);
    });

    it("rejects a report for another epoch", async () => {
      const c = await setup();
      const { report, signatures } = await signedNav(c, 0n, { epoch: 2n });
      await expect(c.vault.settle(report, signatures))
        .to.be.revertedWithCustomError(c.vault, "SigilVaultWrongEpoch")
        .withArgs(1n, 2n);
    });

    it("rejects a valuation time in the future or before the last settled one", async () => {
      const c = await setup();
      const future = (await now(ethers)) + 1_000n;
      const a = await signedNav(c, 0n, { timestamp: future });
      await expect(c.vault.settle(a.report, a.signatures))
        .to.be.revertedWithCustomError(c.vault, "SigilVaultBadNavTimestamp")
        .withArgs(future);
      await settleNav(c);
      const last = await lastNavTimestamp(c);
      const b = await signedNav(c, 0n, { timestamp: last - 1n });
      await expect(c.vault.settle(b.report, b.signatures))
        .to.be.revertedWithCustomError(c.vault, "SigilVaultBadNavTimestamp")
        .withArgs(last - 1n);
    });

    it("rejects reports without a quorum of current operators and changes nothing", async () => {
      const c = await setup();
      const { operators } = c.f;
      await requestDeposit(c, c.f.alice, USD(10));
      const one = await signedNav(c, 0n, {}, [operators[0]!]);
      await expect(c.vault.settle(one.report, one.signatures))
        .to.be.revertedWithCustomError(c.registry, "OracleRegistryTooFewSignatures")
        .withArgs(1n, 2n);

      const outsider = operatorWallets(4)[3]!;
      const insider = operators[0]!;
      const mixed = await signedNav(c, 0n, {}, [insider, outsider]);
      const outsiderIndex = BigInt(outsider.address) < BigInt(insider.address) ? 0n : 1n;
      await expect(c.vault.settle(mixed.report, mixed.signatures))
        .to.be.revertedWithCustomError(c.registry, "OracleRegistryUnexpectedSigner")
        .withArgs(outsiderIndex, outsider.address);

      // A report signed under the previous configuration dies with it.
      const old = await c.registry.configDigest();
      const sorted = [...operators.map((w) => w.address)].sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : 1));
      await c.registry.setConfig(sorted, 2);
      const current = await c.registry.configDigest();
      const stale = await signedNav(c, 0n, { configDigest: old });
      await expect(c.vault.settle(stale.report, stale.signatures))
        .to.be.revertedWithCustomError(c.registry, "OracleRegistryConfigDigestMismatch")
        .withArgs(current, old);

      expect(await c.vault.navSequence()).to.equal(0n);
      expect(await c.vault.currentEpoch()).to.equal(1n);
      expect(await c.vault.pendingTotals()).to.deep.equal([USD(10), 0n]);
    });

    it("records a NAV change beyond the policy bound as NavRejected, consuming the sequence and nothing else", async () => {
      const c = await setup();
      const { bob } = c.f;
      await stakedWithVenue(c); // booked 10,000 USD: 2,000 idle + 8,000 at the venue
      await requestDeposit(c, bob, USD(50));
      const before = {
        nav: await c.vault.lastNav(),
        supply: await c.vault.totalSupply(),
        price: await c.vault.sharePrice(),
        assets: await c.vault.totalAssets(),
      };
      // maxNavChangeBps = 2,500: a drop of 2,500 USD + 1 unit is beyond the bound.
      const venue = USD(8_000) - USD(2_500) - 1n;
      const { report, signatures, hash } = await signedNav(c, venue);
      await expect(c.vault.settle(report, signatures))
        .to.emit(c.vault, "NavRejected")
        .withArgs(2n, 2n, hash, USD(2_000) + venue, USD(10_000));
      expect(await c.vault.navSequence()).to.equal(2n);
      expect(await c.vault.currentEpoch()).to.equal(2n);
      expect(await c.vault.offchainEquity()).to.equal(USD(8_000));
      expect(await c.vault.lastNav()).to.deep.equal(before.nav);
      expect(await c.vault.totalSupply()).to.equal(before.supply);
      expect(await c.vault.sharePrice()).to.deep.equal(before.price);
      expect(await c.vault.totalAssets()).to.equal(before.assets);
      expect(await c.vault.pendingDepositRequest(bob.address)).to.equal(USD(50));
      expect(await c.policy.killLevel()).to.equal(KILL.Normal);
      // The consumed sequence cannot be used again; the next one settles.
      await expect(c.vault.settle(report, signatures))
        .to.be.revertedWithCustomError(c.vault, "SigilVaultStaleSequence")
        .withArgs(2n, 2n);
      await expect(settleNav(c, USD(8_000))).to.emit(c.vault, "EpochSettled");
    });

    it("accepts a NAV change of exactly the bound in either direction and rejects one unit more upward", async () => {
      const c = await setup();
      await stakedWithVenue(c);
      await expect(settleNav(c, USD(10_500) + 1n)).to.emit(c.vault, "NavRejected");
      await expect(settleNav(c, USD(10_500))).to.emit(c.vault, "EpochSettled");
      expect(await c.vault.offchainEquity()).to.equal(USD(10_500));
      // Booked is now 12,500: a 25% drop is 3,125.
      await expect(settleNav(c, USD(10_500) - USD(3_125))).to.emit(c.vault, "EpochSettled");
    });

    it("defers redemptions when idle assets are short and fulfils them once the custodian returns funds", async () => {
      const c = await setup();
      const { alice, custodian } = c.f;
      await stakedWithVenue(c); // 2,000 USD idle
      const shares = 5n * 10n ** 15n;
      await c.vault.connect(alice).requestRedeem(shares, alice.address, alice.address);
      const needed = assetsFor(shares, USD(10_000), 10n ** 16n);
      expect(needed).to.equal(USD(5_000));
      const deferred = await signedNav(c, USD(8_000));
      const tx = c.vault.settle(deferred.report, deferred.signatures);
      await expect(tx).to.emit(c.vault, "RedemptionsDeferred").withArgs(1n, shares, needed, USD(2_000));
      await expect(tx)
        .to.emit(c.vault, "EpochSettled")
        .withArgs(2n, 2n, deferred.hash, USD(10_000), 10n ** 16n, ONE_SHARE_PRICE, 0n, 0n, 0n, 0n);
      expect(await c.vault.currentRedeemBatch()).to.equal(1n);
      expect(await c.vault.pendingRedeemRequest(alice.address)).to.equal(shares);
      expect(await c.vault.claimableRedeemRequest(alice.address)).to.deep.equal([0n, 0n]);
      expect(await c.vault.reservedAssets()).to.equal(0n);
      expect(await c.vault.totalSupply()).to.equal(10n ** 16n);

      await c.asset.connect(custodian).approve(c.vaultAddr, USD(3_000));
      await c.vault.connect(custodian).returnFromVenue(USD(3_000), REF);
      const paid = await signedNav(c, USD(5_000));
      await expect(c.vault.settle(paid.report, paid.signatures))
        .to.emit(c.vault, "EpochSettled")
        .withArgs(3n, 3n, paid.hash, USD(5_000), 5n * 10n ** 15n, ONE_SHARE_PRICE, 0n, 0n, shares, needed);
      expect(await c.vault.currentRedeemBatch()).to.equal(2n);
      expect(await c.vault.claimableRedeemRequest(alice.address)).to.deep.equal([shares, needed]);
      expect(await c.vault.reservedAssets()).to.equal(needed);
      await expect(c.vault.connect(alice).claimRedeem(alice.address)).to.changeTokenBalances(
        ethers,
        c.asset,
        [alice],
        [needed],
      );
    });

    it("pays redemptions from deposits fulfilled in the same epoch", async () => {
      const c = await setup();
      const { alice, bob } = c.f;
      await stakedWithVenue(c); // 2,000 USD idle
      await c.vault.connect(alice).requestRedeem(3n * 10n ** 15n, alice.address, alice.address);
      await requestDeposit(c, bob, USD(1_500));
      const out = settlement({
        idle: USD(2_000),
        venueEquity: USD(8_000),
        supply: 10n ** 16n,
        highWaterMark: ONE_SHARE_PRICE,
        elapsed: 0n,
        rates: { managementBps: 0n, performanceBps: 0n, operatorShareBps: 0n },
        depositAssets: USD(1_500),
        redeemShares: 3n * 10n ** 15n,
      });
      expect(out.redeemFulfilled).to.equal(true);
      const { report, signatures, hash } = await signedNav(c, USD(8_000));
      await expect(c.vault.settle(report, signatures))
        .to.emit(c.vault, "EpochSettled")
        .withArgs(
          2n,
          2n,
          hash,
          out.totalAssets,
          out.totalSupply,
          out.pps,
          USD(1_500),
          out.depositShares,
          out.redeemShares,
          out.redeemAssets,
        );
    });
  });

  describe("fees", () => {
    it("charges no fee at the first settlement (no shares yet)", async () => {
      const c = await setup(deployWithFees);
      await requestDeposit(c, c.f.alice, USD(10_000));
      await expect(settleNav(c)).not.to.emit(c.vault, "FeesTaken");
    });

    it("charges the management fee pro rata over the time between valuations", async () => {
      const c = await setup(deployWithFees);
      const { deployer, alice } = c.f;
      const bonds = await c.bonds.getAddress();
      await stake(c, [[alice, USD(10_000)]]);
      const t1 = await lastNavTimestamp(c);

      // 73 days = a fifth of a year at 2%: 0.4% of 10,000 USD.
      await time.increaseTo(t1 + 73n * DAY);
      const first = modelFees(USD(10_000), 10n ** 16n, ONE_SHARE_PRICE, 73n * DAY, DEFAULT_RATES);
      expect(first.management).to.equal(USD(40));
      expect(first.performance).to.equal(0n);
      await expect(settleNav(c, 0n, { timestamp: t1 + 73n * DAY }))
        .to.emit(c.vault, "FeesTaken")
        .withArgs(2n, USD(40), 0n, first.treasuryShares, first.operatorShares);
      expect(first.operatorShares).to.equal(first.feeShares / 10n);
      expect(await c.vault.balanceOf(bonds)).to.equal(first.operatorShares);
      expect(await c.vault.balanceOf(deployer.address)).to.equal(first.treasuryShares);
      // Fees dilute: the price falls below the high-water mark, which stays.
      const supply = 10n ** 16n + first.feeShares;
      expect(await c.vault.sharePrice()).to.deep.equal([pricePerShare(USD(10_000), supply), ONE_SHARE_PRICE]);

      // Half the time, half the fee.
      await time.increaseTo(t1 + 73n * DAY + (73n * DAY) / 2n);
      const second = modelFees(USD(10_000), supply, ONE_SHARE_PRICE, (73n * DAY) / 2n, DEFAULT_RATES);
      expect(second.management).to.equal(USD(20));
      await expect(settleNav(c, 0n, { timestamp: t1 + 73n * DAY + (73n * DAY) / 2n }))
        .to.emit(c.vault, "FeesTaken")
        .withArgs(3n, USD(20), 0n, second.treasuryShares, second.operatorShares);
      expect(await c.vault.totalSupply()).to.equal(supply + second.feeShares);
    });

    it("charges the performance fee only on gains above the high-water mark", async () => {
      const c = await setup(deployWithFees);
      const { deployer } = c.f;
      const noManagement = { managementBps: 0, performanceBps: 2_000, operatorShareBps: 1_000 };
      await c.vault.setFees({ ...noManagement, treasury: deployer.address });
      const rates = { ...DEFAULT_RATES, managementBps: 0n };
      await stakedWithVenue(c);
      let supply = 10n ** 16n;
      let hwm = ONE_SHARE_PRICE;

      // +1,000 USD on 10,000: 20% of the gain above the mark.
      const gain = modelFees(USD(11_000), supply, hwm, 0n, rates);
      expect(gain.performance).to.equal(199_999_999n); // 20% of 1,000 USD, rounded down through the price
      await expect(settleNav(c, USD(9_000)))
        .to.emit(c.vault, "FeesTaken")
        .withArgs(2n, 0n, gain.performance, gain.treasuryShares, gain.operatorShares);
      supply += gain.feeShares;
      hwm = gain.highWaterMark;
      expect(hwm).to.equal(pricePerShare(USD(11_000), supply));
      expect(await highWaterMark(c)).to.equal(hwm);

      // -550 USD, then +300 USD: still under the mark, no fee and the mark stays.
      await expect(settleNav(c, USD(8_450))).not.to.emit(c.vault, "FeesTaken");
      await expect(settleNav(c, USD(8_750))).not.to.emit(c.vault, "FeesTaken");
      expect(await highWaterMark(c)).to.equal(hwm);

      // +600 USD back above the mark: the fee is on the part above the mark only.
      const above = modelFees(USD(11_350), supply, hwm, 0n, rates);
      expect(above.performance).to.be.greaterThan(0n);
      expect(above.performance).to.be.lessThan((USD(600) * 2_000n) / 10_000n);
      await expect(settleNav(c, USD(9_350)))
        .to.emit(c.vault, "FeesTaken")
        .withArgs(5n, 0n, above.performance, above.treasuryShares, above.operatorShares);
      expect(await c.vault.totalSupply()).to.equal(supply + above.feeShares);
      expect(await highWaterMark(c)).to.equal(above.highWaterMark);
    });

    it("splits fee shares between the treasury and the operator bond contract", async () => {
      const c = await setup(deployWithFees);
      const { deployer } = c.f;
      const bonds = await c.bonds.getAddress();
      await stakedWithVenue(c);
      const t1 = await lastNavTimestamp(c);
      await time.increaseTo(t1 + 30n * DAY);
      const rates = await feeRates(c);
      const out = modelFees(USD(11_000), 10n ** 16n, ONE_SHARE_PRICE, 30n * DAY, rates);
      expect(out.management).to.be.greaterThan(0n);
      expect(out.performance).to.be.greaterThan(0n);
      const tx = settleNav(c, USD(9_000), { timestamp: t1 + 30n * DAY });
      await expect(tx)
        .to.emit(c.vault, "FeesTaken")
        .withArgs(2n, out.management, out.performance, out.treasuryShares, out.operatorShares);
      await expect(tx).to.changeTokenBalances(
        ethers,
        c.vault,
        [deployer.address, bonds],
        [out.treasuryShares, out.operatorShares],
      );

      // Without an operator-rewards address the operators' part goes to the treasury.
      await expect(c.vault.setOperatorRewards(ZeroAddress))
        .to.emit(c.vault, "OperatorRewardsSet")
        .withArgs(ZeroAddress);
      await time.increaseTo(t1 + 60n * DAY);
      const supply = 10n ** 16n + out.feeShares;
      const next = modelFees(USD(11_000), supply, out.highWaterMark, 30n * DAY, rates);
      await expect(settleNav(c, USD(9_000), { timestamp: t1 + 60n * DAY })).to.changeTokenBalances(
        ethers,
        c.vault,
        [deployer.address, bonds],
        [next.feeShares, 0n],
      );
    });

    it("charges no performance fee on the entry price of the first holders after a dust donation", async () => {
      const c = await setup(deployWithFees);
      const { alice, carol } = c.f;
      // Anyone (a fee recipient, say) donates 1 unit while no shares exist.
      await c.asset.mint(carol.address, 1n);
      await c.asset.connect(carol).transfer(c.vaultAddr, 1n);
      await requestDeposit(c, alice, USD(10_000));
      await settleNav(c, 0n);
      // Alice enters at (1 + 1) / (0 + 1e6): the entry price is the mark her gains are measured from.
      const entry = pricePerShare(1n, 0n);
      expect(entry).to.equal(2n * ONE_SHARE_PRICE);
      const shares = sharesFor(USD(10_000), 1n, 0n);
      expect(await c.vault.claimableDepositRequest(alice.address)).to.deep.equal([USD(10_000), shares]);
      expect(await highWaterMark(c)).to.equal(entry);

      // No P&L and no time: nothing to charge.
      const last = await lastNavTimestamp(c);
      await expect(settleNav(c, 0n, { timestamp: last })).not.to.emit(c.vault, "FeesTaken");
      expect(await c.vault.totalSupply()).to.equal(shares);
      expect(await c.vault.convertToAssets(shares)).to.equal(assetsFor(shares, USD(10_000) + 1n, shares));
    });

    it("measures new holders of a vault emptied by redemptions from their entry price, not the old mark", async () => {
      const c = await setup(deployWithFees);
      const { alice, bob, custodian, deployer: treasury } = c.f;
      await c.vault.setFees({
        managementBps: 0,
        performanceBps: 2_000,
        operatorShareBps: 0,
        treasury: treasury.address,
      });
      await stakedWithVenue(c);
      const t1 = await lastNavTimestamp(c);
      // +10%: a performance fee is taken and the mark rises; then every holder leaves.
      await expect(settleNav(c, USD(9_000), { timestamp: t1 })).to.emit(c.vault, "FeesTaken");
      const oldMark = await highWaterMark(c);
      await c.asset.mint(custodian.address, USD(1_000));
      await c.asset.connect(custodian).approve(c.vaultAddr, USD(9_000));
      await c.vault.connect(custodian).returnFromVenue(USD(9_000), VENUE_REF);
      for (const holder of [alice, treasury]) {
        const shares: bigint = await c.vault.balanceOf(holder.address);
        await c.vault.connect(holder).requestRedeem(shares, holder.address, holder.address);
      }
      await settleNav(c, 0n, { timestamp: t1 });
      expect(await c.vault.totalSupply()).to.equal(0n);
      const dust: bigint = await c.vault.totalAssets(); // rounding left behind, owned by the virtual shares
      expect(dust).to.be.greaterThan(0n);
      const entry = pricePerShare(dust, 0n);
      expect(entry).to.be.greaterThan(oldMark);

      await requestDeposit(c, bob, USD(10_000));
      await settleNav(c, 0n, { timestamp: t1 });
      const shares = sharesFor(USD(10_000), dust, 0n);
      expect(await c.vault.claimableDepositRequest(bob.address)).to.deep.equal([USD(10_000), shares]);
      expect(await highWaterMark(c)).to.equal(entry);
      // No P&L: bob pays no performance fee and keeps his deposit (less rounding).
      await expect(settleNav(c, 0n, { timestamp: t1 })).not.to.emit(c.vault, "FeesTaken");
      expect(await c.vault.totalSupply()).to.equal(shares);
      expect(USD(10_000) - (await c.vault.convertToAssets(shares))).to.be.lessThan(10n);
    });

    it("setFees rejects rates above the hard caps and a zero treasury", async () => {
      const c = await setup();
      const treasury = c.f.deployer.address;
      const ok = { managementBps: 500, performanceBps: 3_000, operatorShareBps: 10_000, treasury };
      await expect(c.vault.setFees({ ...ok, managementBps: 501 }))
        .to.be.revertedWithCustomError(c.vault, "SigilVaultFeeAboveCap")
        .withArgs(encodeBytes32String("management"));
      await expect(c.vault.setFees({ ...ok, performanceBps: 3_001 }))
        .to.be.revertedWithCustomError(c.vault, "SigilVaultFeeAboveCap")
        .withArgs(encodeBytes32String("performance"));
      await expect(c.vault.setFees({ ...ok, operatorShareBps: 10_001 }))
        .to.be.revertedWithCustomError(c.vault, "SigilVaultFeeAboveCap")
        .withArgs(encodeBytes32String("operatorShare"));
      await expect(c.vault.setFees({ ...ok, treasury: ZeroAddress })).to.be.revertedWithCustomError(
        c.vault,
        "SigilVaultZeroAddress",
      );
      await expect(c.vault.setFees(ok))
        .to.emit(c.vault, "FeesSet")
        .withArgs([500n, 3_000n, 10_000n, treasury]);
      expect(await c.vault.fees()).to.deep.equal([500n, 3_000n, 10_000n, treasury]);
    });
  });

  describe("breakers", () => {
    it("trips ReduceOnly when the price falls more than maxDailyLossBps within the day", async () => {
      const c = await setup();
      await stakedWithVenue(c);
      // 10% of 10,000 USD exactly: (9e9 + 1) / (1e16 + 1e6) is not below 90% of the day's start price.
      expect(dropBeyond(ONE_SHARE_PRICE, pricePerShare(USD(9_000), 10n ** 16n), 1_000n)).to.equal(false);
      await expect(settleNav(c, USD(7_000))).not.to.emit(c.policy, "KillLevelChanged");
      expect(await c.policy.killLevel()).to.equal(KILL.Normal);
      // One unit more is.
      expect(dropBeyond(ONE_SHARE_PRICE, pricePerShare(USD(9_000) - 1n, 10n ** 16n), 1_000n)).to.equal(true);
      await expect(settleNav(c, USD(7_000) - 1n))
        .to.emit(c.policy, "KillLevelChanged")
        .withArgs(KILL.Normal, KILL.ReduceOnly, encodeBytes32String("daily-loss"), c.vaultAddr);
      expect(await c.policy.killLevel()).to.equal(KILL.ReduceOnly);
      // The settlement itself went through.
      expect(await c.vault.offchainEquity()).to.equal(USD(7_000) - 1n);
    });

    it("trips Flatten when the drawdown from the high-water mark passes maxDrawdownBps, even across days", async () => {
      const c = await setup();
      await stakedWithVenue(c);
      const idle = USD(2_000);
      let total = USD(10_000);
      // Lose 8% a day: under the 10% daily limit every day, past the 30% drawdown on the fifth.
      for (let day = 1; day <= 5; day++) {
        await time.increase(DAY + 60n);
        const prevPps = pricePerShare(total, 10n ** 16n);
        total = (total * 92n) / 100n;
        const pps = pricePerShare(total, 10n ** 16n);
        expect(dropBeyond(prevPps, pps, 1_000n)).to.equal(false);
        const flatten = dropBeyond(ONE_SHARE_PRICE, pps, 3_000n);
        expect(flatten).to.equal(day === 5);
        const tx = settleNav(c, total - idle);
        if (flatten) {
          await expect(tx)
            .to.emit(c.policy, "KillLevelChanged")
            .withArgs(KILL.Normal, KILL.Flatten, encodeBytes32String("drawdown"), c.vaultAddr);
        } else {
          await expect(tx).not.to.emit(c.policy, "KillLevelChanged");
        }
      }
      expect(await c.policy.killLevel()).to.equal(KILL.Flatten);
      // Flatten closes new deposits; redemptions stay open.
      await fund(c.f, c.f.bob, USD(1));
      await expect(
        c.vault.connect(c.f.bob).requestDeposit(USD(1), c.f.bob.address),
      ).to.be.revertedWithCustomError(c.vault, "SigilVaultDepositsPaused");
      await expect(
        c.vault.connect(c.f.alice).requestRedeem(1n, c.f.alice.address, c.f.alice.address),
      ).to.emit(c.vault, "RedeemRequested");
    });
  });

  describe("custody", () => {
    it("sendToVenue moves idle assets to the custodian and books them as off-chain equity", async () => {
      const c = await setup();
      const { custodian } = c.f;
      await stake(c, [[c.f.alice, USD(10_000)]]);
      const tx = c.vault.connect(custodian).sendToVenue(USD(8_000), REF);
      await expect(tx)
        .to.emit(c.vault, "CustodySent")
        .withArgs(custodian.address, USD(8_000), USD(8_000), REF);
      await expect(tx).to.changeTokenBalances(
        ethers,
        c.asset,
        [c.vaultAddr, custodian],
        [-USD(8_000), USD(8_000)],
      );
      expect(await c.vault.offchainEquity()).to.equal(USD(8_000));
      expect(await c.vault.totalAssets()).to.equal(USD(10_000));
    });

    it("sendToVenue stays within maxOffchainBps of total assets", async () => {
      const c = await setup();
      await stake(c, [[c.f.alice, USD(10_000)]]);
      await c.vault.connect(c.f.custodian).sendToVenue(USD(8_000), REF);
      await expect(c.vault.connect(c.f.custodian).sendToVenue(1n, REF))
        .to.be.revertedWithCustomError(c.vault, "SigilVaultOffchainLimit")
        .withArgs(USD(8_000) + 1n, USD(8_000));
    });

    it("sendToVenue cannot touch pending deposits or assets reserved for redemptions", async () => {
      const c = await setup();
      const { alice, bob, custodian, deployer } = c.f;
      await requestDeposit(c, bob, USD(500));
      await expect(c.vault.connect(custodian).sendToVenue(1n, REF))
        .to.be.revertedWithCustomError(c.vault, "SigilVaultInsufficientIdle")
        .withArgs(1n, 0n);
      await c.vault.connect(bob).cancelDepositRequest();

      // With the off-chain limit at 100%, idle is the binding limit.
      const limits = await c.policy.limits();
      await c.policy.connect(deployer).setLimits({ ...limits.toObject(), maxOffchainBps: 10_000 });
      await stake(c, [[alice, USD(1_000)]]);
      await c.vault.connect(alice).requestRedeem(4n * 10n ** 14n, alice.address, alice.address);
      await settleNav(c); // reserves 400 USD
      expect(await c.vault.reservedAssets()).to.equal(USD(400));
      await expect(c.vault.connect(custodian).sendToVenue(USD(600) + 1n, REF))
        .to.be.revertedWithCustomError(c.vault, "SigilVaultInsufficientIdle")
        .withArgs(USD(600) + 1n, USD(600));
      await c.vault.connect(custodian).sendToVenue(USD(600), REF);
      await expect(c.vault.connect(alice).claimRedeem(alice.address)).to.changeTokenBalances(
        ethers,
        c.asset,
        [alice],
        [USD(400)],
      );
    });

    it("returnFromVenue pulls assets back from the custodian and reduces off-chain equity, floored at zero", async () => {
      const c = await setup();
      const { custodian } = c.f;
      await stakedWithVenue(c);
      await c.asset.connect(custodian).approve(c.vaultAddr, USD(8_000));
      const tx = c.vault.connect(custodian).returnFromVenue(USD(3_000), REF);
      await expect(tx)
        .to.emit(c.vault, "CustodyReturned")
        .withArgs(custodian.address, USD(3_000), USD(5_000), REF);
      await expect(tx).to.changeTokenBalances(
        ethers,
        c.asset,
        [custodian, c.vaultAddr],
        [-USD(3_000), USD(3_000)],
      );
      expect(await c.vault.totalAssets()).to.equal(USD(10_000));

      // Returning more than booked (a realised gain) books the excess as idle assets.
      await fund(c.f, custodian, USD(500));
      await c.asset.connect(custodian).approve(c.vaultAddr, USD(5_500));
      await expect(c.vault.connect(custodian).returnFromVenue(USD(5_500), REF))
        .to.emit(c.vault, "CustodyReturned")
        .withArgs(custodian.address, USD(5_500), 0n, REF);
      expect(await c.vault.offchainEquity()).to.equal(0n);
      expect(await c.vault.totalAssets()).to.equal(USD(10_500));
    });

    it("rejects zero amounts and callers without CUSTODIAN_ROLE", async () => {
      const c = await setup();
      const { alice, custodian } = c.f;
      const role = await c.vault.CUSTODIAN_ROLE();
      await stake(c, [[alice, USD(100)]]);
      await expect(c.vault.connect(alice).sendToVenue(1n, REF))
        .to.be.revertedWithCustomError(c.vault, "AccessControlUnauthorizedAccount")
        .withArgs(alice.address, role);
      await expect(c.vault.connect(alice).returnFromVenue(1n, REF))
        .to.be.revertedWithCustomError(c.vault, "AccessControlUnauthorizedAccount")
        .withArgs(alice.address, role);
      await expect(c.vault.connect(custodian).sendToVenue(0n, REF)).to.be.revertedWithCustomError(
        c.vault,
        "SigilVaultZeroAmount",
      );
      await expect(c.vault.connect(custodian).returnFromVenue(0n, REF)).to.be.revertedWithCustomError(
        c.vault,
        "SigilVaultZeroAmount",
      );
    });
  });

  describe("governance setters", () => {
    it("governance sets the cap, the NAV TTL, fees and the operator-rewards address", async () => {
      const c = await setup();
      await expect(c.vault.setCap(USD(42)))
        .to.emit(c.vault, "CapSet")
        .withArgs(USD(42));
      await expect(c.vault.setNavTtl(3_600n)).to.emit(c.vault, "NavTtlSet").withArgs(3_600n);
      expect(await c.vault.parameters()).to.deep.equal([USD(42), 3_600n, false]);
      await expect(c.vault.setOperatorRewards(c.f.carol.address))
        .to.emit(c.vault, "OperatorRewardsSet")
        .withArgs(c.f.carol.address);
    });

    it("rejects every setter from an account without GOVERNANCE_ROLE, including the guardian", async () => {
      const c = await setup();
      const role = await c.vault.GOVERNANCE_ROLE();
      const fees = { managementBps: 0, performanceBps: 0, operatorShareBps: 0, treasury: c.f.alice.address };
      for (const who of [c.f.alice, c.f.guardian, c.f.custodian]) {
        const v = c.vault.connect(who);
        for (const call of [
          () => v.setFees(fees),
          () => v.setOperatorRewards(who.address),
          () => v.setCap(1n),
          () => v.setNavTtl(1n),
          () => v.unpauseDeposits(),
        ]) {
          await expect(call())
            .to.be.revertedWithCustomError(c.vault, "AccessControlUnauthorizedAccount")
            .withArgs(who.address, role);
        }
      }
    });

    it("only the guardian pauses deposits", async () => {
      const c = await setup();
      const role = await c.vault.GUARDIAN_ROLE();
      for (const who of [c.f.alice, c.f.deployer, c.f.custodian]) {
        await expect(c.vault.connect(who).pauseDeposits())
          .to.be.revertedWithCustomError(c.vault, "AccessControlUnauthorizedAccount")
          .withArgs(who.address, role);
      }
    });

    it("a new NAV TTL applies to freshness at once", async () => {
      const c = await setup();
      await stakedWithVenue(c);
      await time.increase(3_600n);
      expect(await c.vault.isNavFresh()).to.equal(true);
      await c.vault.setNavTtl(60n);
      expect(await c.vault.isNavFresh()).to.equal(false);
    });
  });

  describe("ERC-4626 surface", () => {
    it("the synchronous entry points and previews revert with SigilVaultAsyncOnly", async () => {
      const c = await setup();
      const { alice } = c.f;
      await stake(c, [[alice, USD(100)]]);
      const v = c.vault.connect(alice);
      for (const call of [
        () => v.deposit(1n, alice.address),
        () => v.mint(1n, alice.address),
        () => v.withdraw(1n, alice.address, alice.address),
        () => v.redeem(1n, alice.address, alice.address),
        () => v.previewDeposit(1n),
        () => v.previewMint(1n),
        () => v.previewWithdraw(1n),
        () => v.previewRedeem(1n),
      ]) {
        await expect(call()).to.be.revertedWithCustomError(c.vault, "SigilVaultAsyncOnly");
      }
    });

    it("max* return 0 for everyone", async () => {
      const c = await setup();
      const { alice } = c.f;
      await stake(c, [[alice, USD(100)]]);
      for (const who of [alice.address, c.f.bob.address]) {
        expect(await c.vault.maxDeposit(who)).to.equal(0n);
        expect(await c.vault.maxMint(who)).to.equal(0n);
        expect(await c.vault.maxWithdraw(who)).to.equal(0n);
        expect(await c.vault.maxRedeem(who)).to.equal(0n);
      }
    });

    it("convertToShares/convertToAssets use the same virtual-share price, rounding down", async () => {
      const c = await setup();
      await stakedWithVenue(c);
      await settleNav(c, USD(8_500));
      expect(await c.vault.convertToShares(USD(7))).to.equal(sharesFor(USD(7), USD(10_500), 10n ** 16n));
      expect(await c.vault.convertToAssets(10n ** 13n)).to.equal(
        assetsFor(10n ** 13n, USD(10_500), 10n ** 16n),
      );
    });
  });

  describe("views", () => {
    it("track a request through pending, claimable and claimed, with price, reserve and freshness", async () => {
      const c = await setup();
      const { alice, bob, custodian } = c.f;
      await requestDeposit(c, alice, USD(10_000));
      await requestDeposit(c, bob, USD(2_000));
      expect(await c.vault.pendingTotals()).to.deep.equal([USD(12_000), 0n]);
      await settleNav(c);
      const t1 = await lastNavTimestamp(c);
      expect(await c.vault.pendingDepositRequest(alice.address)).to.equal(0n);
      expect(await c.vault.claimableDepositRequest(alice.address)).to.deep.equal([USD(10_000), 10n ** 16n]);
      expect(await c.vault.claimableDepositRequest(bob.address)).to.deep.equal([USD(2_000), 2n * 10n ** 15n]);
      expect(await c.vault.lastNav()).to.deep.equal([USD(12_000), t1]);
      expect(await c.vault.currentEpoch()).to.equal(2n);
      await c.vault.connect(alice).claimDeposit(alice.address);
      await c.vault.connect(custodian).sendToVenue(USD(9_000), REF);
      expect(await c.vault.offchainEquity()).to.equal(USD(9_000));
      expect(await c.vault.totalAssets()).to.equal(USD(12_000));

      await c.vault.connect(alice).requestRedeem(10n ** 15n, alice.address, alice.address);
      expect(await c.vault.pendingRedeemRequest(alice.address)).to.equal(10n ** 15n);
      expect(await c.vault.pendingTotals()).to.deep.equal([0n, 10n ** 15n]);
      await settleNav(c, USD(10_200)); // +1,200 USD on 12,000 USD: price up 10%
      const owed = assetsFor(10n ** 15n, USD(13_200), 12n * 10n ** 15n);
      expect(await c.vault.currentRedeemBatch()).to.equal(2n);
      expect(await c.vault.navSequence()).to.equal(2n);
      expect(await c.vault.pendingRedeemRequest(alice.address)).to.equal(0n);
      expect(await c.vault.claimableRedeemRequest(alice.address)).to.deep.equal([10n ** 15n, owed]);
      expect(await c.vault.reservedAssets()).to.equal(owed);
      const supply = 11n * 10n ** 15n;
      expect(await c.vault.totalSupply()).to.equal(supply);
      expect(await c.vault.totalAssets()).to.equal(USD(13_200) - owed);
      expect(await c.vault.sharePrice()).to.deep.equal([
        pricePerShare(USD(13_200) - owed, supply),
        pricePerShare(USD(13_200), 12n * 10n ** 15n),
      ]);
      expect(await c.vault.isNavFresh()).to.equal(true);
      await time.increase(TTL + 1n);
      expect(await c.vault.isNavFresh()).to.equal(false);
    });
  });

  describe("invariants", () => {
    /** A small deterministic PRNG (mulberry32) so a failure reproduces. */
    function prng(seed: number) {
      let a = seed >>> 0;
      return (n: number): number => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) % n;
      };
    }

    it("over 15 random epochs every settlement matches the model and the vault stays solvent", async () => {
      const c = await setup(deployWithFees);
      const rand = prng(7);
      const { custodian } = c.f;
      const actors = [c.f.alice, c.f.bob, c.f.carol, c.f.others[0]!, c.f.others[1]!];
      const holders = [...actors.map((a) => a.address), c.f.deployer.address, await c.bonds.getAddress()];
      let deferrals = 0;
      let fulfilments = 0;
      for (let epoch = 1n; epoch <= 15n; epoch++) {
        for (const a of actors) {
          const [, claimableShares] = await c.vault.claimableDepositRequest(a.address);
          if (claimableShares > 0n) await c.vault.connect(a).claimDeposit(a.address);
          const [, claimableAssets] = await c.vault.claimableRedeemRequest(a.address);
          if (claimableAssets > 0n) await c.vault.connect(a).claimRedeem(a.address);
          const action = rand(3);
          const balance: bigint = await c.vault.balanceOf(a.address);
          if (action === 0) await requestDeposit(c, a, USD(100 + rand(5_000)));
          if (action === 1 && balance > 0n) {
            const shares = (balance * BigInt(1 + rand(100))) / 100n;
            if (shares > 0n) await c.vault.connect(a).requestRedeem(shares, a.address, a.address);
          }
        }
        // The custodian moves funds either way within its limits.
        const total: bigint = await c.vault.totalAssets();
        const offchain: bigint = await c.vault.offchainEquity();
        const limit = (total * 8_000n) / 10_000n;
        if (rand(2) === 0 && limit > offchain) {
          const idle = total - offchain;
          const amount = ((limit - offchain < idle ? limit - offchain : idle) * BigInt(rand(101))) / 100n;
          if (amount > 0n) await c.vault.connect(custodian).sendToVenue(amount, REF);
        } else if (offchain > 0n) {
          const amount = (offchain * BigInt(rand(101))) / 100n;
          if (amount > 0n) {
            // The venue account holds what the reports say (gains included).
            const held: bigint = await c.asset.balanceOf(custodian.address);
            if (held < amount) await c.asset.mint(custodian.address, amount - held);
            await c.asset.connect(custodian).approve(c.vaultAddr, amount);
            await c.vault.connect(custodian).returnFromVenue(amount, REF);
          }
        }

        // The venue moves between -3% and +5%; time passes between 1 hour and 1 day.
        const venueBefore: bigint = await c.vault.offchainEquity();
        const venue = (venueBefore * BigInt(9_700 + rand(801))) / 10_000n;
        const last = await lastNavTimestamp(c);
        const ts = (await now(ethers)) + 3_600n + BigInt(rand(86_400 - 3_600));
        await time.increaseTo(ts);
        const [depositAssets, redeemShares] = await c.vault.pendingTotals();
        const out = settlement({
          idle: (await c.vault.totalAssets()) - venueBefore,
          venueEquity: venue,
          supply: await c.vault.totalSupply(),
          highWaterMark: await highWaterMark(c),
          elapsed: last === 0n ? 0n : ts - last,
          rates: DEFAULT_RATES,
          depositAssets,
          redeemShares,
        });
        const { report, signatures, hash } = await signedNav(c, venue, { timestamp: ts });
        const tx = c.vault.settle(report, signatures);
        await expect(tx)
          .to.emit(c.vault, "EpochSettled")
          .withArgs(
            epoch,
            epoch,
            hash,
            out.totalAssets,
            out.totalSupply,
            out.pps,
            depositAssets,
            out.depositShares,
            out.redeemShares,
            out.redeemAssets,
          );
        if (out.fees.charged) {
          await expect(tx)
            .to.emit(c.vault, "FeesTaken")
            .withArgs(
              epoch,
              out.fees.management,
              out.fees.performance,
              out.fees.treasuryShares,
              out.fees.operatorShares,
            );
        }
        if (redeemShares > 0n && !out.redeemFulfilled) {
          deferrals++;
          await expect(tx)
            .to.emit(c.vault, "RedemptionsDeferred")
            .withArgs(anyValue, redeemShares, out.redeemAssetsNeeded, out.idleForRedemptions);
        }
        if (out.redeemFulfilled) fulfilments++;
        expect(await highWaterMark(c)).to.equal(out.fees.highWaterMark);

        // Solvency: the balance covers pending deposits, reserved redemptions and idle assets exactly,
        // and no holder can claim more than the vault holds.
        const balance: bigint = await c.asset.balanceOf(c.vaultAddr);
        const [pendingAssets, pendingShares] = await c.vault.pendingTotals();
        const reserved: bigint = await c.vault.reservedAssets();
        const assets: bigint = await c.vault.totalAssets();
        expect(balance).to.equal(assets - venue + pendingAssets + reserved);
        let owedRedeem = 0n;
        let owedShares = 0n;
        let held = 0n;
        for (const a of actors) {
          owedRedeem += (await c.vault.claimableRedeemRequest(a.address))[1] as bigint;
          owedShares += (await c.vault.claimableDepositRequest(a.address))[1] as bigint;
        }
        for (const h of holders) held += await c.vault.balanceOf(h);
        expect(owedRedeem).to.be.lessThanOrEqual(reserved);
        expect(owedShares + pendingShares).to.be.lessThanOrEqual(await c.vault.balanceOf(c.vaultAddr));
        const supply: bigint = await c.vault.totalSupply();
        expect(held + owedShares + pendingShares).to.be.lessThanOrEqual(supply);
        expect(assetsFor(supply, assets, supply)).to.be.lessThanOrEqual(assets);
      }
      expect(await c.policy.killLevel()).to.equal(KILL.Normal);
      // The seed exercises both paths.
      expect(deferrals).to.be.greaterThan(0);
      expect(fulfilments).to.be.greaterThan(0);
    });
  });
});
