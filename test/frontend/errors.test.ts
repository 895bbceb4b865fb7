/** The dApp's revert explanations (frontend/src/lib/errors.ts): every Sigil error in words. */
import { expect } from "chai";
import { Interface, id } from "ethers";
import {
  explainError,
  explainRevertData,
  explanations,
  sigilErrorNames,
  statesOfBitmap,
} from "../../frontend/src/lib/errors.js";
import { sigilAbis, type Hex } from "../../frontend/src/lib/proposals/index.js";

const ctx = { assetDecimals: 6, shareDecimals: 12, assetSymbol: "mUSD" };
const all = new Interface(
  Object.values(sigilAbis)
    .flat()
    .filter((x) => x.type === "error") as unknown as ConstructorParameters<typeof Interface>[0],
);
const revert = (name: string, args: unknown[]) => all.encodeErrorResult(name, args) as Hex;
const bit = (i: number) => `0x${(1n << BigInt(i)).toString(16).padStart(64, "0")}`;

describe("dApp error explanations", () => {
  it("has words for every custom error any Sigil ABI declares", () => {
    const missing = sigilErrorNames().filter((n) => !explanations[n]);
    expect(missing).to.deep.equal([]);
  });

  it("decodes the timelock's operation-state bitmap into Unset/Waiting/Ready/Done", () => {
    expect(statesOfBitmap(bit(2), ["Unset", "Waiting", "Ready", "Done"])).to.deep.equal(["Ready"]);
    const text = explainRevertData(revert("TimelockUnexpectedOperationState", [id("op"), bit(2)]), ctx)!;
    expect(text).to.contain("(Ready)");
    expect(text).to.contain("still waiting for its delay");
    expect(explainRevertData(revert("TimelockUnexpectedOperationState", [id("op"), bit(0)]), ctx)).to.contain(
      "queued already",
    );
  });

  it("decodes the Governor's proposal-state bitmap: the state it is in and the ones the step needs", () => {
    const expected = `0x${((1n << 4n) | (1n << 5n)).toString(16).padStart(64, "0")}`;
    expect(explainRevertData(revert("GovernorUnexpectedProposalState", [1n, 1, expected]), ctx)).to.equal(
      "The proposal is Active; this step needs it to be Succeeded or Queued.",
    );
  });

  it("explains the timelock's other errors and the Governor's, with units", () => {
    expect(explainRevertData(revert("TimelockInsufficientDelay", [60n, 3_600n]), ctx)).to.equal(
      "A delay of 1 min is shorter than the timelock's required 1 h.",
    );
    expect(
      explainRevertData(
        revert("TimelockUnauthorizedCaller", ["0x00000000000000000000000000000000000000a4"]),
        ctx,
      ),
    ).to.contain("Only the timelock itself");
    expect(explainRevertData(revert("TimelockUnexecutedPredecessor", [id("p")]), ctx)).to.contain(
      "depends on",
    );
    expect(explainRevertData(revert("TimelockInvalidOperationLength", [2n, 1n, 2n]), ctx)).to.contain(
      "2 targets, 1 payloads",
    );
    expect(
      explainRevertData(
        revert("GovernorInsufficientProposerVotes", [
          "0x00000000000000000000000000000000000000a4",
          10n ** 12n,
          5n * 10n ** 12n,
        ]),
        ctx,
      ),
    ).to.equal("You need more voting power to propose: 1 votes, the threshold is 5.");
    expect(
      explainRevertData(
        revert("GovernorAlreadyCastVote", ["0x00000000000000000000000000000000000000a4"]),
        ctx,
      ),
    ).to.contain("already voted");
    expect(explainRevertData(revert("GovernorNonexistentProposal", [7n]), ctx)).to.contain(
      "no such proposal",
    );
    expect(
      explainRevertData(revert("GovernorOnlyExecutor", ["0x00000000000000000000000000000000000000a4"]), ctx),
    ).to.contain("Only governance");
    expect(
      explainRevertData(
        revert("GovernorRestrictedProposer", ["0x00000000000000000000000000000000000000a4"]),
        ctx,
      ),
    ).to.contain("may not make");
  });

  it("explains the schedule, cap, cancellation and governance-setting errors of the new contracts", () => {
    const b32 = (t: string) => `0x${Buffer.from(t).toString("hex").padEnd(64, "0")}`;
    expect(explainRevertData(revert("SigilVaultInvalidSchedule", [b32("maxNavAge")]), ctx)).to.match(
      /^The schedule's maxNavAge is out of bounds \(epoch duration 1 s to 7 days, max NAV age 1 min to 1 day/,
    );
    expect(explainRevertData(revert("SigilVaultCapReached", [10n ** 13n, 10n ** 13n]), ctx)).to.equal(
      "The vault is full: its assets (10,000,000 mUSD) already reach its cap of 10,000,000 mUSD.",
    );
    expect(explainRevertData(revert("SigilVaultNavTooOld", [1_000n, 300n]), ctx)).to.contain("at most 5 min");
    expect(
      explainRevertData(
        revert("GovernorUnableToCancel", [1n, "0x00000000000000000000000000000000000000a4"]),
        ctx,
      ),
    ).to.match(/^Only the security council \(the proposal guardian\) may cancel at any stage/);
    expect(explainRevertData(revert("SigilGovernorInvalidThreshold", [1_001n]), ctx)).to.equal(
      "A proposal threshold of 10.01% of the supply is above the maximum, 10%.",
    );
    expect(
      explainRevertData(revert("GovernorPreventLateQuorumVoteExtensionTooLarge", [60n, 50n]), ctx),
    ).to.equal("A late-quorum extension of 60 blocks is longer than the voting period (50 blocks).");
    expect(explainRevertData(revert("RiskPolicyInvalidLimit", [b32("maxNavChangeBps")]), ctx)).to.contain(
      "1 % to 100 %",
    );
  });

  it("names the missing role in AccessControl errors", () => {
    expect(
      explainRevertData(
        revert("AccessControlUnauthorizedAccount", [
          "0x00000000000000000000000000000000000000a4",
          id("GOVERNANCE_ROLE"),
        ]),
        ctx,
      ),
    ).to.contain("lacks GOVERNANCE_ROLE");
  });

  it("explains the executed change's own error bubbled up through execute (it is not in the Governor's ABI)", async () => {
    // What viem gives for a revert whose error is not in the called contract's ABI: raw data, no name.
    const { ContractFunctionRevertedError } = (await import(
      "../../frontend/node_modules/viem/_esm/errors/contract.js" as string
    )) as { ContractFunctionRevertedError: new (a: object) => Error };
    const raw = revert("SigilVaultFeeAboveCap", [
      `0x${Buffer.from("management").toString("hex").padEnd(64, "0")}`,
    ]);
    const err = new ContractFunctionRevertedError({
      abi: sigilAbis.governor,
      data: raw,
      functionName: "execute",
    });
    expect(explainError(err, ctx, { functionName: "execute" })).to.equal(
      "The approved change itself failed when executed: The management fee is above its hard cap (5 %/year management, 30 % performance, 100 % operators' share).",
    );
    const failed = new ContractFunctionRevertedError({
      abi: sigilAbis.governor,
      data: revert("FailedCall", []),
      functionName: "execute",
    });
    expect(explainError(failed, ctx, { functionName: "execute" })).to.match(
      /^The approved change itself failed when executed: A call/,
    );
    // The Governor's own errors are not blamed on the change.
    const state = new ContractFunctionRevertedError({
      abi: sigilAbis.governor,
      data: revert("GovernorUnexpectedProposalState", [1n, 5, bit(5)]),
      functionName: "execute",
    });
    expect(explainError(state, ctx, { functionName: "execute" })).to.match(/^The proposal is Queued/);
  });

  it("says when revert data is not a known error, and explains Error(string)", () => {
    expect(explainRevertData("0xdeadbeef", ctx)).to.contain("unknown error (0xdeadbeef)");
    const reason = new Interface(["error Error(string)"]).encodeErrorResult("Error", ["nope"]) as Hex;
    expect(explainRevertData(reason, ctx)).to.equal("The contract refused: nope.");
  });
});
