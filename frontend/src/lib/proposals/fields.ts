import {
  getAddress,
  hexToString,
  isAddress,
  isHex,
  size,
  stringToHex,
  toFunctionSelector,
  zeroAddress,
  type AbiFunction,
  type Address,
  type Hex,
} from "viem";
import { killLevels } from "../words.js";
import { checksum, labelOf, type FormatEnv, type TokenInfo } from "./env.js";
import { roleId, roleNameOf, type RoleName } from "./roles.js";
import {
  InputError,
  bpsText,
  durationText,
  exactUnits,
  parseDuration,
  parsePercentBps,
  parseUnitsExact,
  parseWhole,
} from "./units.js";

/** How a setter argument is typed, shown and compared. */
export type FieldKind =
  | { type: "amount"; token: "asset" | "share" }
  | { type: "bps"; max: number; min?: number }
  | { type: "percent"; max: number }
  | { type: "seconds"; max: bigint; min?: bigint }
  | { type: "blocks"; max: bigint }
  | { type: "address"; nonZero?: boolean }
  | { type: "addresses"; max: number; sorted?: boolean }
  | { type: "count"; max: number }
  | { type: "killLevel" }
  | { type: "bool"; yes: string; no: string }
  | { type: "text32" }
  | { type: "role"; roles: readonly RoleName[] }
  | { type: "assetIndex" }
  | { type: "selector" };

/**
 * One argument (or derived value) of a setter. `key` fields say *what* is changed (an asset index, a
 * role and account) and are not compared; `note` fields are shown as proposed only (a reason);
 * `value` fields are shown as current → new. `derived` fields are neither typed nor encoded (e.g.
 * "holds the role" for grantRole).
 */
export interface Field {
  name: string;
  label: string;
  kind: FieldKind;
  part?: "key" | "value" | "note";
  derived?: boolean;
  help?: string;
}

/** Argument values by field name, in their ABI form (bigint, number, boolean, address, hex). */
export type Values = Record<string, unknown>;

const U256 = 2n ** 256n - 1n;

function big(v: unknown): bigint {
  if (typeof v === "bigint") return v;
  if (typeof v === "number" && Number.isInteger(v)) return BigInt(v);
  throw new Error(`expected an integer, got ${String(v)}`);
}

function tokenUnits(token: TokenInfo, which: "asset" | "share") {
  return which === "asset"
    ? { decimals: token.assetDecimals, symbol: token.assetSymbol }
    : { decimals: token.shareDecimals, symbol: token.shareSymbol };
}

/** bytes32 as the short text it holds, or its hex when it is not printable text. */
export function text32(v: Hex): string {
  try {
    const t = hexToString(v, { size: 32 }).replace(/\0+$/, "");
    return /^[\x20-\x7e]*$/.test(t) ? t : v;
  } catch {
    return v;
  }
}

/** The function a 4-byte selector calls on the known contracts, e.g. "setFees on SigilVault". */
export function selectorText(env: FormatEnv, selector: Hex): string {
  const names = selectorNames(env, selector);
  return names.length ? `${names.join(" / ")} (${selector})` : `unknown function ${selector}`;
}

export function selectorNames(env: Pick<FormatEnv, "contracts">, selector: Hex): string[] {
  const out: string[] = [];
  for (const c of Object.values(env.contracts))
    for (const item of c.abi)
      if (item.type === "function" && functionSelectorOf(item) === selector.toLowerCase())
        out.push(`${item.name} on ${c.name}`);
  return out;
}

function functionSelectorOf(f: AbiFunction): string {
  return toFunctionSelector(f).toLowerCase();
}

/** A value in words for the summary line: exact, and independent of labels that change over time. */
export function summaryText(kind: FieldKind, v: unknown, token: TokenInfo): string {
  switch (kind.type) {
    case "amount": {
      const t = tokenUnits(token, kind.token);
      return `${exactUnits(big(v), t.decimals)} ${t.symbol}`;
    }
    case "bps":
      return bpsText(big(v));
    case "percent":
      return `${big(v).toString()}%`;
    case "seconds":
      return durationText(big(v));
    case "blocks":
      return `${exactUnits(big(v), 0)} block${big(v) === 1n ? "" : "s"}`;
    case "address":
      return checksumOrRaw(v);
    case "addresses":
      return `[${(v as readonly string[]).map(checksumOrRaw).join(", ")}]`;
    case "count":
      return big(v).toString();
    case "killLevel":
      return killLevels[Number(v)]?.name ?? `unknown level ${String(v)}`;
    case "bool":
      return v ? kind.yes : kind.no;
    case "text32":
      return `"${text32(v as Hex)}"`;
    case "role":
      return roleNameOf(String(v)) ?? `unknown role ${String(v)}`;
    case "assetIndex":
      return `#${String(v)}`;
    case "selector":
      return String(v);
  }
}

function checksumOrRaw(v: unknown): string {
  return typeof v === "string" && isAddress(v, { strict: false }) ? checksum(v) : String(v);
}

/** An address in full (short forms are what look-alike addresses imitate) with its label. */
export function addressText(env: FormatEnv, v: unknown): string {
  const a = checksumOrRaw(v);
  if (a.toLowerCase() === zeroAddress) return `${a} (zero address)`;
  const label = labelOf(env, a);
  return label ? `${a} (${label})` : `${a} (unknown account)`;
}

/** A value in words for the detail view: as the summary, with labels for addresses and assets. */
export function displayText(kind: FieldKind, v: unknown, env: FormatEnv): string {
  switch (kind.type) {
    case "address":
      return addressText(env, v);
    case "addresses": {
      const list = v as readonly string[];
      return list.length ? list.map((a) => addressText(env, a)).join(", ") : "none";
    }
    case "seconds": {
      const s = big(v);
      return s >= 60n ? `${durationText(s)} (${exactUnits(s, 0)} s)` : durationText(s);
    }
    case "assetIndex": {
      const symbol = env.assetSymbols?.[Number(v)];
      return symbol ? `#${String(v)} ${symbol}` : `#${String(v)} (not listed yet)`;
    }
    case "selector":
      return selectorText(env, v as Hex);
    default:
      return summaryText(kind, v, env.token);
  }
}

/** "Epoch duration" → "epoch duration", but "NAV lifetime" stays (an acronym). */
export function lowerFirst(label: string): string {
  return /^[A-Z][A-Z]/.test(label) ? label : label.charAt(0).toLowerCase() + label.slice(1);
}

/**
 * Why a value is outside its field's limits, if it is (the limits of bps and seconds fields are the
 * contract's own bounds: a decoded call outside them will revert).
 */
export function rangeProblem(field: Field, v: unknown): string | undefined {
  const k = field.kind;
  if (k.type !== "bps" && k.type !== "seconds") return undefined;
  let x: bigint;
  try {
    x = big(v);
  } catch {
    return undefined;
  }
  const text = (n: bigint | number) => (k.type === "bps" ? bpsText(n) : durationText(n));
  const min = k.min !== undefined ? BigInt(k.min) : 0n;
  const max = BigInt(k.max);
  if (x < min || x > max)
    return `${lowerFirst(field.label)} must be ${min > 0n ? `${text(min)} to ${text(max)}` : `at most ${text(max)}`} (proposed ${text(x)})`;
  return undefined;
}

/** Whether two values of a kind are the same (addresses case-insensitively, lists element-wise). */
export function sameValue(kind: FieldKind, a: unknown, b: unknown): boolean {
  if (kind.type === "addresses") {
    const x = (a as readonly string[]).map((s) => s.toLowerCase());
    const y = (b as readonly string[]).map((s) => s.toLowerCase());
    return x.length === y.length && x.every((s, i) => s === y[i]);
  }
  if (typeof a === "string" && typeof b === "string") return a.toLowerCase() === b.toLowerCase();
  if ((typeof a === "bigint" || typeof a === "number") && (typeof b === "bigint" || typeof b === "number"))
    return BigInt(a) === BigInt(b);
  return a === b;
}

/** A value as the text a form input starts with (so a form can start from the current values). */
export function inputText(kind: FieldKind, v: unknown, token: TokenInfo): string {
  switch (kind.type) {
    case "amount":
      return exactUnits(big(v), tokenUnits(token, kind.token).decimals).replace(/,/g, "");
    case "bps":
      return exactUnits(big(v), 2);
    case "percent":
    case "count":
    case "blocks":
    case "killLevel":
    case "assetIndex":
      return big(v).toString();
    case "seconds":
      return durationText(big(v));
    case "address":
      return checksumOrRaw(v);
    case "addresses":
      return (v as readonly string[]).map(checksumOrRaw).join(", ");
    case "bool":
      return v ? "true" : "false";
    case "text32":
      return text32(v as Hex);
    case "role":
      return roleNameOf(String(v)) ?? String(v);
    case "selector":
      return String(v);
  }
}

/**
 * Parse a form input into the value's ABI form; a clear InputError for anything out of range. The
 * parsed value is what gets encoded: nothing is rounded, clamped or guessed.
 */
export function parseInput(field: Field, text: string, token: TokenInfo): unknown {
  const k = field.kind;
  const what = field.label;
  const t = text.trim();
  switch (k.type) {
    case "amount": {
      const v = parseUnitsExact(t, tokenUnits(token, k.token).decimals, what);
      if (v > U256) throw new InputError(`${what}: too large`);
      return v;
    }
    case "bps": {
      const v = parsePercentBps(t, what);
      if (v > BigInt(k.max)) throw new InputError(`${what}: at most ${bpsText(k.max)}`);
      if (k.min !== undefined && v < BigInt(k.min))
        throw new InputError(`${what}: at least ${bpsText(k.min)}`);
      return Number(v);
    }
    case "percent":
      return parseWhole(t.replace(/%\s*$/, ""), BigInt(k.max), what);
    case "seconds": {
      const v = parseDuration(t, what);
      if (v > k.max) throw new InputError(`${what}: at most ${durationText(k.max)}`);
      if (k.min !== undefined && v < k.min) throw new InputError(`${what}: at least ${durationText(k.min)}`);
      return k.max <= 2n ** 48n ? Number(v) : v;
    }
    case "blocks": {
      const v = parseWhole(t, k.max, what);
      return k.max <= 2n ** 48n ? Number(v) : v;
    }
    case "count":
      return Number(parseWhole(t, BigInt(k.max), what));
    case "killLevel":
    case "assetIndex": {
      const max = k.type === "killLevel" ? BigInt(killLevels.length - 1) : 15n;
      return Number(parseWhole(t, max, what));
    }
    case "address": {
      if (!isAddress(t, { strict: false }))
        throw new InputError(`${what}: not an address (0x + 40 hex digits)`);
      const a = getAddress(t);
      if (k.nonZero && a === zeroAddress) throw new InputError(`${what}: the zero address is not allowed`);
      return a;
    }
    case "addresses": {
      const parts = t.split(/[\s,;]+/).filter(Boolean);
      const bad = parts.find((p) => !isAddress(p, { strict: false }));
      if (bad) throw new InputError(`${what}: "${bad}" is not an address`);
      let list: Address[] = parts.map((p) => getAddress(p));
      if (list.length > k.max) throw new InputError(`${what}: at most ${k.max} addresses`);
      const seen = new Set<string>();
      for (const a of list) {
        if (seen.has(a)) throw new InputError(`${what}: ${a} is listed twice`);
        seen.add(a);
      }
      if (k.sorted) list = [...list].sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : 1));
      return list;
    }
    case "bool":
      if (t === "true" || t === "false") return t === "true";
      throw new InputError(`${what}: choose ${k.yes} or ${k.no}`);
    case "text32": {
      if (!/^[\x20-\x7e]*$/.test(t)) throw new InputError(`${what}: plain ASCII text only`);
      if (new TextEncoder().encode(t).length > 31) throw new InputError(`${what}: at most 31 characters`);
      return stringToHex(t, { size: 32 });
    }
    case "role": {
      const name = k.roles.find((r) => r === t);
      if (!name) throw new InputError(`${what}: choose one of ${k.roles.join(", ")}`);
      return roleId(name);
    }
    case "selector": {
      if (!isHex(t) || size(t) !== 4)
        throw new InputError(`${what}: a 4-byte function selector (0x + 8 hex digits)`);
      return t.toLowerCase() as Hex;
    }
  }
}
