import { selectorText } from "../fields.js";
import { durationText } from "../units.js";
import { danger, warning } from "../warnings.js";
import { big, type CatalogueEntry } from "./entry.js";
import { scalarSetter } from "./scalar.js";

const U256 = 2n ** 256n - 1n;

const delayChecks = (what: string) => (v: unknown, cur: unknown) =>
  cur === undefined
    ? [warning("timelock-delay", `Changes the timelock's ${what}.`)]
    : big(v) < big(cur)
      ? [
          danger(
            "timelock-delay",
            `Shortens the timelock's ${what} (${durationText(big(cur))} → ${durationText(big(v))}): holders get less time to exit before a change takes effect.`,
          ),
        ]
      : big(v) > big(cur)
        ? [
            warning(
              "timelock-delay",
              `Lengthens the timelock's ${what} (${durationText(big(cur))} → ${durationText(big(v))}).`,
            ),
          ]
        : [];

/** SigilTimelock settings (only the timelock itself may call them: through a proposal). */
export const timelockEntries: CatalogueEntry[] = [
  scalarSetter({
    contract: "timelock",
    functionName: "updateDelay",
    input: "uint256",
    group: "Timelock",
    title: "Timelock delay",
    topics: ["timelock delay", "delay"],
    label: "Minimum delay",
    kind: { type: "seconds", max: U256 },
    help: "time between queueing and execution",
    sentence: (x) => `Set the timelock's minimum delay to ${x}`,
    current: (c) => c.read("getMinDelay"),
    checks: delayChecks("minimum delay"),
  }),
  {
    id: "timelock.setOperationDelay",
    contract: "timelock",
    functionName: "setOperationDelay",
    inputs: ["bytes4", "uint256"],
    group: "Timelock",
    title: "Delay of one operation",
    topics: ["operation delay", "delay"],
    upcoming: true,
    fields: [
      {
        name: "selector",
        label: "Function",
        kind: { type: "selector" },
        part: "key",
        help: "its 4-byte selector",
      },
      { name: "delay", label: "Delay", kind: { type: "seconds", max: U256 } },
    ],
    toArgs: (v) => [v.selector, v.delay],
    fromArgs: (args) => ({ selector: args[0], delay: args[1] }),
    summary: (v) => `Set the timelock delay of ${String(v.selector)} to ${durationText(big(v.delay))}`,
    current: async (c, v) => ({ selector: v.selector, delay: await c.read("operationDelay", [v.selector]) }),
    checks: (v, cur, c) =>
      delayChecks(`delay for ${selectorText(c.env, v.selector as `0x${string}`)}`)(v.delay, cur?.delay),
  },
];
