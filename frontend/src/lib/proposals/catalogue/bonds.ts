import { addressText } from "../fields.js";
import { durationText } from "../units.js";
import { danger, warning, type Warning } from "../warnings.js";
import { big, listText, sameAddress, structOf, type CatalogueEntry } from "./entry.js";

/** OperatorBonds setters held by governance. */
export const bondsEntries: CatalogueEntry[] = [
  {
    id: "bonds.setParams",
    contract: "bonds",
    functionName: "setParams",
    inputs: ["(uint16,uint16,uint32,address)"],
    group: "Oracle",
    title: "Bond parameters",
    topics: ["bond", "slash", "unbond", "prover"],
    fields: [
      { name: "slashBps", label: "Slashed share of a bond", kind: { type: "bps", max: 10_000 } },
      {
        name: "proverRewardBps",
        label: "Prover's reward",
        kind: { type: "bps", max: 10_000 },
        help: "share of the slashed amount paid to whoever proves the equivocation",
      },
      { name: "unbondDelay", label: "Unbonding delay", kind: { type: "seconds", max: 2n ** 32n - 1n } },
      {
        name: "treasury",
        label: "Slashing treasury",
        kind: { type: "address", nonZero: true },
        help: "receives the rest of a slashed bond",
      },
    ],
    toArgs: (v) => [
      {
        slashBps: v.slashBps,
        proverRewardBps: v.proverRewardBps,
        unbondDelay: v.unbondDelay,
        treasury: v.treasury,
      },
    ],
    fromArgs: (args) => ({ ...structOf(args[0]) }),
    summary(v, t) {
      return `Set the bond parameters: ${listText(this, v, t)}`;
    },
    current: async (c) => ({ ...structOf(await c.read("params")) }),
    checks(v, cur, c) {
      const out: Warning[] = [];
      if (c.proposer && sameAddress(v.treasury, c.proposer))
        out.push(
          danger(
            "pays-proposer",
            `Slashed bonds would be paid to the proposer: ${addressText(c.env, v.treasury)}.`,
          ),
        );
      if (cur && !sameAddress(cur.treasury, v.treasury))
        out.push(
          danger(
            "treasury-change",
            `Changes where slashed bonds are paid: ${addressText(c.env, cur.treasury)} → ${addressText(c.env, v.treasury)}.`,
          ),
        );
      if (cur && big(v.slashBps) < big(cur.slashBps))
        out.push(warning("loosening", "Slashes less of a bond for a proven equivocation."));
      if (cur && big(v.unbondDelay) < big(cur.unbondDelay))
        out.push(
          warning(
            "loosening",
            `Operators can withdraw their bond sooner (${durationText(big(cur.unbondDelay))} → ${durationText(big(v.unbondDelay))}), possibly before an equivocation is proven.`,
          ),
        );
      return out;
    },
  },
];
