import { summaryText } from "../fields.js";
import { bpsText, durationText } from "../units.js";
import { danger, info, warning, type Warning } from "../warnings.js";
import { addressText } from "../fields.js";
import { big, outputNamed, sameAddress, structOf, type CatalogueEntry, type CheckContext } from "./entry.js";
import { scalarSetter } from "./scalar.js";

const U256 = 2n ** 256n - 1n;
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
    help: "Maximum total assets, pending deposits included",
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
  scalarSetter({
    contract: "vault",
    functionName: "setNavTtl",
    input: "uint256",
    group: "Vault",
    title: "NAV lifetime",
    topics: ["nav lifetime", "nav ttl", "lifetime", "ttl"],
    label: "NAV lifetime",
    kind: { type: "seconds", max: U256 },
    help: "how long a NAV report stays fresh; e.g. 2 days",
    sentence: (x) => `Set the NAV lifetime to ${x}`,
    current: async (c) => ((await c.read("parameters")) as readonly unknown[])[1],
    checks: (v, cur) =>
      cur !== undefined && big(v) > big(cur)
        ? [
            warning(
              "loosening",
              `A NAV report stays fresh longer (${durationText(big(cur))} → ${durationText(big(v))}): requests may be priced on an older valuation.`,
            ),
          ]
        : [],
  }),
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
  ...(
    [
      ["setEpochDuration", "Epoch duration", ["epoch"], "epochDuration"],
      ["setMaxNavAge", "Maximum NAV age", ["nav age", "max nav age"], "maxNavAge"],
      ["setNavConfirmDelay", "NAV confirmation delay", ["confirm", "confirmation"], "navConfirmDelay"],
      ["setRiskWindow", "Risk window", ["risk window"], "riskWindow"],
    ] as const
  ).map(([fn, title, topics, field]) =>
    scalarSetter({
      contract: "vault",
      functionName: fn,
      input: "uint256",
      group: "Vault settlement",
      title,
      topics,
      label: title,
      kind: { type: "seconds", max: U256 },
      upcoming: true,
      sentence: (x) => `Set the ${title.toLowerCase()} to ${x}`,
      current: async (c) =>
        outputNamed(c.contracts.vault, "settlementParams", await c.read("settlementParams"), field),
    }),
  ),
];
