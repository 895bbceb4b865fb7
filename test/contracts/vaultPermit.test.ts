import { expect } from "chai";
import { network } from "hardhat";
import { Signature } from "ethers";
import { USD, deployFixture, fund, settle } from "../helpers/sigilFixture.js";

describe("SigilVault shares: permit and delegation", () => {
  it("permit: an EIP-2612 signature sets an allowance once; the nonce advances and a replay fails", async () => {
    const { ethers } = await network.create();
    const f = await deployFixture(ethers);
    await fund(f, f.alice, USD(1_000));
    await (await f.vault.connect(f.alice).requestDeposit(USD(1_000), f.alice.address)).wait();
    await (await settle(f, 0n)).wait();
    await (await f.vault.connect(f.alice).claimDeposit(f.alice.address)).wait();

    const owner = f.alice.address;
    const spender = f.bob.address;
    const value = 10n ** 12n;
    const deadline = BigInt((await ethers.provider.getBlock("latest"))!.timestamp + 3_600);
    expect(await f.vault.nonces(owner)).to.equal(0n);
    const domain = {
      name: "Sigil Vault Share",
      version: "1",
      chainId: (await ethers.provider.getNetwork()).chainId,
      verifyingContract: await f.vault.getAddress(),
    };
    const types = {
      Permit: [
        { name: "owner", type: "address" },
        { name: "spender", type: "address" },
        { name: "value", type: "uint256" },
        { name: "nonce", type: "uint256" },
        { name: "deadline", type: "uint256" },
      ],
    };
    const sig = Signature.from(
      await f.alice.signTypedData(domain, types, { owner, spender, value, nonce: 0n, deadline }),
    );
    await (await f.vault.permit(owner, spender, value, deadline, sig.v, sig.r, sig.s)).wait();
    expect(await f.vault.allowance(owner, spender)).to.equal(value);
    expect(await f.vault.nonces(owner)).to.equal(1n);
    await expect(
      f.vault.permit(owner, spender, value, deadline, sig.v, sig.r, sig.s),
    ).to.be.revertedWithCustomError(f.vault, "ERC2612InvalidSigner");
  });

  it("votes follow delegated shares, and a redeem request escrows them away from the voter", async () => {
    const { ethers } = await network.create();
    const f = await deployFixture(ethers);
    await fund(f, f.alice, USD(1_000));
    await (await f.vault.connect(f.alice).requestDeposit(USD(1_000), f.alice.address)).wait();
    await (await settle(f, 0n)).wait();
    await (await f.vault.connect(f.alice).claimDeposit(f.alice.address)).wait();
    const shares = await f.vault.balanceOf(f.alice.address);
    expect(await f.vault.getVotes(f.alice.address)).to.equal(0n); // not delegated yet
    await (await f.vault.connect(f.alice).delegate(f.alice.address)).wait();
    expect(await f.vault.getVotes(f.alice.address)).to.equal(shares);
    await (
      await f.vault.connect(f.alice).requestRedeem(shares / 4n, f.alice.address, f.alice.address)
    ).wait();
    expect(await f.vault.getVotes(f.alice.address)).to.equal(shares - shares / 4n);
  });
});
