import type { Address } from "viem";
import type { ContractKey, KnownContracts } from "../contracts.js";
import type { FormatEnv, TokenInfo } from "../env.js";
import { rangeProblem, summaryText, type Field, type Values } from "../fields.js";
import type { ChainReader } from "../reader.js";
import type { Warning } from "../warnings.js";

/** What reading a setter's current value needs. */
export interface CurrentContext {
  reader: ChainReader;
  contracts: KnownContracts;
  fromBlock: bigint;
  /** Read a view of the entry's own contract. */
  read(functionName: string, args?: readonly unknown[]): Promise<unknown>;
}

/** What a setter's checks need: labels and units, the proposer, and which addresses have code. */
export interface CheckContext {
  env: FormatEnv;
  proposer?: Address;
  /** true: a contract; false: an account without code (a key); undefined: not known (not read). */
  hasCode(address: string): boolean | undefined;
}

/**
 * One governance-controlled setter: the contract and function it calls, its fields (form inputs with
 * units and limits, and the decoded arguments), the sentence that summarises it, how to read what is
 * in force now, and what a voter should be warned about. The builder, the decoder and the
 * description check all read this one entry.
 */
export interface CatalogueEntry {
  id: string;
  contract: ContractKey;
  functionName: string;
  /** Canonical input types, e.g. ["(uint16,uint16,uint16,address)"]: the entry applies to this overload. */
  inputs: readonly string[];
  group: string;
  title: string;
  /** Words a description uses for this change (matched at word starts, case-insensitively). */
  topics: readonly string[];
  fields: readonly Field[];
  toArgs(v: Values): readonly unknown[];
  fromArgs(args: readonly unknown[]): Values;
  summary(v: Values, token: TokenInfo): string;
  /** Cross-field rules the contract enforces (the builder refuses; the decoder warns it will revert). */
  validate?(v: Values): string | undefined;
  /**
   * Values in force now, by field name (undefined: nothing in force, e.g. an asset not listed yet);
   * it may add values the checks need that are not fields (e.g. the timelock's minimum delay).
   */
  current?(c: CurrentContext, v: Values): Promise<Values | undefined>;
  checks?(v: Values, current: Values | undefined, c: CheckContext): Warning[];
}

/** "Label value, label value" for the summary of a struct setter. */
export function listText(entry: Pick<CatalogueEntry, "fields">, v: Values, token: TokenInfo): string {
  return entry.fields
    .filter((f) => !f.derived && f.part !== "key")
    .map((f) => `${f.label.toLowerCase()} ${summaryText(f.kind, v[f.name], token)}`)
    .join(", ");
}

/** A struct argument's fields by name (viem decodes a tuple with named components to an object). */
export function structOf(x: unknown): Record<string, unknown> {
  if (x && typeof x === "object" && !Array.isArray(x)) return x as Record<string, unknown>;
  throw new Error(`expected a struct, got ${String(x)}`);
}

/** The first field whose value is outside its limits (the contract's bounds), in words. */
export function rangeProblems(fields: readonly Field[], v: Values): string | undefined {
  for (const f of fields) {
    const problem = rangeProblem(f, v[f.name]);
    if (problem) return problem;
  }
  return undefined;
}

export const big = (v: unknown): bigint => {
  if (typeof v === "bigint") return v;
  if (typeof v === "number" && Number.isInteger(v)) return BigInt(v);
  if (typeof v === "boolean") return v ? 1n : 0n;
  throw new Error(`expected an integer, got ${String(v)}`);
};

export const sameAddress = (a: unknown, b: unknown) =>
  typeof a === "string" && typeof b === "string" && a.toLowerCase() === b.toLowerCase();
