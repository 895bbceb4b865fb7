import type { ContractKey } from "../contracts.js";
import { summaryText, type FieldKind } from "../fields.js";
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
  upcoming?: boolean;
  /** The summary sentence, given the value in words. */
  sentence(value: string): string;
  current?(c: CurrentContext): Promise<unknown>;
  checks?(proposed: unknown, current: unknown, c: CheckContext): Warning[];
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
    upcoming: spec.upcoming,
    fields: [{ name, label: spec.label, kind: spec.kind, help: spec.help }],
    toArgs: (v) => [v[name]],
    fromArgs: (args) => ({ [name]: args[0] }),
    summary: (v, token) => spec.sentence(summaryText(spec.kind, v[name], token)),
    current: spec.current
      ? async (c) => {
          const x = await spec.current!(c);
          return x === undefined ? undefined : { [name]: x };
        }
      : undefined,
    checks: spec.checks ? (v, cur, c) => spec.checks!(v[name], cur?.[name], c) : undefined,
  };
}
