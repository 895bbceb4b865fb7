import { selectorText } from "../fields.js";
import { durationText } from "../units.js";
import { danger, info, warning, type Warning } from "../warnings.js";
import { big, type CatalogueEntry } from "./entry.js";
import { exitPathOf, readSchedule } from "./exitPath.js";
import { scalarSetter } from "./scalar.js";

const U256 = 2n ** 256n - 1n;

/** A delay shortened (a danger: less time to exit) or lengthened (a warning). */
function delayChecks(what: string, proposed: bigint, cur: bigint | undefined): Warning[] {
  if (cur === undefined) return [warning("timelock-delay", `Changes the timelock's ${what}.`)];
  if (proposed < cur)
    return [
      danger(
        "timelock-delay",
        `Shortens the timelock's ${what} (${durationText(cur)} → ${durationText(proposed)}): holders get less time to exit before a change takes effect.`,
      ),
    ];
  if (proposed > cur)
    return [
      warning(
        "timelock-delay",
        `Lengthens the timelock's ${what} (${durationText(cur)} → ${durationText(proposed)}).`,
      ),
    ];
  return [info("no-op", `The timelock's ${what} is ${durationText(cur)} already.`)];
}

/** SigilTimelock settings (only the timelock itself may call them: through a proposal). */
export const timelockEntries: CatalogueEntry[] = [
  scalarSetter({
    contract: "timelock",
    functionName: "updateDelay",
    input: "uint256",
    group: "Timelock",
    title: "Timelock delay",
    topics: ["timelock delay", "minimum delay", "delay"],
    label: "Minimum delay",
    kind: { type: "seconds", max: U256 },
    help: "time between queueing and execution of any change; it must cover a holder's exit path",
    sentence: (x) => `Set the timelock's minimum delay to ${x}`,
    current: (c) => c.read("getMinDelay"),
    context: async (c) => {
      const s = await readSchedule(c);
      return { epochDuration: s.epochDuration, maxNavAge: s.maxNavAge };
    },
    checks: (v, cur, c, context) => {
      const out = delayChecks("minimum delay", big(v), cur === undefined ? undefined : big(cur));
      if (context?.epochDuration !== undefined) {
        const exit = exitPathOf(context.epochDuration, context.maxNavAge, c.env);
        if (big(v) < exit.seconds)
          out.push(
            danger(
              "exit-path",
              `The minimum delay would be shorter than a holder's exit path, ${durationText(exit.seconds)} (${exit.parts}): a change could take effect before holders who disagree can leave.`,
            ),
          );
      }
      return out;
    },
  }),
  {
    id: "timelock.setOperationDelay",
    contract: "timelock",
    functionName: "setOperationDelay",
    inputs: ["bytes4", "uint256"],
    group: "Timelock",
    title: "Delay of one function",
    topics: ["operation delay", "sensitive delay", "delay"],
    fields: [
      {
        name: "selector",
        label: "Function",
        kind: { type: "selector" },
        part: "key",
        help: "its 4-byte selector; every proposal calling it waits this delay",
      },
      {
        name: "delay",
        label: "Delay",
        kind: { type: "seconds", max: U256 },
        help: "0 = the minimum delay; a delay below the minimum delay waits the minimum",
      },
    ],
    toArgs: (v) => [v.selector, v.delay],
    fromArgs: (args) => ({ selector: args[0], delay: args[1] }),
    summary: (v) => `Set the timelock delay of ${String(v.selector)} to ${durationText(big(v.delay))}`,
    // operationDelay(selector) is what a call to it waits now: its own delay, or the minimum if longer.
    current: async (c, v) => {
      const [delay, minDelay] = await Promise.all([
        c.read("operationDelay", [v.selector]),
        c.read("getMinDelay"),
      ]);
      return { selector: v.selector, delay, minDelay };
    },
    checks: (v, cur, c) => {
      const what = `delay for ${selectorText(c.env, v.selector as `0x${string}`)}`;
      if (cur?.minDelay === undefined) return delayChecks(what, big(v.delay), undefined);
      const minDelay = big(cur.minDelay);
      const effective = big(v.delay) > minDelay ? big(v.delay) : minDelay;
      const out = delayChecks(what, effective, big(cur.delay));
      if (big(v.delay) < minDelay)
        out.push(
          info(
            "timelock-delay",
            `A delay of ${durationText(big(v.delay))} is below the minimum delay: calls to it wait the minimum, ${durationText(minDelay)}.`,
          ),
        );
      return out;
    },
  },
];
