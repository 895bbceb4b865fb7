import { expect } from "chai";
import { network } from "hardhat";
import { encodeBytes32String, id, toBeHex, ZeroAddress, ZeroHash } from "ethers";
import { deployFixture, now, operatorWallets, USD } from "../helpers/sigilFixture.js";
import { settleNav, signedNav, stake, vaultCtx, type VaultCtx } from "../helpers/vaultActions.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, mine, time } = networkHelpers;

const State = { Pending: 0n, Active: 1n, Defeated: 3n, Succeeded: 4n, Queued: 5n, Executed: 7n };
const KILL = { Normal: 0n, ReduceOnly: 2n };

async function deployHandedOver() {
  return deployFixture(ethers, { overrides: { handOverToTimelock: true } });
}

/** Hand-over deployment with alice (1,000 USD) and bob (9,000 USD) holding delegated shares. */
async function deployWithVoters() {
  const f = await deployHandedOver();
  const c = await vaultCtx(f);
  await stake(c, [
    [f.alice, USD(1_000)],
    [f.bob, USD(9_000)],
  ]);
  await c.vault.connect(f.alice).delegate(f.alice.address);
  await c.vault.connect(f.bob).delegate(f.bob.address);
  return f;
}

interface Proposal {
  targets: string[];
  values: bigint[];
  calldatas: string[];
  description: string;
}

async function propose(c: VaultCtx, p: Proposal): Promise<bigint> {
  await c.governor.connect(c.f.alice).propose(p.targets, p.values, p.calldatas, p.description);
  return c.governor.hashProposal(p.targets, p.values, p.calldatas, id(p.description));
}

describe("governance", () => {
  describe("SigilGovernor + SigilTimelock", () => {
    it("loosens a risk limit, replaces the oracle operator set and changes fees: propose, vote, queue, delay, execute", async () => {
      const f = await loadFixture(deployWithVoters);
      const c = await vaultCtx(f);
      const timelock = await c.timelock.getAddress();
      const limits = (await c.policy.limits()).toObject();
      const looser = { ...limits, maxGrossBps: 15_000n, maxDailyLossBps: 1_500n };
      const newOperators = operatorWallets(5);
      const sorted = newOperators.map((w) => w.address).sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : 1));
      const newFees = {
        managementBps: 100n,
        performanceBps: 1_500n,
        operatorShareBps: 2_000n,
        treasury: f.carol.address,
      };
      const p: Proposal = {
        targets: [await c.policy.getAddress(), await c.registry.getAddress(), c.vaultAddr],
        values: [0n, 0n, 0n],
        calldatas: [
          c.policy.interface.encodeFunctionData("setLimits", [looser]),
          c.registry.interface.encodeFunctionData("setConfig", [sorted, 3]),
          c.vault.interface.encodeFunctionData("setFees", [newFees]),
        ],
        description: "Loosen gross and daily-loss limits, 3-of-5 oracle set, lower fees",
      };
      const proposalId = await propose(c, p);
      expect(await c.governor.state(proposalId)).to.equal(State.Pending);
      await mine(Number(await c.governor.votingDelay()) + 1);
      expect(await c.governor.state(proposalId)).to.equal(State.Active);
      await expect(c.governor.connect(f.alice).castVote(proposalId, 1))
        .to.emit(c.governor, "VoteCast")
        .withArgs(f.alice.address, proposalId, 1n, 10n ** 15n, "");
      await expect(c.governor.connect(f.bob).castVote(proposalId, 1))
        .to.emit(c.governor, "VoteCast")
        .withArgs(f.bob.address, proposalId, 1n, 9n * 10n ** 15n, "");
      await mine(Number(await c.governor.votingPeriod()));
      expect(await c.governor.state(proposalId)).to.equal(State.Succeeded);
      const descriptionHash = id(p.description);

      // Not executable before it is queued, nor before the timelock delay has passed.
      await expect(c.governor.execute(p.targets, p.values, p.calldatas, descriptionHash))
        .to.be.revertedWithCustomError(c.governor, "GovernorUnexpectedProposalState")
        .withArgs(proposalId, State.Succeeded, toBeHex(1n << State.Queued, 32));
      await c.governor.queue(p.targets, p.values, p.calldatas, descriptionHash);
      expect(await c.governor.state(proposalId)).to.equal(State.Queued);
      await expect(
        c.governor.execute(p.targets, p.values, p.calldatas, descriptionHash),
      ).to.be.revertedWithCustomError(c.timelock, "TimelockUnexpectedOperationState");
      // The operator set and fees are sensitive: the minimum delay is not enough, the ETA says when.
      const queuedAt = await now(ethers);
      const sensitive = BigInt(f.options.governance.sensitiveDelaySeconds);
      expect(sensitive).to.be.greaterThan(await c.timelock.getMinDelay());
      expect(await c.governor.proposalEta(proposalId)).to.equal(queuedAt + sensitive);
      await time.increase(await c.timelock.getMinDelay());
      await expect(
        c.governor.execute(p.targets, p.values, p.calldatas, descriptionHash),
      ).to.be.revertedWithCustomError(c.timelock, "TimelockUnexpectedOperationState");
      await time.increaseTo(await c.governor.proposalEta(proposalId));
      const oldDigest = await c.registry.configDigest();
      const tx = c.governor.execute(p.targets, p.values, p.calldatas, descriptionHash);
      await expect(tx).to.emit(c.policy, "LimitsSet").withArgs(Object.values(looser), timelock);
      await expect(tx).to.emit(c.registry, "ConfigSet");
      await expect(tx).to.emit(c.vault, "FeesSet").withArgs(Object.values(newFees));
      expect(await c.governor.state(proposalId)).to.equal(State.Executed);

      expect((await c.policy.limits()).toObject()).to.deep.equal(looser);
      expect(await c.registry.operators()).to.deep.equal(sorted);
      expect(await c.registry.threshold()).to.equal(3n);
      expect(await c.registry.configVersion()).to.equal(2n);
      expect(await c.vault.fees()).to.deep.equal(Object.values(newFees));

      // The old operators' reports die with the old configuration; the new set settles with 3 signatures.
      const stale = await signedNav(c, 0n, { configDigest: oldDigest }, f.operators);
      await expect(c.vault.settle(stale.report, stale.signatures))
        .to.be.revertedWithCustomError(c.registry, "OracleRegistryConfigDigestMismatch")
        .withArgs(await c.registry.configDigest(), oldDigest);
      const fresh = await signedNav(c, 0n, {}, newOperators.slice(0, 3));
      await expect(c.vault.settle(fresh.report, fresh.signatures)).to.emit(c.vault, "EpochSettled");
    });

    it("a proposal without a majority is defeated and cannot be queued", async () => {
      const f = await loadFixture(deployWithVoters);
      const c = await vaultCtx(f);
      const limits = (await c.policy.limits()).toObject();
      const p: Proposal = {
        targets: [await c.policy.getAddress()],
        values: [0n],
        calldatas: [
          c.policy.interface.encodeFunctionData("setLimits", [{ ...limits, maxGrossBps: 20_000n }]),
        ],
        description: "Raise gross to 2x",
      };
      const proposalId = await propose(c, p);
      await mine(Number(await c.governor.votingDelay()) + 1);
      await c.governor.connect(f.alice).castVote(proposalId, 1);
      await c.governor.connect(f.bob).castVote(proposalId, 0);
      await mine(Number(await c.governor.votingPeriod()));
      expect(await c.governor.state(proposalId)).to.equal(State.Defeated);
      await expect(
        c.governor.queue(p.targets, p.values, p.calldatas, id(p.description)),
      ).to.be.revertedWithCustomError(c.governor, "GovernorUnexpectedProposalState");
      expect((await c.policy.limits()).maxGrossBps).to.equal(limits.maxGrossBps);
    });
  });

  describe("hand-over", () => {
    it("leaves the deployer no admin or governance role on the registry, policy, vault, bonds or timelock", async () => {
      const f = await loadFixture(deployHandedOver);
      const c = await vaultCtx(f);
      const me = f.deployer.address;
      const timelock = await c.timelock.getAddress();
      for (const contract of [c.registry, c.policy, c.vault, c.bonds]) {
        const admin = await contract.DEFAULT_ADMIN_ROLE();
        const governance = await contract.GOVERNANCE_ROLE();
        expect(await contract.hasRole(admin, me)).to.equal(false);
        expect(await contract.hasRole(governance, me)).to.equal(false);
        expect(await contract.hasRole(admin, timelock)).to.equal(true);
        expect(await contract.hasRole(governance, timelock)).to.equal(true);
      }
      const governor = await c.governor.getAddress();
      for (const role of ["DEFAULT_ADMIN_ROLE", "PROPOSER_ROLE", "CANCELLER_ROLE"] as const) {
        const r = await c.timelock[role]();
        expect(await c.timelock.hasRole(r, me)).to.equal(false);
      }
      expect(await c.timelock.hasRole(await c.timelock.PROPOSER_ROLE(), governor)).to.equal(true);
      expect(await c.timelock.hasRole(await c.timelock.CANCELLER_ROLE(), governor)).to.equal(true);
      expect(await c.timelock.hasRole(await c.timelock.EXECUTOR_ROLE(), ZeroAddress)).to.equal(true);
      expect(await c.timelock.hasRole(await c.timelock.DEFAULT_ADMIN_ROLE(), timelock)).to.equal(true);
    });

    it("rejects the deployer's direct governance calls", async () => {
      const f = await loadFixture(deployHandedOver);
      const c = await vaultCtx(f);
      const me = f.deployer.address;
      const limits = (await c.policy.limits()).toObject();
      await expect(c.policy.setLimits({ ...limits, maxGrossBps: 20_000n }))
        .to.be.revertedWithCustomError(c.policy, "AccessControlUnauthorizedAccount")
        .withArgs(me, await c.policy.GOVERNANCE_ROLE());
      await expect(c.registry.setConfig([f.alice.address], 1))
        .to.be.revertedWithCustomError(c.registry, "AccessControlUnauthorizedAccount")
        .withArgs(me, await c.registry.GOVERNANCE_ROLE());
      await expect(
        c.vault.setFees({ managementBps: 0, performanceBps: 0, operatorShareBps: 0, treasury: me }),
      )
        .to.be.revertedWithCustomError(c.vault, "AccessControlUnauthorizedAccount")
        .withArgs(me, await c.vault.GOVERNANCE_ROLE());
      await expect(c.vault.unpauseDeposits())
        .to.be.revertedWithCustomError(c.vault, "AccessControlUnauthorizedAccount")
        .withArgs(me, await c.vault.GOVERNANCE_ROLE());
      await expect(c.bonds.setParams({ slashBps: 0, proverRewardBps: 0, unbondDelay: 0, treasury: me }))
        .to.be.revertedWithCustomError(c.bonds, "AccessControlUnauthorizedAccount")
        .withArgs(me, await c.bonds.GOVERNANCE_ROLE());
      await expect(c.vault.grantRole(await c.vault.GOVERNANCE_ROLE(), me))
        .to.be.revertedWithCustomError(c.vault, "AccessControlUnauthorizedAccount")
        .withArgs(me, await c.vault.DEFAULT_ADMIN_ROLE());
      await expect(c.timelock.schedule(me, 0n, "0x", ZeroHash, ZeroHash, 3_600n))
        .to.be.revertedWithCustomError(c.timelock, "AccessControlUnauthorizedAccount")
        .withArgs(me, await c.timelock.PROPOSER_ROLE());
      await expect(c.timelock.updateDelay(0n))
        .to.be.revertedWithCustomError(c.timelock, "TimelockUnauthorizedCaller")
        .withArgs(me);
    });

    it("the guardian can still tighten directly, but not loosen", async () => {
      const f = await loadFixture(deployHandedOver);
      const c = await vaultCtx(f);
      const g = f.guardian;
      const limits = (await c.policy.limits()).toObject();
      const tighter = { ...limits, maxGrossBps: 8_000n, maxOffchainBps: 5_000n };
      await expect(c.policy.connect(g).tightenLimits(tighter))
        .to.emit(c.policy, "LimitsSet")
        .withArgs(Object.values(tighter), g.address);
      await expect(c.policy.connect(g).raiseKillLevel(KILL.ReduceOnly, encodeBytes32String("guardian")))
        .to.emit(c.policy, "KillLevelChanged")
        .withArgs(KILL.Normal, KILL.ReduceOnly, encodeBytes32String("guardian"), g.address);
      const btc = (await c.policy.assetConfig(0)).toObject();
      await expect(c.policy.connect(g).tightenAsset(0, { ...btc, maxWeightBps: 2_000n })).to.emit(
        c.policy,
        "AssetSet",
      );
      await expect(c.vault.connect(g).pauseDeposits())
        .to.emit(c.vault, "DepositsPausedSet")
        .withArgs(true, g.address);
      expect((await c.policy.limits()).toObject()).to.deep.equal({ ...tighter, killLevel: KILL.ReduceOnly });
      expect((await c.policy.assetConfig(0)).maxWeightBps).to.equal(2_000n);

      await expect(c.policy.connect(g).setLimits(limits))
        .to.be.revertedWithCustomError(c.policy, "AccessControlUnauthorizedAccount")
        .withArgs(g.address, await c.policy.GOVERNANCE_ROLE());
      await expect(c.vault.connect(g).unpauseDeposits())
        .to.be.revertedWithCustomError(c.vault, "AccessControlUnauthorizedAccount")
        .withArgs(g.address, await c.vault.GOVERNANCE_ROLE());
      // Settlement keeps working under the guardian's brakes.
      await expect(settleNav(c, 0n)).to.emit(c.vault, "EpochSettled");
    });
  });
});
