/**
 * The dApp's proposal review against a real deployment on the in-process network: current → new
 * values read from the chain, which addresses are contracts, the timelock operation and delay, and a
 * queued proposal cancelled by the security council.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { id } from "ethers";
import {
  chainReaderOfProvider,
  availableEntries,
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
const { loadFixture, mine, impersonateAccount, setBalance } = networkHelpers;

async function deployed() {
  const f = await deployFixture(ethers, { overrides: { handOverToTimelock: true } });
  const c = await vaultCtx(f);
  await stake(c, [[f.alice, USD(1_000)]]);
  await c.vault.connect(f.alice).delegate(f.alice.address);
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
  });
  return { f, c, contracts, chain, env };
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

  it("reads the value in force for every available setter, from its key fields alone (as the builder does)", async () => {
    const { f, contracts, chain, env } = await setup();
    const keys: Record<string, Record<string, unknown>> = {
      "policy.setAsset": { index: 1 },
    };
    for (const entry of availableEntries(contracts)) {
      const k = entry.id.endsWith("Role")
        ? { role: roleId("GOVERNANCE_ROLE"), account: contracts.timelock.address }
        : (keys[entry.id] ?? {});
      const now = await readCurrent(entry, k, contracts, chain);
      const missing = entry.fields
        .filter((x) => (x.part ?? "value") === "value" && now?.[x.name] === undefined)
        .map((x) => x.name);
      expect(missing, entry.id).to.deep.equal([]);
    }
    const asset = await readCurrent(
      availableEntries(contracts).find((e) => e.id === "policy.setAsset")!,
      { index: 1 },
      contracts,
      chain,
    );
    expect(env.assetSymbols?.[1]).to.equal("ETH");
    expect(asset!.maxWeightBps).to.equal(4_000);
    const role = await readCurrent(
      availableEntries(contracts).find((e) => e.id === "vault.grantRole")!,
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

  it("the timelock operation id and delay match the chain; a queued proposal cancelled by the security council says so", async () => {
    const { f, c, contracts, chain, env } = await setup();
    const data = c.vault.interface.encodeFunctionData("setNavTtl", [3n * 86_400n]) as Hex;
    const p = await propose(c, f.alice, {
      targets: [c.vaultAddr],
      values: [0n],
      calldatas: [data],
      description: "Set the NAV lifetime to 3 days",
    });
    const r = await reviewProposal(p, env, chain);
    expect(r.description.matches).to.equal(true);
    expect(r.severity).to.equal("warning"); // a longer NAV lifetime loosens: flagged, not dangerous
    await mine(2);
    await c.governor.connect(f.alice).castVote(p.id, 1);
    await mine(Number(await c.governor.votingPeriod()));
    await c.governor.queue([...p.targets], [...p.values], [...p.calldatas], id(p.description));
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
    expect(queued.delay).to.deep.equal({ seconds: 3_600n, source: "getMinDelay" });

    // The security council (the guardian with CANCELLER_ROLE) cancels the queued operation.
    const timelock = await c.timelock.getAddress();
    await impersonateAccount(timelock);
    await setBalance(timelock, 10n ** 18n);
    await c.timelock
      .connect(await ethers.getSigner(timelock))
      .grantRole(roleId("CANCELLER_ROLE"), f.guardian.address);
    await c.timelock.connect(f.guardian).cancel(queued.operationId);
    expect(await c.governor.state(p.id)).to.equal(2n);
    const cancelled = await lifecycleOf({ ...p, state: 2 }, contracts, env, chain);
    expect(cancelled.cancelled?.bySecurityCouncil).to.equal(true);
    expect(cancelled.cancelled?.text).to.contain("Cancelled by the security council");
    expect(cancelled.cancelled?.text).to.contain("guardian");
  });
});
