import { expect } from "chai";
import { network } from "hardhat";
import { Stream } from "../../offchain/protocol/reportTypes.js";
import { reportDigest } from "../../offchain/protocol/signatures.js";
import { deployFixture, signalReport, submitSignal } from "../helpers/sigilFixture.js";

describe("smoke", () => {
  it("accepts a 2-of-3 signal and hashes like ethers", async () => {
    const { ethers } = await network.create();
    const f = await deployFixture(ethers);
    const r = await signalReport(f, 1n, [0, 1], [3000, 2000]);
    expect(await f.ledger.signalReportDigest(r)).to.equal(reportDigest(Stream.Signal, f.domain, r));
    const tx = await submitSignal(f, r);
    const rc = await tx.wait();
    console.log("gas", rc!.gasUsed);
    expect(await f.ledger.targetWeight(0)).to.equal(3000n);
  });
});
