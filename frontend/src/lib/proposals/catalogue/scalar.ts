import type { ContractKey } from "../contracts.js";
import { summaryText, type FieldKind, type Values } from "../fields.js";
import type { Warning } from "../warnings.js";
import type { CatalogueEntry, CheckContext, CurrentContext } from "./entry.js";

/** A setter with one argument: `set(x)`, read back by `current`. */
export function scalarSetter(spec: {
  contract: ContractKey;
  functionName: string;
  input: string;
  group: string;
  title: string;
  topics: readonly string[];
  label: string;
  kind: FieldKind;
  help?: string;
  /** The summary sentence, given the value in words. */
  sentence(value: string): string;
  current?(c: CurrentContext): Promise<unknown>;
  /** Other values the checks need (read with the current value, not shown as fields). */
  context?(c: CurrentContext): Promise<Values>;
  /** `context` is what `context()` read (undefined when nothing was read, as in a static decode). */
  checks?(proposed: unknown, current: unknown, c: CheckContext, context?: Values): Warning[];
  /** A rule the contract enforces, if the value breaks it (the builder refuses; the decoder warns). */
  validate?(value: unknown): string | undefined;
}): CatalogueEntry {
  const name = "value";
  return {
    id: `${spec.contract}.${spec.functionName}`,
    contract: spec.contract,
    functionName: spec.functionName,
    inputs: [spec.input],
    group: spec.group,
    title: spec.title,
    topics: spec.topics,
    fields: [{ name, label: spec.label, kind: spec.kind, help: spec.help }],
    toArgs: (v) => [v[name]],
    fromArgs: (args) => ({ [name]: args[0] }),
    summary: (v, token) => spec.sentence(summaryText(spec.kind, v[name], token)),
    validate: spec.validate ? (v) => spec.validate!(v[name]) : undefined,
    current: spec.current
      ? async (c) => {
          const [x, more] = await Promise.all([spec.current!(c), spec.context?.(c)]);
          return x === undefined ? undefined : { ...more, [name]: x };
        }
      : undefined,
    checks: spec.checks ? (v, cur, c) => spec.checks!(v[name], cur?.[name], c, cur) : undefined,
  };
}
