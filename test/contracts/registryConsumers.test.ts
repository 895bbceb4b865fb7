import { expect } from "chai";
import { network } from "hardhat";
import { Wallet } from "ethers";
import { Stream } from "../../offchain/protocol/reportTypes.js";
import { cosign, deployFixture, operatorWallets, signalReport } from "../helpers/sigilFixture.js";

describe("OracleRegistry config consumers", () => {
  it("setConsumers: governance only, at most MAX_CONSUMERS, pushes the current config at once", async () => {
    const { ethers } = await network.create();
    const f = await deployFixture(ethers);
    const ledger = await f.ledger.getAddress();
    expect(await f.registry.consumers()).to.deep.equal([ledger]);
    expect(await f.registry.MAX_CONSUMERS()).to.equal(4n);

    await expect(f.registry.connect(f.alice).setConsumers([ledger]))
      .to.be.revertedWithCustomError(f.registry, "AccessControlUnauthorizedAccount")
      .withArgs(f.alice.address, await f.registry.GOVERNANCE_ROLE());
    const five = Array.from({ length: 5 }, () => Wallet.createRandom().address);
    await expect(f.registry.setConsumers(five))
      .to.be.revertedWithCustomError(f.registry, "OracleRegistryTooManyConsumers")
      .withArgs(5n);

    // A second ledger wired later receives the configuration in the same transaction.
    const other = await ethers.deployContract("TradeLedger", [
      await f.registry.getAddress(),
      await f.policy.getAddress(),
      await f.vault.getAddress(),
      6,
    ]);
    expect(await other.oracleConfigVersion()).to.equal(0n);
    await expect(f.registry.setConsumers([ledger, await other.getAddress()]))
      .to.emit(f.registry, "ConsumersSet")
      .withArgs([ledger, await other.getAddress()])
      .and.to.emit(other, "OracleConfigSynced")
      .withArgs(await f.registry.configVersion());
    expect(await other.oracleConfigVersion()).to.equal(await f.registry.configVersion());
  });

  it("a config change reaches every consumer: old-config reports die on the ledger the same block", async () => {
    const { ethers } = await network.create();
    const f = await deployFixture(ethers);
    const before = await signalReport(f, 1n, [0], [1_000]);
    const sigs = await cosign(Stream.Signal, f.domain, before, f.operators.slice(0, 2));
    const next = operatorWallets(5)
      .slice(2)
      .map((w) => w.address);
    next.sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
    await expect(f.registry.setConfig(next, 2)).to.emit(f.ledger, "OracleConfigSynced").withArgs(2n);
    await expect(f.ledger.submitSignal(before, sigs)).to.be.revertedWithCustomError(
      f.registry,
      "OracleRegistryConfigDigestMismatch",
    );
  });

  it("a consumer dropped from the list is sent an empty configuration: it verifies nothing until wired again", async () => {
    const { ethers } = await network.create();
    const f = await deployFixture(ethers);
    const ledger = await f.ledger.getAddress();
    const other = await ethers.deployContract("TradeLedger", [
      await f.registry.getAddress(),
      await f.policy.getAddress(),
      await f.vault.getAddress(),
      6,
    ]);
    await f.registry.setConsumers([ledger, await other.getAddress()]);
    const signal = await signalReport(f, 1n, [0], [1_000]);
    const sigs = await cosign(Stream.Signal, f.domain, signal, f.operators.slice(0, 2));
    // Dropping `other` revokes it and only it; the kept ledger is pushed the current config again.
    const tx = f.registry.setConsumers([ledger]);
    await expect(tx)
      .to.emit(f.registry, "ConsumerRevoked")
      .withArgs(await other.getAddress());
    await expect(tx)
      .to.emit(f.ledger, "OracleConfigSynced")
      .withArgs(await f.registry.configVersion());
    await expect(other.submitSignal(signal, sigs)).to.be.revertedWithCustomError(
      f.registry,
      "OracleRegistryNoQuorum",
    );
    await expect(f.ledger.submitSignal(signal, sigs)).to.emit(f.ledger, "SignalAccepted");
  });
});
