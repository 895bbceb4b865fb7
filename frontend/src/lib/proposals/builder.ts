import { encodeFunctionData, type Address, type Hex } from "viem";
import type { CatalogueEntry } from "./catalogue/index.js";
import type { KnownContracts } from "./contracts.js";
import type { TokenInfo } from "./env.js";
import { inputText, parseInput, type Values } from "./fields.js";
import { roleNameOf } from "./roles.js";
import { InputError } from "./units.js";

/** A form's typed text, by field name. */
export type FormText = Record<string, string>;

/** A parsed form: the values to encode, or what is wrong, field by field. */
export interface ParsedForm {
  values?: Values;
  errors: Record<string, string>;
  /** A rule across fields the contract would refuse (e.g. the threshold must be a majority). */
  problem?: string;
}

/** The fields a user types (derived fields such as "holds the role" are not typed). */
export function formFields(entry: CatalogueEntry) {
  return entry.fields.filter((f) => !f.derived);
}

/** Parse every field; nothing is encoded unless every field is valid and the contract would accept it. */
export function parseForm(entry: CatalogueEntry, form: FormText, token: TokenInfo): ParsedForm {
  const values: Values = {};
  const errors: Record<string, string> = {};
  for (const f of formFields(entry)) {
    try {
      values[f.name] = parseInput(f, form[f.name] ?? "", token);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      errors[f.name] = e.message;
    }
  }
  if (Object.keys(errors).length) return { errors };
  const full = { ...values, ...entry.fromArgs(entry.toArgs(values)) };
  const problem = entry.validate?.(full);
  return problem ? { errors, problem } : { values: full, errors };
}

/** One proposal action: target, ETH value (always 0 for a setter) and calldata. */
export interface EncodedAction {
  target: Address;
  value: bigint;
  data: Hex;
}

/** Encode a setter call against the deployed contract's ABI. */
export function encodeAction(
  entry: CatalogueEntry,
  values: Values,
  contracts: KnownContracts,
): EncodedAction {
  const c = contracts[entry.contract];
  return {
    target: c.address,
    value: 0n,
    data: encodeFunctionData({ abi: c.abi, functionName: entry.functionName, args: entry.toArgs(values) }),
  };
}

/** The form text for values in force now (so a struct setter starts from the current struct). */
export function formOf(entry: CatalogueEntry, values: Values, token: TokenInfo): FormText {
  const out: FormText = {};
  for (const f of formFields(entry)) {
    const v = values[f.name];
    if (v === undefined) continue;
    out[f.name] = f.kind.type === "role" ? (roleNameOf(String(v)) ?? "") : inputText(f.kind, v, token);
  }
  return out;
}

/** Starting text for a new form: the first role, the kill-switch reason, "no" for booleans. */
export function defaultForm(entry: CatalogueEntry): FormText {
  const out: FormText = {};
  for (const f of formFields(entry)) {
    if (f.kind.type === "role") out[f.name] = f.kind.roles[0] ?? "";
    else if (f.kind.type === "bool") out[f.name] = "false";
    else if (f.kind.type === "killLevel") out[f.name] = "0";
    else if (f.kind.type === "text32" && f.part === "note") out[f.name] = "governance";
    else out[f.name] = "";
  }
  return out;
}
