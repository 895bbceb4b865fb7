import { addressText } from "../fields.js";
import { bpsText, exactUnits } from "../units.js";
import { danger, warning } from "../warnings.js";
import { big, type CatalogueEntry } from "./entry.js";
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
    help: "votes an account needs to propose",
    sentence: (x) => `Set the proposal threshold to ${x}`,
    current: (c) => c.read("proposalThreshold"),
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
    kind: { type: "bps", max: 10_000 },
    upcoming: true,
    sentence: (x) => `Set the proposal threshold to ${x} of the vote supply`,
    current: (c) => c.read("proposalThresholdBps"),
    checks: (v, cur) =>
      cur !== undefined && big(v) !== big(cur)
        ? [
            warning(
              "governance-setting",
              `Changes the votes needed to propose: ${bpsText(big(cur))} → ${bpsText(big(v))} of the supply.`,
            ),
          ]
        : [],
  }),
];
