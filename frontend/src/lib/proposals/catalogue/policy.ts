import { killLevelOf } from "../../words.js";
import { addressText, displayText, summaryText, text32, type Field } from "../fields.js";
import { bpsText } from "../units.js";
import { danger, info, warning, type Warning } from "../warnings.js";
import { big, listText, rangeProblems, sameAddress, structOf, type CatalogueEntry } from "./entry.js";
import type { Hex } from "viem";

const limitFields: Field[] = [
  {
    name: "maxGrossBps",
    label: "Max gross exposure",
    kind: { type: "bps", max: 50_000 },
    help: "sum of |weights|; 100 % = no leverage, at most 500 %",
  },
  {
    name: "maxDailyLossBps",
    label: "Daily loss breaker",
    kind: { type: "bps", max: 10_000 },
    help: "trips Reduce only",
  },
  {
    name: "maxDrawdownBps",
    label: "Drawdown breaker",
    kind: { type: "bps", max: 10_000 },
    help: "trips Flatten",
  },
  { name: "maxOffchainBps", label: "Max at the venue", kind: { type: "bps", max: 10_000 } },
  {
    name: "maxNavChangeBps",
    label: "Max NAV move per report",
    kind: { type: "bps", min: 100, max: 10_000 },
    help: "a larger move waits for confirmation; at least 1 % (MIN_NAV_CHANGE_BPS)",
  },
  { name: "sizeToleranceBps", label: "Fill size tolerance", kind: { type: "bps", max: 10_000 } },
  { name: "killLevel", label: "Kill switch", kind: { type: "killLevel" } },
];

/** Limits where a larger number is looser (every one of them: they are all maxima or slack). */
const looserWhenLarger = limitFields.filter((f) => f.kind.type === "bps").map((f) => f.name);

const assetFields: Field[] = [
  {
    name: "index",
    label: "Asset",
    kind: { type: "assetIndex" },
    part: "key",
    help: "index 0–15; the next free index lists a new asset",
  },
  { name: "symbol", label: "Symbol", kind: { type: "text32" } },
  {
    name: "feed",
    label: "Reference price feed",
    kind: { type: "address", nonZero: true },
    help: "Chainlink AggregatorV3Interface",
  },
  { name: "feedDecimals", label: "Feed decimals", kind: { type: "count", max: 36 } },
  { name: "maxWeightBps", label: "Max weight", kind: { type: "bps", max: 10_000 }, help: "0 % delists" },
  { name: "shortable", label: "Short", kind: { type: "bool", yes: "allowed", no: "not allowed" } },
  { name: "maxDeviationBps", label: "Max price deviation", kind: { type: "bps", max: 10_000 } },
  { name: "maxStaleness", label: "Max feed age", kind: { type: "seconds", max: 2n ** 32n - 1n } },
];

const symbolOf = (v: unknown) => text32(v as Hex);

/** RiskPolicy setters held by governance (the guardian's tightening is not proposed). */
export const policyEntries: CatalogueEntry[] = [
  {
    id: "policy.setLimits",
    contract: "policy",
    functionName: "setLimits",
    inputs: ["(uint16,uint16,uint16,uint16,uint16,uint16,uint8)"],
    group: "Risk policy",
    title: "Portfolio limits",
    topics: [
      "limit",
      "exposure",
      "gross",
      "leverage",
      "daily loss",
      "drawdown",
      "breaker",
      "venue",
      "off-chain",
      "nav move",
      "nav change",
      "tolerance",
    ],
    fields: limitFields,
    toArgs: (v) => [Object.fromEntries(limitFields.map((f) => [f.name, v[f.name]]))],
    fromArgs: (args) => ({ ...structOf(args[0]) }),
    summary(v, t) {
      return `Set the risk limits: ${listText(this, v, t)}`;
    },
    validate: (v) => rangeProblems(limitFields, v),
    current: async (c) => ({ ...structOf(await c.read("limits")) }),
    checks(v, cur, c) {
      if (!cur) return [];
      const out: Warning[] = [];
      const looser = limitFields.filter(
        (f) => looserWhenLarger.includes(f.name) && big(v[f.name]) > big(cur[f.name]),
      );
      if (looser.length)
        out.push(
          warning(
            "loosening",
            `Loosens ${looser.map((f) => `${f.label.toLowerCase()} (${displayText(f.kind, cur[f.name], c.env)} → ${displayText(f.kind, v[f.name], c.env)})`).join(", ")}.`,
          ),
        );
      if (big(v.killLevel) < big(cur.killLevel))
        out.push(
          warning(
            "loosening",
            `Lowers the kill switch: ${killLevelOf(Number(cur.killLevel)).name} → ${killLevelOf(Number(v.killLevel)).name}.`,
          ),
        );
      return out;
    },
  },
  {
    id: "policy.setAsset",
    contract: "policy",
    functionName: "setAsset",
    inputs: ["uint8", "bytes32", "(address,uint16,uint32,uint8,uint16,bool)"],
    group: "Risk policy",
    title: "Asset listing and limits",
    topics: ["asset", "list", "delist", "weight", "feed", "shortable", "shorting", "deviation", "staleness"],
    fields: assetFields,
    toArgs: (v) => [
      v.index,
      v.symbol,
      {
        feed: v.feed,
        maxDeviationBps: v.maxDeviationBps,
        maxStaleness: v.maxStaleness,
        feedDecimals: v.feedDecimals,
        maxWeightBps: v.maxWeightBps,
        shortable: v.shortable,
      },
    ],
    fromArgs: (args) => ({ index: args[0], symbol: args[1], ...structOf(args[2]) }),
    summary(v, t) {
      return `Set asset #${String(v.index)} ${symbolOf(v.symbol)}: ${listText({ fields: assetFields.filter((f) => f.name !== "symbol") }, v, t)}`;
    },
    validate: (v) =>
      big(v.maxWeightBps) !== 0n && /^0x0{40}$/i.test(String(v.feed))
        ? "a listed asset (max weight above 0 %) needs a reference feed"
        : undefined,
    async current(c, v) {
      const count = Number(await c.read("assetCount"));
      if (Number(v.index) >= count) return undefined;
      const [symbol, config] = await Promise.all([
        c.read("assetSymbol", [v.index]),
        c.read("assetConfig", [v.index]),
      ]);
      return { index: v.index, symbol, ...structOf(config) };
    },
    checks(v, cur, c) {
      const out: Warning[] = [];
      if (c.hasCode(String(v.feed)) === false && big(v.maxWeightBps) > 0n)
        out.push(
          danger("feed-no-code", `The reference feed ${addressText(c.env, v.feed)} is not a contract.`),
        );
      if (!cur) {
        out.push(
          warning(
            "new-asset",
            `Lists a new asset #${String(v.index)} ${symbolOf(v.symbol)} (max weight ${bpsText(big(v.maxWeightBps))}).`,
          ),
        );
        return out;
      }
      if (!sameAddress(cur.feed, v.feed))
        out.push(
          danger(
            "feed-change",
            `Replaces the reference price feed of ${symbolOf(cur.symbol)}: ${addressText(c.env, cur.feed)} → ${addressText(c.env, v.feed)}. Fills and prices are checked against it.`,
          ),
        );
      if (symbolOf(cur.symbol) !== symbolOf(v.symbol))
        out.push(
          warning(
            "asset-renamed",
            `Renames asset #${String(v.index)}: ${symbolOf(cur.symbol)} → ${symbolOf(v.symbol)}.`,
          ),
        );
      const looser: string[] = [];
      for (const name of ["maxWeightBps", "maxDeviationBps", "maxStaleness"])
        if (big(v[name]) > big(cur[name]))
          looser.push(assetFields.find((f) => f.name === name)!.label.toLowerCase());
      if (v.shortable && !cur.shortable) looser.push("shorting allowed");
      if (looser.length)
        out.push(warning("loosening", `Loosens ${symbolOf(cur.symbol)}: ${looser.join(", ")}.`));
      if (big(v.maxWeightBps) === 0n && big(cur.maxWeightBps) > 0n)
        out.push(info("delist", `Delists ${symbolOf(cur.symbol)} (max weight 0 %).`));
      return out;
    },
  },
  {
    id: "policy.setKillLevel",
    contract: "policy",
    functionName: "setKillLevel",
    inputs: ["uint8", "bytes32"],
    group: "Risk policy",
    title: "Kill-switch level",
    topics: ["kill"],
    fields: [
      { name: "level", label: "Kill switch", kind: { type: "killLevel" } },
      { name: "reason", label: "Reason", kind: { type: "text32" }, part: "note" },
    ],
    toArgs: (v) => [v.level, v.reason],
    fromArgs: (args) => ({ level: args[0], reason: args[1] }),
    summary: (v, t) => `Set the kill switch to ${summaryText({ type: "killLevel" }, v.level, t)}`,
    current: async (c) => ({ level: await c.read("killLevel") }),
    checks: (v, cur) =>
      cur && big(v.level) < big(cur.level)
        ? [
            warning(
              "loosening",
              `Lowers the kill switch: ${killLevelOf(Number(cur.level)).name} → ${killLevelOf(Number(v.level)).name}.`,
            ),
          ]
        : [],
  },
];
