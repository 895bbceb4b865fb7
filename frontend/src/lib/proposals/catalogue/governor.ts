import { addressText } from "../fields.js";
import { bpsText, exactUnits } from "../units.js";
import { danger, info, warning, type Warning } from "../warnings.js";
import { big, sameAddress, type CatalogueEntry } from "./entry.js";
import { scalarSetter } from "./scalar.js";

const lowered = (what: string, severity: "danger" | "warning", why: string) => (v: unknown, cur: unknown) => {
  if (cur === undefined) return [warning("governance-setting", `Changes the Governor's ${what}.`)];
  if (big(v) < big(cur))
    return [
      (severity === "danger" ? danger : warning)(
        "governance-setting",
        `Lowers the ${what} (${String(cur)} → ${String(v)}): ${why}.`,
      ),
    ];
  if (big(v) > big(cur))
    return [warning("governance-setting", `Raises the ${what} (${String(cur)} → ${String(v)}).`)];
  return [];
};

/** SigilGovernor settings (onlyGovernance: a proposal executed by the timelock changes them). */
export const governorEntries: CatalogueEntry[] = [
  scalarSetter({
    contract: "governor",
    functionName: "setVotingDelay",
    input: "uint48",
    group: "Governance",
    title: "Voting delay",
    topics: ["voting delay"],
    label: "Voting delay",
    kind: { type: "blocks", max: 2n ** 48n - 1n },
    help: "blocks between a proposal and the start of its vote (the votes snapshot)",
    sentence: (x) => `Set the voting delay to ${x}`,
    current: (c) => c.read("votingDelay"),
    checks: lowered("voting delay", "warning", "holders have less time to delegate and prepare"),
  }),
  scalarSetter({
    contract: "governor",
    functionName: "setVotingPeriod",
    input: "uint32",
    group: "Governance",
    title: "Voting period",
    topics: ["voting period"],
    label: "Voting period",
    kind: { type: "blocks", max: 2n ** 32n - 1n },
    help: "blocks a vote stays open (at least 1)",
    sentence: (x) => `Set the voting period to ${x}`,
    current: (c) => c.read("votingPeriod"),
    checks: lowered("voting period", "warning", "a vote could pass before most holders see it"),
  }),
  scalarSetter({
    contract: "governor",
    functionName: "setProposalThreshold",
    input: "uint256",
    group: "Governance",
    title: "Proposal threshold",
    topics: ["proposal threshold"],
    label: "Proposal threshold",
    kind: { type: "amount", token: "share" },
    help: "a fixed minimum of votes to propose; the threshold in force is the larger of this and the share of the supply",
    sentence: (x) => `Set the proposal threshold to ${x}`,
    // proposalThreshold() is the larger of the fixed part and the share of the supply: the fixed
    // part alone is the last ProposalThresholdSet (the constructor emits the first one).
    current: async (c) => {
      const events = await c.reader.events(c.contracts.governor, "ProposalThresholdSet", c.fromBlock);
      return events.at(-1)?.args.newProposalThreshold;
    },
    checks: (v, cur) =>
      cur !== undefined && big(v) > big(cur)
        ? [
            warning(
              "governance-setting",
              "Raises the votes needed to propose: small holders may no longer be able to propose.",
            ),
          ]
        : cur !== undefined && big(v) < big(cur)
          ? [
              warning(
                "governance-setting",
                `Lowers the votes needed to propose (${exactUnits(big(cur), 0)} → ${exactUnits(big(v), 0)} units).`,
              ),
            ]
          : [],
  }),
  scalarSetter({
    contract: "governor",
    functionName: "updateQuorumNumerator",
    input: "uint256",
    group: "Governance",
    title: "Quorum",
    topics: ["quorum"],
    label: "Quorum",
    kind: { type: "percent", max: 100 },
    help: "percent of all votes at the snapshot that must take part",
    sentence: (x) => `Set the quorum to ${x} of the votes`,
    current: (c) => c.read("quorumNumerator"),
    checks: lowered("quorum", "danger", "fewer votes can pass a proposal"),
  }),
  scalarSetter({
    contract: "governor",
    functionName: "updateTimelock",
    input: "address",
    group: "Governance",
    title: "Timelock (migration)",
    topics: ["timelock migration", "new timelock", "update timelock"],
    label: "New timelock",
    kind: { type: "address", nonZero: true },
    help: "the Governor queues and executes through it from then on",
    sentence: (x) => `Move the Governor to the timelock ${x}`,
    current: (c) => c.read("timelock"),
    checks: (v, cur, c) => [
      danger(
        "timelock-migration",
        `Every later proposal would run through ${addressText(c.env, v)}${cur !== undefined ? ` instead of ${addressText(c.env, cur)}` : ""}; the roles stay with the old timelock unless it hands them over.`,
      ),
    ],
  }),
  scalarSetter({
    contract: "governor",
    functionName: "setProposalThresholdBps",
    input: "uint256",
    group: "Governance",
    title: "Proposal threshold (share of supply)",
    topics: ["proposal threshold"],
    label: "Proposal threshold",
    kind: { type: "bps", max: 1_000 },
    help: "votes needed to propose, as a share of the supply one block before; at most 10 % (MAX_PROPOSAL_THRESHOLD_BPS)",
    sentence: (x) => `Set the proposal threshold to ${x} of the vote supply`,
    current: (c) => c.read("proposalThresholdBps"),
    validate: (v) =>
      big(v) > 1_000n
        ? `the proposal threshold may be at most 10% of the supply (proposed ${bpsText(big(v))})`
        : undefined,
    checks: (v, cur) =>
      cur === undefined || big(v) === big(cur)
        ? []
        : big(v) > big(cur)
          ? [
              warning(
                "governance-setting",
                `Raises the votes needed to propose: ${bpsText(big(cur))} → ${bpsText(big(v))} of the supply; small holders may no longer be able to propose.`,
              ),
            ]
          : [
              (big(v) === 0n ? danger : warning)(
                "governance-setting",
                `Lowers the votes needed to propose: ${bpsText(big(cur))} → ${bpsText(big(v))} of the supply${big(v) === 0n ? ": only the fixed threshold would be left, and anyone could flood governance with proposals" : ""}.`,
              ),
            ],
  }),
  scalarSetter({
    contract: "governor",
    functionName: "setLateQuorumVoteExtension",
    input: "uint48",
    group: "Governance",
    title: "Late-quorum extension",
    topics: ["late quorum", "late-quorum", "vote extension"],
    label: "Extension",
    kind: { type: "blocks", max: 2n ** 48n - 1n },
    help: "blocks a vote stays open after it reaches quorum late, so others can answer; at most the voting period",
    sentence: (x) => `Set the late-quorum vote extension to ${x}`,
    current: (c) => c.read("lateQuorumVoteExtension"),
    context: async (c) => ({ votingPeriod: await c.read("votingPeriod") }),
    checks: (v, cur, _c, context) => {
      const out: Warning[] = [];
      if (context?.votingPeriod !== undefined && big(v) > big(context.votingPeriod))
        out.push(
          warning(
            "will-revert",
            `Will fail when executed: the extension may be at most the voting period (${String(context.votingPeriod)} blocks).`,
          ),
        );
      if (cur === undefined) return out;
      if (big(v) === 0n && big(cur) > 0n)
        out.push(
          danger(
            "governance-setting",
            "Removes the late-quorum extension: a large holder could vote in the last block and leave nobody time to answer.",
          ),
        );
      else if (big(v) < big(cur))
        out.push(
          warning(
            "governance-setting",
            `Shortens the late-quorum extension (${String(cur)} → ${String(v)} blocks): less time to answer a vote that reaches quorum late.`,
          ),
        );
      else if (big(v) > big(cur))
        out.push(
          warning(
            "governance-setting",
            `Lengthens the late-quorum extension (${String(cur)} → ${String(v)} blocks).`,
          ),
        );
      return out;
    },
  }),
  scalarSetter({
    contract: "governor",
    functionName: "setProposalGuardian",
    input: "address",
    group: "Governance",
    title: "Security council (proposal guardian)",
    topics: ["security council", "proposal guardian"],
    label: "Security council",
    kind: { type: "address" },
    help: "may cancel any proposal before it executes; the zero address removes it",
    sentence: (x) => `Set the security council (proposal guardian) to ${x}`,
    current: (c) => c.read("proposalGuardian"),
    checks: (v, cur, c) => {
      if (cur !== undefined && sameAddress(v, cur))
        return [info("no-op", `${addressText(c.env, v)} is the security council already.`)];
      const was = cur !== undefined ? ` (now ${addressText(c.env, cur)})` : "";
      if (BigInt(String(v)) === 0n)
        return [
          danger(
            "security-council",
            `Removes the security council${was}: nobody could cancel a passed malicious proposal before it executes (proposers could cancel their own at any stage).`,
          ),
        ];
      const key = c.hasCode(String(v)) === false ? ", an account without code (a single key)" : "";
      return [
        danger(
          "security-council",
          `Replaces the security council${was} with ${addressText(c.env, v)}${key}: it could cancel any proposal before it executes${c.proposer && sameAddress(v, c.proposer) ? ", and it is the proposer" : ""}.`,
        ),
      ];
    },
  }),
];
