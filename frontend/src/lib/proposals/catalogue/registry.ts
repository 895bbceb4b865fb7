import type { Address } from "viem";
import { addressText, summaryText } from "../fields.js";
import { danger, warning, type Warning } from "../warnings.js";
import { big, sameAddress, type CatalogueEntry } from "./entry.js";

const lower = (xs: unknown) => (xs as readonly string[]).map((x) => x.toLowerCase());

/** Why a configuration would be refused by OracleRegistry.setConfig, if it would. */
function configProblem(operators: readonly string[], threshold: bigint): string | undefined {
  const n = BigInt(operators.length);
  if (n === 0n || n > 31n) return "the operator set must have 1 to 31 operators";
  for (let i = 1; i < operators.length; i++)
    if (BigInt(operators[i]!) <= BigInt(operators[i - 1]!))
      return "operators must be in strictly ascending order, without repeats";
  if (threshold === 0n || threshold > n || threshold * 2n <= n)
    return `the threshold must be a strict majority of ${n} operators (${n / 2n + 1n} to ${n})`;
  return undefined;
}

/** OracleRegistry setters held by governance. */
export const registryEntries: CatalogueEntry[] = [
  {
    id: "registry.setConfig",
    contract: "registry",
    functionName: "setConfig",
    inputs: ["address[]", "uint8"],
    group: "Oracle",
    title: "Operator set and threshold",
    topics: ["operator set", "oracle operator", "threshold", "signer"],
    fields: [
      {
        name: "operators",
        label: "Operators",
        kind: { type: "addresses", max: 31, sorted: true },
        help: "every operator's address; sorted for you",
      },
      {
        name: "threshold",
        label: "Threshold",
        kind: { type: "count", max: 31 },
        help: "signatures needed: a strict majority",
      },
    ],
    toArgs: (v) => [v.operators, v.threshold],
    fromArgs: (args) => ({ operators: args[0], threshold: args[1] }),
    summary: (v, t) =>
      `Set the oracle operators to ${summaryText({ type: "addresses", max: 31 }, v.operators, t)} with threshold ${String(v.threshold)} of ${(v.operators as unknown[]).length}`,
    validate: (v) => configProblem(v.operators as readonly string[], big(v.threshold)),
    async current(c, v) {
      const [operators, threshold] = await Promise.all([c.read("operators"), c.read("threshold")]);
      const now = lower(operators);
      const proposed = (v.operators as readonly Address[] | undefined) ?? [];
      const added = proposed.filter((a) => !now.includes(a.toLowerCase()));
      const bonds = await Promise.all(added.map((a) => c.reader.read(c.contracts.bonds, "bondOf", [a])));
      const unbonded = added.filter((_, i) => big((bonds[i] as { active: unknown }).active) === 0n);
      return { operators, threshold, unbonded };
    },
    checks(v, cur, c) {
      const out: Warning[] = [];
      const proposed = lower(v.operators);
      if (c.proposer && proposed.includes(c.proposer.toLowerCase()))
        out.push(danger("operator-proposer", "Makes the proposer an oracle operator."));
      if (!cur) {
        out.push(
          warning(
            "operator-set",
            "Replaces the oracle operator set: it co-signs every decision, fill and NAV report.",
          ),
        );
        return out;
      }
      const now = lower(cur.operators);
      const added = (v.operators as readonly string[]).filter((a) => !now.includes(a.toLowerCase()));
      const removed = (cur.operators as readonly string[]).filter((a) => !proposed.includes(a.toLowerCase()));
      const parts = [
        added.length ? `adds ${added.map((a) => addressText(c.env, a)).join(", ")}` : "",
        removed.length ? `removes ${removed.map((a) => addressText(c.env, a)).join(", ")}` : "",
        big(cur.threshold) !== big(v.threshold)
          ? `threshold ${String(cur.threshold)} → ${String(v.threshold)}`
          : "",
      ].filter(Boolean);
      if (parts.length)
        out.push(
          warning(
            "operator-set",
            `Changes who co-signs every decision, fill and NAV report: ${parts.join("; ")}.`,
          ),
        );
      if (added.length >= Number(v.threshold) && added.length > 0)
        out.push(
          danger(
            "operators-takeover",
            `The ${added.length} new operator(s) alone reach the threshold of ${String(v.threshold)}: they could sign any report without a current operator.`,
          ),
        );
      for (const a of (cur.unbonded as readonly string[] | undefined) ?? [])
        out.push(
          warning(
            "operator-unbonded",
            `New operator ${addressText(c.env, a)} has no bond: there is nothing to slash if it equivocates.`,
          ),
        );
      return out;
    },
  },
  {
    id: "registry.setConsumers",
    contract: "registry",
    functionName: "setConsumers",
    inputs: ["address[]"],
    group: "Oracle",
    title: "Configuration consumers",
    topics: ["consumer"],
    fields: [
      {
        name: "consumers",
        label: "Consumers",
        kind: { type: "addresses", max: 4 },
        help: "contracts that receive every operator change (the TradeLedger)",
      },
    ],
    toArgs: (v) => [v.consumers],
    fromArgs: (args) => ({ consumers: args[0] }),
    summary: (v, t) =>
      `Set the oracle configuration consumers to ${summaryText({ type: "addresses", max: 4 }, v.consumers, t)}`,
    current: async (c) => ({ consumers: await c.read("consumers") }),
    checks(v, _cur, c) {
      const out: Warning[] = [];
      const list = v.consumers as readonly string[];
      if (!list.some((a) => sameAddress(a, c.env.contracts.ledger.address)))
        out.push(
          danger(
            "ledger-unsynced",
            "The TradeLedger would no longer receive operator changes: it would keep verifying reports against an old operator set.",
          ),
        );
      for (const a of list)
        if (!Object.values(c.env.contracts).some((k) => sameAddress(k.address, a)))
          out.push(
            danger(
              "unknown-consumer",
              `${addressText(c.env, a)} is not a Sigil contract: it is called on every operator change and could block them.`,
            ),
          );
      return out;
    },
  },
];
