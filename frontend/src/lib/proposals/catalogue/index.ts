import { bondsEntries } from "./bonds.js";
import type { CatalogueEntry } from "./entry.js";
import { governorEntries } from "./governor.js";
import { policyEntries } from "./policy.js";
import { registryEntries } from "./registry.js";
import { roleChangeEntries } from "./roles.js";
import { timelockEntries } from "./timelock.js";
import { vaultEntries } from "./vault.js";

export type { CatalogueEntry, CheckContext, CurrentContext } from "./entry.js";
export { exitPathOf, type ExitPath } from "./exitPath.js";

/** Every governance-controlled setter, one entry each: the builder, decoder and checks read these. */
export const catalogue: readonly CatalogueEntry[] = [
  ...policyEntries,
  ...vaultEntries,
  ...registryEntries,
  ...bondsEntries,
  ...roleChangeEntries,
  ...governorEntries,
  ...timelockEntries,
];

/** The entry for `contract.functionName(inputs)`, if it is a governance setter. */
export function entryFor(
  contract: string,
  functionName: string,
  inputs: readonly string[],
): CatalogueEntry | undefined {
  return catalogue.find(
    (e) =>
      e.contract === contract &&
      e.functionName === functionName &&
      e.inputs.length === inputs.length &&
      e.inputs.every((t, i) => t === inputs[i]),
  );
}

export function entryById(id: string): CatalogueEntry | undefined {
  return catalogue.find((e) => e.id === id);
}
