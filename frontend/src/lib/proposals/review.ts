import type { Address, Hex } from "viem";
import { isAddress } from "viem";
import type { CatalogueEntry } from "./catalogue/index.js";
import type { KnownContracts } from "./contracts.js";
import { decodeAction, withProposer, type DecodeEnv, type DecodedAction } from "./decode.js";
import { checkDescription, summaryOf, type DescriptionCheck } from "./description.js";
import type { FormatEnv } from "./env.js";
import { displayText, sameValue, type Values } from "./fields.js";
import type { ChainReader } from "./reader.js";
import { danger, info, worstOf, type Severity, type Warning } from "./warnings.js";

/** A proposal as the Governor's ProposalCreated event gives it. */
export interface ProposalInput {
  targets: readonly string[];
  values: readonly bigint[];
  calldatas: readonly Hex[];
  description: string;
  proposer?: string;
}

/** One line of "what changes": a field's value in force now and the one proposed. */
export interface Change {
  field: string;
  label: string;
  part: "key" | "value" | "note";
  proposed: string;
  /** In force now (absent when not read, or nothing is in force, e.g. an asset not listed yet). */
  current?: string;
  changed?: boolean;
}

export interface ReviewedAction extends DecodedAction {
  changes: Change[];
}

/** Everything a voter should see about a proposal before voting. */
export interface ProposalReview {
  actions: ReviewedAction[];
  /** The generated summary of the actions. */
  summary: string;
  description: DescriptionCheck;
  /** Every finding: the proposal's and its actions', most serious first. */
  warnings: Warning[];
  /** The findings about the proposal as a whole (its shape, its description), most serious first. */
  proposalWarnings: Warning[];
  severity: Severity | "ok";
}

/** What a review reads from the chain, and from which block events are scanned. */
export interface ChainContext {
  reader: ChainReader;
  fromBlock: bigint;
}

function changesOf(a: DecodedAction, current: Values | undefined, env: FormatEnv): Change[] {
  if (!a.entry || !a.values) return [];
  return a.entry.fields.map((f): Change => {
    const part = f.part ?? "value";
    const proposed = displayText(f.kind, a.values![f.name], env);
    if (part !== "value" || !current || current[f.name] === undefined)
      return { field: f.name, label: f.label, part, proposed };
    return {
      field: f.name,
      label: f.label,
      part,
      proposed,
      current: displayText(f.kind, current[f.name], env),
      changed: !sameValue(f.kind, current[f.name], a.values![f.name]),
    };
  });
}

const rank = { danger: 0, warning: 1, info: 2 } as const;
const bySeverity = (x: Warning, y: Warning) => rank[x.severity] - rank[y.severity];

function assemble(p: ProposalInput, actions: ReviewedAction[], extra: Warning[]): ProposalReview {
  const description = checkDescription(p.description, actions);
  const proposalWarnings = [...extra, ...description.warnings].sort(bySeverity);
  const warnings = [
    ...proposalWarnings,
    ...actions.flatMap((a) =>
      a.warnings.map((w) => ({ ...w, message: `Action ${a.index + 1}: ${w.message}` })),
    ),
  ].sort(bySeverity);
  return {
    actions,
    summary: summaryOf(actions),
    description,
    warnings,
    proposalWarnings,
    severity: worstOf(warnings),
  };
}

function shapeWarnings(p: ProposalInput): Warning[] {
  const n = p.targets.length;
  if (n === 0) return [danger("malformed", "The proposal has no actions.")];
  if (p.values.length !== n || p.calldatas.length !== n)
    return [
      danger(
        "malformed",
        `The proposal's lists differ in length (${n} targets, ${p.values.length} values, ${p.calldatas.length} calldatas).`,
      ),
    ];
  return [];
}

function decodeAll(p: ProposalInput, env: DecodeEnv): DecodedAction[] {
  return p.targets.map((target, i) =>
    decodeAction({ target, value: p.values[i] ?? 0n, data: p.calldatas[i] ?? "0x" }, i, env),
  );
}

/**
 * Decode a proposal without reading the chain: every action in words, the static findings, the
 * description check. (The dApp uses `reviewProposal`, which adds current values and chain checks.)
 */
export function decodeProposal(p: ProposalInput, base: FormatEnv): ProposalReview {
  const env = withProposer(base, p.proposer);
  const actions = decodeAll(p, env).map((a): ReviewedAction => {
    const checks =
      a.entry?.checks?.(a.values!, undefined, { env, proposer: env.proposer, hasCode: () => undefined }) ??
      [];
    return { ...a, warnings: [...a.warnings, ...checks], changes: changesOf(a, undefined, env) };
  });
  return assemble(p, actions, shapeWarnings(p));
}

/** The values in force now for a setter (undefined when it has no reader, or nothing is in force). */
export async function readCurrent(
  entry: CatalogueEntry,
  values: Values,
  contracts: KnownContracts,
  chain: ChainContext,
): Promise<Values | undefined> {
  if (!entry.current) return undefined;
  const c = contracts[entry.contract];
  return entry.current(
    {
      reader: chain.reader,
      contracts,
      fromBlock: chain.fromBlock,
      read: (fn, args) => chain.reader.read(c, fn, args),
    },
    values,
  );
}

/** Every address an action names: its target and the address-valued arguments. */
function addressesOf(a: DecodedAction): string[] {
  const out = [a.target];
  if (a.entry && a.values)
    for (const f of a.entry.fields) {
      const v = a.values[f.name];
      if (f.kind.type === "address" && typeof v === "string") out.push(v);
      if (f.kind.type === "addresses" && Array.isArray(v)) out.push(...(v as string[]));
    }
  return out.filter((x) => isAddress(x, { strict: false }));
}

/**
 * Review a proposal against the chain: decode every action, read what is in force now for each
 * setter (current → new), check which addresses are contracts, and apply every warning rule.
 * A failed read is reported as such; it never hides an action or its warnings.
 */
export async function reviewProposal(
  p: ProposalInput,
  base: FormatEnv,
  chain: ChainContext,
): Promise<ProposalReview> {
  const env = withProposer(base, p.proposer);
  const decoded = decodeAll(p, env);
  const unique = [...new Set(decoded.flatMap(addressesOf).map((a) => a.toLowerCase()))];
  const codes = new Map<string, boolean | undefined>();
  await Promise.all(
    unique.map(async (a) => {
      try {
        const code = await chain.reader.code(a as Address);
        codes.set(a, !!code && code !== "0x");
      } catch {
        codes.set(a, undefined);
      }
    }),
  );
  const hasCode = (a: string) => codes.get(a.toLowerCase());
  const actions = await Promise.all(
    decoded.map(async (a): Promise<ReviewedAction> => {
      const warnings = [...a.warnings];
      if (!a.contract && hasCode(a.target) === false)
        warnings.push(
          danger(
            "no-code-target",
            `The target ${a.target} has no code: the call does nothing but can carry ETH.`,
          ),
        );
      let current: Values | undefined;
      if (a.entry && a.values && a.contract) {
        try {
          current = await readCurrent(a.entry, a.values, env.contracts, chain);
        } catch (e) {
          warnings.push(
            info(
              "current-unavailable",
              `The value in force now could not be read (${(e as Error).message.split("\n")[0]}).`,
            ),
          );
        }
      }
      const checks = a.entry?.checks?.(a.values!, current, { env, proposer: env.proposer, hasCode }) ?? [];
      return { ...a, warnings: [...warnings, ...checks], changes: changesOf(a, current, env) };
    }),
  );
  return assemble(p, actions, shapeWarnings(p));
}
