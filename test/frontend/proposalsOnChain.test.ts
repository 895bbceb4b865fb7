/**
 * The dApp's proposal review against a real deployment on the in-process network (local governance
 * defaults: 10-block voting delay, 50-block vote, 20 % quorum, 1 % to propose, 1 h timelock, 2 h for
 * sensitive functions): current → new values read from the chain, which addresses are contracts, the
 * timelock operation, its real delay and ETA, and who cancelled a proposal.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { id } from "ethers";
import {
  catalogue,
  chainReaderOfProvider,
  entryById,
  knownContracts,
  lifecycleOf,
  readCurrent,
  loadFormatEnv,
  reviewProposal,
  roleId,
  timelockOperationId,
  type ChainContext,
  type FormatEnv,
  type Hex,
  type ProposalInput,
} from "../../frontend/src/lib/proposals/index.js";
import { deployFixture, operatorWallets, USD } from "../helpers/sigilFixture.js";
import { stake, vaultCtx, type VaultCtx } from "../helpers/vaultActions.js";

const { ethers, networkHelpers, provider } = await network.create();
const { loadFixture, mine, time } = networkHelpers;

/** Alice holds ~98 % of the votes (quorum alone); Carol ~2 % (enough to propose: the threshold is 1 %). */
async function deployed() {
  const f = await deployFixture(ethers, { overrides: { handOverToTimelock: true } });
  const c = await vaultCtx(f);
  await stake(c, [
    [f.alice, USD(1_000)],
    [f.carol, USD(20)],
  ]);
  await c.vault.connect(f.alice).delegate(f.alice.address);
  await c.vault.connect(f.carol).delegate(f.carol.address);
  return f;
}

async function setup() {
  const f = await loadFixture(deployed);
  const c = await vaultCtx(f);
  const contracts = knownContracts({
    vault: c.vaultAddr,
    policy: await c.policy.getAddress(),
    registry: await c.registry.getAddress(),
    bonds: await c.bonds.getAddress(),
    governor: await c.governor.getAddress(),
    timelock: await c.timelock.getAddress(),
    ledger: await c.ledger.getAddress(),
    asset: await c.asset.getAddress(),
  });
  const chain: ChainContext = { reader: chainReaderOfProvider(provider), fromBlock: 0n };
  const env: FormatEnv = await loadFormatEnv(chain.reader, contracts, {
    deployer: f.deployer.address,
    guardian: f.guardian.address,
    custodian: f.custodian.address,
    custodyReturnSeconds: f.options.custody.returnWithinSeconds,
  });
  return { f, c, contracts, chain, env };
}

/** Mine until block `n` has passed. */
async function mineTo(n: bigint) {
  const now = BigInt(await provider.request({ method: "eth_blockNumber" }).then(String));
  if (now <= n) await mine(Number(n - now + 1n));
}

/** Alice votes for proposal `id` once voting opens; the vote then closes (quorum: Alice alone). */
async function passVote(c: VaultCtx, id: bigint) {
  await mineTo(await c.governor.proposalSnapshot(id));
  await c.governor.connect(c.f.alice).castVote(id, 1);
  await mineTo(await c.governor.proposalDeadline(id));
  expect(await c.governor.state(id)).to.equal(4n); // Succeeded
}

async function queue(c: VaultCtx, p: Omit<ProposalInput, "proposer">) {
  await c.governor.queue([...p.targets], [...p.values], [...p.calldatas], id(p.description));
  const block = await ethers.provider.getBlock("latest");
  return BigInt(block!.timestamp);
}

async function propose(c: VaultCtx, from: { address: string }, p: Omit<ProposalInput, "proposer">) {
  const signer = await ethers.getSigner(from.address);
  await c.governor.connect(signer).propose([...p.targets], [...p.values], [...p.calldatas], p.description);
  return {
    ...p,
    proposer: from.address,
    id: (await c.governor.hashProposal(
      [...p.targets],
      [...p.values],
      [...p.calldatas],
      id(p.description),
    )) as bigint,
  };
}

describe("dApp proposal review on a deployed chain", () => {
  it("the issue-10 attack: current fees and treasury → the proposed ones, the proposer named", async () => {
    const { f, c, chain, env } = await setup();
    const data = c.vault.interface.encodeFunctionData("setFees", [
      { managementBps: 500, performanceBps: 3_000, operatorShareBps: 1_000, treasury: f.carol.address },
    ]) as Hex;
    const p = await propose(c, f.carol, {
      targets: [c.vaultAddr],
      values: [0n],
      calldatas: [data],
      description: "Set the vault cap to 30,000,000 mUSD",
    });
    const r = await reviewProposal(p, env, chain);
    const changes = Object.fromEntries(
      r.actions[0]!.changes.map((x) => [x.label, `${x.current} → ${x.proposed}`]),
    );
    expect(changes["Management fee"]).to.equal("2% → 5%");
    expect(changes["Performance fee"]).to.equal("20% → 30%");
    expect(changes["Operators' share"]).to.equal("10% → 10%");
    expect(changes["Treasury"]).to.equal(
      `${f.deployer.address} (treasury, slashing treasury, deployer) → ${f.carol.address} (the proposer)`,
    );
    expect(r.actions[0]!.changes.find((x) => x.label === "Operators' share")!.changed).to.equal(false);
    expect(r.severity).to.equal("danger");
    const danger = r.warnings.filter((w) => w.severity === "danger").map((w) => w.code);
    expect(danger).to.include.members(["pays-proposer", "treasury-change", "description-names-other"]);
    expect(r.warnings.map((w) => w.code)).to.include("fee-increase");
  });

  it("reads the value in force for every setter, from its key fields alone (as the builder does)", async () => {
    const { f, contracts, chain, env } = await setup();
    const keys: Record<string, Record<string, unknown>> = {
      "policy.setAsset": { index: 1 },
      "timelock.setOperationDelay": { selector: id("setFees((uint16,uint16,uint16,address))").slice(0, 10) },
    };
    for (const entry of catalogue) {
      const k = entry.id.endsWith("Role")
        ? { role: roleId("GOVERNANCE_ROLE"), account: contracts.timelock.address }
        : (keys[entry.id] ?? {});
      const now = await readCurrent(entry, k, contracts, chain);
      const missing = entry.fields
        .filter((x) => (x.part ?? "value") === "value" && now?.[x.name] === undefined)
        .map((x) => x.name);
      expect(missing, entry.id).to.deep.equal([]);
    }
    const asset = await readCurrent(entryById("policy.setAsset")!, { index: 1 }, contracts, chain);
    expect(env.assetSymbols?.[1]).to.equal("ETH");
    expect(asset!.maxWeightBps).to.equal(4_000);
    const role = await readCurrent(
      entryById("vault.grantRole")!,
      { role: roleId("GUARDIAN_ROLE"), account: f.guardian.address },
      contracts,
      chain,
    );
    expect(role).to.deep.equal({ holds: true });
  });

  it("role grants: a key without code, the custody role, and what the account holds now", async () => {
    const { f, c, chain, env } = await setup();
    const guardianRole = c.vault.interface.encodeFunctionData("grantRole", [
      roleId("GUARDIAN_ROLE"),
      f.carol.address,
    ]);
    const custody = c.vault.interface.encodeFunctionData("grantRole", [
      roleId("CUSTODIAN_ROLE"),
      f.bob.address,
    ]);
    const p = await propose(c, f.alice, {
      targets: [c.vaultAddr, c.vaultAddr],
      values: [0n, 0n],
      calldatas: [guardianRole as Hex, custody as Hex],
      description: "Roles",
    });
    const r = await reviewProposal(p, env, chain);
    expect(r.actions[0]!.warnings.map((w) => w.code)).to.include("role-to-eoa");
    expect(r.actions[1]!.warnings.map((w) => w.code)).to.include("custody-role");
    expect(r.actions[1]!.warnings.find((w) => w.code === "custody-role")!.message).to.contain(
      "an account without code",
    );
    expect(r.actions[0]!.changes.find((x) => x.field === "holds")).to.include({
      current: "no",
      proposed: "yes",
    });
  });

  it("operator-set change: added, removed, unbonded, threshold current → new", async () => {
    const { f, c, chain, env } = await setup();
    const fresh = operatorWallets(5)
      .slice(3)
      .map((w) => w.address);
    const keep = f.operators[0]!.address;
    const set = [keep, ...fresh].sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : 1));
    const p = await propose(c, f.alice, {
      targets: [await c.registry.getAddress()],
      values: [0n],
      calldatas: [c.registry.interface.encodeFunctionData("setConfig", [set, 2]) as Hex],
      description: "Rotate two operators",
    });
    const r = await reviewProposal(p, env, chain);
    const codes = r.actions[0]!.warnings.map((w) => w.code);
    expect(codes).to.include.members(["operator-set", "operators-takeover", "operator-unbonded"]);
    const threshold = r.actions[0]!.changes.find((x) => x.field === "threshold")!;
    expect(threshold).to.include({ current: "2", proposed: "2", changed: false });
    expect(r.actions[0]!.changes.find((x) => x.field === "operators")!.current).to.contain("(operator)");
  });

  it("reads the schedule, the security council and the threshold share in force", async () => {
    const { f, contracts, chain } = await setup();
    const schedule = await readCurrent(entryById("vault.setSchedule")!, {}, contracts, chain);
    expect(schedule).to.deep.include({
      epochDuration: 60n,
      maxNavAge: 300n,
      navConfirmDelay: 600n,
      navTtl: 172_800n,
      riskWindow: 86_400n,
      minDelay: 3_600n,
    });
    expect(await readCurrent(entryById("governor.setProposalGuardian")!, {}, contracts, chain)).to.deep.equal(
      {
        value: f.guardian.address,
      },
    );
    expect(
      await readCurrent(entryById("governor.setProposalThresholdBps")!, {}, contracts, chain),
    ).to.deep.equal({ value: 100n });
    expect(
      await readCurrent(entryById("governor.setLateQuorumVoteExtension")!, {}, contracts, chain),
    ).to.deep.equal({ value: 20n, votingPeriod: 50n });
    const setFees = id("setFees((uint16,uint16,uint16,address))").slice(0, 10);
    expect(
      await readCurrent(entryById("timelock.setOperationDelay")!, { selector: setFees }, contracts, chain),
    ).to.deep.equal({ selector: setFees, delay: 7_200n, minDelay: 3_600n });
    // The fixed part of the threshold (the last ProposalThresholdSet), not the share-based one in force.
    expect(
      await readCurrent(entryById("governor.setProposalThreshold")!, {}, contracts, chain),
    ).to.deep.equal({
      value: 0n,
    });
  });

  it("the timelock operation id and delay match the chain; the security council cancels a queued proposal through the Governor", async () => {
    const { f, c, contracts, chain, env } = await setup();
    const schedule = {
      epochDuration: 60,
      maxNavAge: 300,
      navConfirmDelay: 600,
      navTtl: 3 * 86_400,
      riskWindow: 86_400,
    };
    const data = c.vault.interface.encodeFunctionData("setSchedule", [schedule]) as Hex;
    const summary =
      "Set the vault schedule: epoch duration 1 min, max NAV age 5 min, NAV confirmation delay 10 min, NAV lifetime 3 days, risk window 1 day";
    const p = await propose(c, f.alice, {
      targets: [c.vaultAddr],
      values: [0n],
      calldatas: [data],
      description: summary,
    });
    const r = await reviewProposal(p, env, chain);
    expect(r.description.matches).to.equal(true);
    expect(r.severity).to.equal("warning"); // a longer NAV lifetime loosens: flagged, not dangerous
    expect(r.actions[0]!.changes.find((x) => x.field === "navTtl")).to.include({
      current: "2 days (172,800 s)",
      proposed: "3 days (259,200 s)",
      changed: true,
    });
    await passVote(c, p.id);
    const queuedAt = await queue(c, p);
    const queued = await lifecycleOf({ ...p, state: 5 }, contracts, env, chain);
    const salt = BigInt(id(p.description)) ^ (BigInt(contracts.governor.address) << 96n);
    expect(queued.operationId).to.equal(
      await c.timelock.hashOperationBatch(
        [...p.targets],
        [...p.values],
        [...p.calldatas],
        `0x${"0".repeat(64)}`,
        `0x${salt.toString(16).padStart(64, "0")}`,
      ),
    );
    expect(queued.operationId).to.equal(timelockOperationId(contracts.governor.address, p));
    expect(queued.operationState).to.equal("Waiting");
    expect(queued.delay).to.deep.equal({ seconds: 3_600n, minDelay: 3_600n, longer: [] });
    expect(queued.eta).to.equal(queuedAt + 3_600n);

    // The security council is the Governor's proposal guardian (the guardian): it cancels through
    // governor.cancel, which emits ProposalCanceled and cancels the timelock operation.
    expect(await c.governor.proposalGuardian()).to.equal(f.guardian.address);
    await c.governor
      .connect(f.guardian)
      .cancel([...p.targets], [...p.values], [...p.calldatas], id(p.description));
    expect(await c.governor.state(p.id)).to.equal(2n);
    const cancelled = await lifecycleOf({ ...p, state: 2 }, contracts, env, chain);
    expect(cancelled.operationState).to.equal("Unset");
    expect(cancelled.cancelled).to.deep.include({ by: "security council", account: f.guardian.address });
    expect(cancelled.cancelled?.text).to.equal(
      `Cancelled by the security council (the Governor's proposal guardian ${f.guardian.address}, guardian, security council).`,
    );
  });

  it("a proposer cancelling its own pending proposal is not the security council", async () => {
    const { f, c, contracts, chain, env } = await setup();
    const data = c.vault.interface.encodeFunctionData("setCap", [USD(5_000_000)]) as Hex;
    const p = await propose(c, f.carol, {
      targets: [c.vaultAddr],
      values: [0n],
      calldatas: [data],
      description: "Set the vault cap to 5,000,000 mUSD",
    });
    await c.governor
      .connect(f.carol)
      .cancel([...p.targets], [...p.values], [...p.calldatas], id(p.description));
    const cancelled = await lifecycleOf({ ...p, state: 2 }, contracts, env, chain);
    expect(cancelled.cancelled).to.deep.include({ by: "proposer", account: f.carol.address });
    expect(cancelled.cancelled?.text).to.equal(`Cancelled by its proposer (${f.carol.address}).`);
  });

  it("requiredDelay and the ETA: a sensitive grantRole waits 2 h, a plain cap change 1 h", async () => {
    const { f, c, contracts, chain, env } = await setup();
    const grant = await propose(c, f.alice, {
      targets: [c.vaultAddr],
      values: [0n],
      calldatas: [
        c.vault.interface.encodeFunctionData("grantRole", [roleId("GUARDIAN_ROLE"), f.bob.address]) as Hex,
      ],
      description: `Grant GUARDIAN_ROLE on SigilVault to ${f.bob.address}`,
    });
    const cap = await propose(c, f.alice, {
      targets: [c.vaultAddr],
      values: [0n],
      calldatas: [c.vault.interface.encodeFunctionData("setCap", [USD(20_000_000)]) as Hex],
      description: "Set the vault cap to 20,000,000 mUSD",
    });
    // Before the vote: the delay each will wait once queued.
    const before = await lifecycleOf({ ...grant, state: 0 }, contracts, env, chain);
    expect(before.delay?.seconds).to.equal(7_200n);
    expect(before.delay?.minDelay).to.equal(3_600n);
    expect(before.delay?.longer.map((x) => [x.index, x.seconds, x.names[0]])).to.deep.equal([
      [0, 7_200n, "grantRole on SigilVault"],
    ]);
    expect(before.eta).to.equal(undefined);
    expect((await lifecycleOf({ ...cap, state: 0 }, contracts, env, chain)).delay).to.deep.equal({
      seconds: 3_600n,
      minDelay: 3_600n,
      longer: [],
    });
    expect(await c.timelock.requiredDelay([...grant.calldatas])).to.equal(7_200n);

    // Alice votes for both once the later one opens; both close.
    await mineTo(await c.governor.proposalSnapshot(cap.id));
    for (const p of [grant, cap]) await c.governor.connect(f.alice).castVote(p.id, 1);
    await mineTo(await c.governor.proposalDeadline(cap.id));
    const grantQueued = await queue(c, grant);
    const capQueued = await queue(c, cap);
    const grantEta = (await lifecycleOf({ ...grant, state: 5 }, contracts, env, chain)).eta;
    const capEta = (await lifecycleOf({ ...cap, state: 5 }, contracts, env, chain)).eta;
    // The Governor's proposalEta is the ETA the timelock scheduled, raised for the sensitive call.
    expect(grantEta).to.equal(grantQueued + 7_200n);
    expect(capEta).to.equal(capQueued + 3_600n);
    expect(grantEta).to.equal(await c.governor.proposalEta(grant.id));
    expect(capEta).to.equal(await c.governor.proposalEta(cap.id));

    // After the minimum delay the plain change executes and the sensitive one is refused; later it runs.
    const execute = (p: typeof grant) =>
      c.governor.execute([...p.targets], [...p.values], [...p.calldatas], id(p.description));
    await time.increaseTo(capEta!);
    await execute(cap);
    expect((await c.vault.parameters())[0]).to.equal(USD(20_000_000));
    await expect(execute(grant)).to.be.revertedWithCustomError(
      c.timelock,
      "TimelockUnexpectedOperationState",
    );
    await time.increaseTo(grantEta!);
    await execute(grant);
    expect(await c.vault.hasRole(roleId("GUARDIAN_ROLE"), f.bob.address)).to.equal(true);
  });
});
