import { addressText, displayText, lowerFirst, summaryText, type Field, type Values } from "../fields.js";
import { bpsText, durationText } from "../units.js";
import { danger, info, warning, type Warning } from "../warnings.js";
import {
  big,
  rangeProblems,
  sameAddress,
  structOf,
  type CatalogueEntry,
  type CheckContext,
} from "./entry.js";
import { exitPathOf, readSchedule } from "./exitPath.js";
import { scalarSetter } from "./scalar.js";

const DAY = 86_400n;
const feeFields = ["managementBps", "performanceBps", "operatorShareBps"] as const;

function feeChecks(v: Record<string, unknown>, cur: Record<string, unknown> | undefined, c: CheckContext) {
  const out: Warning[] = [];
  const treasury = String(v.treasury);
  if (c.proposer && sameAddress(treasury, c.proposer))
    out.push(
      danger(
        "pays-proposer",
        `Fees would be paid to the proposer: treasury ${addressText(c.env, treasury)}.`,
      ),
    );
  const current = cur?.treasury;
  const labelled = c.env.labels.get(treasury.toLowerCase())?.includes("treasury") ?? false;
  if (current !== undefined ? !sameAddress(current, treasury) : !labelled)
    out.push(
      danger(
        "treasury-change",
        `Changes where the treasury's fees are paid: ${current !== undefined ? `${addressText(c.env, current)} → ` : ""}${addressText(c.env, treasury)}.`,
      ),
    );
  if (cur)
    for (const f of feeFields)
      if (big(v[f]) > big(cur[f]))
        out.push(
          warning(
            "fee-increase",
            `Raises the ${f === "managementBps" ? "management fee" : f === "performanceBps" ? "performance fee" : "operators' share of fees"}: ${bpsText(big(cur[f]))} → ${bpsText(big(v[f]))}.`,
          ),
        );
  if (big(v.managementBps) === 500n || big(v.performanceBps) === 3_000n)
    out.push(warning("fee-at-cap", "A fee is set to its hard cap (5 %/year management, 30 % performance)."));
  return out;
}

/** `SigilVault.Schedule`, in its field order, with the contract's bounds (MIN_/MAX_ constants). */
const scheduleFields: Field[] = [
  {
    name: "epochDuration",
    label: "Epoch duration",
    kind: { type: "seconds", min: 1n, max: 7n * DAY },
    help: "from a settlement to the next cut-off; requests after the cut-off join the next epoch (longer = slower exits); 1 s to 7 days",
  },
  {
    name: "maxNavAge",
    label: "Max NAV age",
    kind: { type: "seconds", min: 60n, max: DAY },
    help: "the oldest valuation a settlement accepts (longer = looser); 1 min to 1 day",
  },
  {
    name: "navConfirmDelay",
    label: "NAV confirmation delay",
    kind: { type: "seconds", max: 7n * DAY },
    help: "how long a NAV change beyond the policy's bound waits before a second report may confirm it (shorter = looser); at most 7 days",
  },
  {
    name: "navTtl",
    label: "NAV lifetime",
    kind: { type: "seconds", min: 1n, max: 30n * DAY },
    help: "a settled NAV stays fresh for new deposits this long (longer = looser); 1 s to 30 days",
  },
  {
    name: "riskWindow",
    label: "Risk window",
    kind: { type: "seconds", min: 7n, max: 30n * DAY },
    help: "trailing window of the NAV-change bound and of the daily-loss breaker (shorter = looser); 7 s to 30 days",
  },
];

/** Per field: which way loosens, and what loosening it means for holders. */
const scheduleLoosening: Record<string, { when: "longer" | "shorter"; what: string }> = {
  epochDuration: { when: "longer", what: "exits wait longer for the epoch's cut-off" },
  maxNavAge: { when: "longer", what: "a settlement may be priced on an older valuation" },
  navConfirmDelay: {
    when: "shorter",
    what: "a NAV change beyond the policy's bound can be confirmed sooner by a second report",
  },
  navTtl: { when: "longer", what: "new deposits may be priced on an older valuation" },
  riskWindow: {
    when: "shorter",
    what: "the NAV-change bound and the daily-loss breaker look back over less time, so losses spread over longer escape them",
  },
};

function scheduleChecks(v: Values, cur: Values | undefined, c: CheckContext): Warning[] {
  if (!cur) return [];
  const out: Warning[] = [];
  const changed = scheduleFields.filter((f) => big(v[f.name]) !== big(cur[f.name]));
  if (!changed.length) return [info("no-op", "The schedule is already this: nothing changes.")];
  for (const f of changed) {
    const rule = scheduleLoosening[f.name]!;
    const longer = big(v[f.name]) > big(cur[f.name]);
    if (longer === (rule.when === "longer"))
      out.push(
        warning(
          "loosening",
          `${rule.when === "longer" ? "Lengthens" : "Shortens"} the ${lowerFirst(f.label)} (${displayText(f.kind, cur[f.name], c.env)} → ${displayText(f.kind, v[f.name], c.env)}): ${rule.what}.`,
        ),
      );
  }
  if (changed.some((f) => f.name === "riskWindow"))
    out.push(
      warning(
        "window-reset",
        "Changing the risk window restarts it: the NAV moves of the current window are forgotten, so the NAV-change bound and the daily-loss breaker start again from the last settled NAV.",
      ),
    );
  if (cur.minDelay !== undefined) {
    const minDelay = big(cur.minDelay);
    const before = exitPathOf(cur.epochDuration, cur.maxNavAge, c.env);
    const after = exitPathOf(v.epochDuration, v.maxNavAge, c.env);
    if (after.seconds > minDelay)
      out.push(
        (after.seconds > before.seconds ? danger : warning)(
          "exit-path",
          `A holder's exit would take longer than the timelock's minimum delay: ${durationText(after.seconds)} (${after.parts}) against ${durationText(minDelay)}${after.seconds > before.seconds ? `, up from ${durationText(before.seconds)}` : ""}. A change queued later could take effect before holders who disagree can leave.`,
        ),
      );
  }
  return out;
}

const scheduleEntry: CatalogueEntry = {
  id: "vault.setSchedule",
  contract: "vault",
  functionName: "setSchedule",
  inputs: ["(uint32,uint32,uint32,uint32,uint32)"],
  group: "Vault",
  title: "Epoch and NAV schedule",
  topics: [
    "schedule",
    "epoch",
    "cut-off",
    "nav age",
    "confirmation delay",
    "nav lifetime",
    "nav ttl",
    "lifetime",
    "risk window",
  ],
  fields: scheduleFields,
  toArgs: (v) => [Object.fromEntries(scheduleFields.map((f) => [f.name, v[f.name]]))],
  fromArgs: (args) => {
    const s = structOf(args[0]);
    return Object.fromEntries(scheduleFields.map((f) => [f.name, s[f.name]]));
  },
  summary: (v) =>
    `Set the vault schedule: epoch duration ${durationText(big(v.epochDuration))}, max NAV age ${durationText(big(v.maxNavAge))}, NAV confirmation delay ${durationText(big(v.navConfirmDelay))}, NAV lifetime ${durationText(big(v.navTtl))}, risk window ${durationText(big(v.riskWindow))}`,
  validate: (v) => rangeProblems(scheduleFields, v),
  async current(c) {
    const [s, minDelay] = await Promise.all([
      readSchedule(c),
      c.reader.read(c.contracts.timelock, "getMinDelay"),
    ]);
    return { ...s, minDelay };
  },
  checks: scheduleChecks,
};

/** SigilVault setters held by governance. */
export const vaultEntries: CatalogueEntry[] = [
  scalarSetter({
    contract: "vault",
    functionName: "setCap",
    input: "uint256",
    group: "Vault",
    title: "Vault cap",
    topics: ["cap"],
    label: "New cap",
    kind: { type: "amount", token: "asset" },
    help: "maximum total assets; at a settlement, deposits beyond it are accepted pro rata and the rest refunded",
    sentence: (x) => `Set the vault cap to ${x}`,
    current: async (c) => ((await c.read("parameters")) as readonly unknown[])[0],
  }),
  {
    id: "vault.setFees",
    contract: "vault",
    functionName: "setFees",
    inputs: ["(uint16,uint16,uint16,address)"],
    group: "Vault",
    title: "Fees and treasury",
    topics: ["fee", "treasury"],
    fields: [
      {
        name: "managementBps",
        label: "Management fee",
        kind: { type: "bps", max: 500 },
        help: "per year, at most 5 %",
      },
      {
        name: "performanceBps",
        label: "Performance fee",
        kind: { type: "bps", max: 3_000 },
        help: "of gains above the high-water mark, at most 30 %",
      },
      {
        name: "operatorShareBps",
        label: "Operators' share",
        kind: { type: "bps", max: 10_000 },
        help: "of every fee, paid to the oracle operators",
      },
      {
        name: "treasury",
        label: "Treasury",
        kind: { type: "address", nonZero: true },
        help: "receives the rest of the fees (as shares)",
      },
    ],
    toArgs: (v) => [
      {
        managementBps: v.managementBps,
        performanceBps: v.performanceBps,
        operatorShareBps: v.operatorShareBps,
        treasury: v.treasury,
      },
    ],
    fromArgs: (args) => ({ ...structOf(args[0]) }),
    summary: (v, t) =>
      `Set the fees: management ${summaryText({ type: "bps", max: 500 }, v.managementBps, t)}, performance ${summaryText({ type: "bps", max: 3_000 }, v.performanceBps, t)}, operators' share ${summaryText({ type: "bps", max: 10_000 }, v.operatorShareBps, t)}, treasury ${summaryText({ type: "address" }, v.treasury, t)}`,
    current: async (c) => ({ ...structOf(await c.read("fees")) }),
    checks: feeChecks,
  },
  scheduleEntry,
  scalarSetter({
    contract: "vault",
    functionName: "setOperatorRewards",
    input: "address",
    group: "Vault",
    title: "Operator rewards recipient",
    topics: ["operator reward", "rewards"],
    label: "Recipient",
    kind: { type: "address" },
    help: "where the operators' share of fees is minted (the OperatorBonds contract)",
    sentence: (x) => `Pay the operators' share of fees to ${x}`,
    current: async (c) => {
      const events = await c.reader.events(c.contracts.vault, "OperatorRewardsSet", c.fromBlock);
      return events.at(-1)?.args.recipient;
    },
    checks: (v, _cur, c) =>
      sameAddress(v, c.env.contracts.bonds.address)
        ? []
        : [
            danger(
              "rewards-recipient",
              `The operators' share of fees would go to ${addressText(c.env, v)}, not to the OperatorBonds contract.`,
            ),
          ],
  }),
  {
    id: "vault.unpauseDeposits",
    contract: "vault",
    functionName: "unpauseDeposits",
    inputs: [],
    group: "Vault",
    title: "Resume deposits",
    topics: ["resume deposit", "reopen deposit", "unpause"],
    fields: [
      { name: "paused", label: "Deposits", kind: { type: "bool", yes: "paused", no: "open" }, derived: true },
    ],
    toArgs: () => [],
    fromArgs: () => ({ paused: false }),
    summary: () => "Resume deposits",
    current: async (c) => ({ paused: ((await c.read("parameters")) as readonly unknown[])[2] }),
    checks: (_v, cur) =>
      cur?.paused === false ? [info("no-op", "Deposits are open already: this changes nothing now.")] : [],
  },
];
