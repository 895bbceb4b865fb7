import { expect } from "chai";
import { execFile } from "node:child_process";
import { readFile, rm } from "node:fs/promises";
import { promisify } from "node:util";
import { network } from "hardhat";
import {
  deploySigil,
  exitPathSeconds,
  localDeployOptions,
  sensitiveSelectors,
} from "../../scripts/deploy/deploySigil.js";

const run = promisify(execFile);

describe("deploySigil", () => {
  it("wires every role and hands governance to the timelock, leaving the deployer none", async () => {
    const { ethers } = await network.create();
    const signers = await ethers.getSigners();
    const accounts = await Promise.all(signers.map((s) => s.getAddress()));
    const options = localDeployOptions(accounts);
    const c = await deploySigil(ethers, options);
    const me = accounts[0]!;
    const tl = await c.timelock.getAddress();

    for (const target of [c.registry, c.policy, c.vault, c.bonds]) {
      expect(await target.hasRole(await target.GOVERNANCE_ROLE(), tl)).to.equal(true);
      expect(await target.hasRole(await target.DEFAULT_ADMIN_ROLE(), tl)).to.equal(true);
      expect(await target.hasRole(await target.GOVERNANCE_ROLE(), me)).to.equal(false);
      expect(await target.hasRole(await target.DEFAULT_ADMIN_ROLE(), me)).to.equal(false);
    }
    expect(await c.timelock.hasRole(await c.timelock.DEFAULT_ADMIN_ROLE(), me)).to.equal(false);
    expect(
      await c.timelock.hasRole(await c.timelock.PROPOSER_ROLE(), await c.governor.getAddress()),
    ).to.equal(true);

    expect(await c.policy.hasRole(await c.policy.BREAKER_ROLE(), await c.vault.getAddress())).to.equal(true);
    expect(await c.policy.hasRole(await c.policy.BREAKER_ROLE(), await c.ledger.getAddress())).to.equal(true);
    expect(await c.policy.hasRole(await c.policy.GUARDIAN_ROLE(), options.guardian)).to.equal(true);
    expect(await c.vault.hasRole(await c.vault.CUSTODIAN_ROLE(), options.custodian)).to.equal(true);
    expect(await c.vault.hasRole(await c.vault.GUARDIAN_ROLE(), options.guardian)).to.equal(true);
    expect(await c.registry.hasRole(await c.registry.SLASHER_ROLE(), await c.bonds.getAddress())).to.equal(
      true,
    );

    const sorted = [...options.operators].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
    expect(await c.registry.operators()).to.deep.equal(sorted);
    expect(await c.registry.threshold()).to.equal(2n);
    expect(await c.registry.consumers()).to.deep.equal([await c.ledger.getAddress()]);
    expect(await c.ledger.oracleConfigVersion()).to.equal(await c.registry.configVersion());

    expect(await c.policy.assetCount()).to.equal(BigInt(options.assets.length));
    const btc = await c.policy.assetConfig(0);
    expect(btc.maxWeightBps).to.equal(4_000n);
    expect(btc.shortable).to.equal(true);
    expect(c.deployment.assets.map((a) => a.symbol)).to.deep.equal(options.assets.map((a) => a.symbol));
    expect(c.deployment.oracle.configDigest).to.equal(await c.registry.configDigest());
    for (const name of [
      "OracleRegistry",
      "RiskPolicy",
      "SigilVault",
      "TradeLedger",
      "OperatorBonds",
      "SigilGovernor",
      "SigilTimelock",
    ]) {
      expect(c.deployment.contracts[name]?.block, name).to.be.greaterThan(0);
    }
    // The vault's request book and NAV guard are recorded at the vault's block.
    expect(c.deployment.contracts.EpochBook?.address).to.equal(await c.vault.epochBook());
    expect(c.deployment.contracts.NavGuard?.address).to.equal(await c.vault.navGuard());
    expect(c.deployment.contracts.EpochBook?.block).to.equal(c.deployment.contracts.SigilVault?.block);

    // Governance as configured: threshold share, quorum, late-quorum extension, security council, delays.
    const g = options.governance;
    expect(await c.governor.proposalThresholdBps()).to.equal(BigInt(g.proposalThresholdBps));
    expect(await c.governor["quorumNumerator()"]()).to.equal(BigInt(g.quorumPercent));
    expect(await c.governor.votingDelay()).to.equal(BigInt(g.votingDelayBlocks));
    expect(await c.governor.lateQuorumVoteExtension()).to.equal(BigInt(g.lateQuorumExtensionBlocks));
    expect(await c.governor.proposalGuardian()).to.equal(options.guardian);
    expect(await c.timelock.getMinDelay()).to.equal(BigInt(g.timelockDelaySeconds));
    for (const selector of sensitiveSelectors()) {
      expect(await c.timelock.operationDelay(selector), selector).to.equal(BigInt(g.sensitiveDelaySeconds));
    }
    const setCap = c.vault.interface.getFunction("setCap")!.selector;
    expect(await c.timelock.operationDelay(setCap)).to.equal(BigInt(g.timelockDelaySeconds));
    expect(g.timelockDelaySeconds).to.be.greaterThanOrEqual(exitPathSeconds(options));
  });

  it("scripts/deploy.ts writes deployments/<network>.json that matches the chain", async function () {
    this.timeout(300_000);
    const file = "deployments/default.json";
    await rm(file, { force: true });
    await run("npx", ["hardhat", "run", "scripts/deploy.ts"], { env: process.env });
    const d = JSON.parse(await readFile(file, "utf8")) as {
      chainId: number;
      contracts: Record<string, { address: string; block: number }>;
      assets: Array<{ symbol: string }>;
      oracle: { operators: string[]; threshold: number };
    };
    expect(d.chainId).to.equal(31337);
    expect(Object.keys(d.contracts)).to.include.members([
      "OracleRegistry",
      "RiskPolicy",
      "SigilVault",
      "TradeLedger",
    ]);
    expect(d.assets).to.have.length(10);
    expect(d.oracle.operators).to.have.length(3);
    expect(d.oracle.threshold).to.equal(2);
    await rm(file, { force: true });
  });
});
