import { erc20Abi, getAddress, isAddress, type Abi, type Address } from "viem";
import {
  operatorBondsAbi,
  oracleRegistryAbi,
  riskPolicyAbi,
  sigilGovernorAbi,
  sigilTimelockAbi,
  sigilVaultAbi,
  tradeLedgerAbi,
} from "../../abi/generated.js";

/** The Sigil contracts a proposal may call, by role. */
export type ContractKey =
  "vault" | "policy" | "registry" | "bonds" | "governor" | "timelock" | "ledger" | "asset";

/** One known contract: where it is, what it is called, its ABI. */
export interface KnownContract {
  key: ContractKey;
  name: string;
  address: Address;
  abi: Abi;
}

export type KnownContracts = Record<ContractKey, KnownContract>;

/** The ABIs of the generated artefacts, per contract (the stable asset is read as a plain ERC-20). */
export const sigilAbis: Record<ContractKey, Abi> = {
  vault: sigilVaultAbi as Abi,
  policy: riskPolicyAbi as Abi,
  registry: oracleRegistryAbi as Abi,
  bonds: operatorBondsAbi as Abi,
  governor: sigilGovernorAbi as Abi,
  timelock: sigilTimelockAbi as Abi,
  ledger: tradeLedgerAbi as Abi,
  asset: erc20Abi as Abi,
};

const names: Record<ContractKey, string> = {
  vault: "SigilVault",
  policy: "RiskPolicy",
  registry: "OracleRegistry",
  bonds: "OperatorBonds",
  governor: "SigilGovernor",
  timelock: "SigilTimelock",
  ledger: "TradeLedger",
  asset: "stable asset",
};

/** The known contracts from the deployment's addresses: a malformed address is an error, never a silent skip. */
export function knownContracts(addresses: Record<ContractKey, string>): KnownContracts {
  const out = {} as KnownContracts;
  for (const key of Object.keys(names) as ContractKey[]) {
    const address = addresses[key];
    if (!address || !isAddress(address, { strict: false }))
      throw new Error(`the deployment has no valid ${names[key]} address (${String(address)})`);
    out[key] = { key, name: names[key], address: getAddress(address), abi: sigilAbis[key] };
  }
  return out;
}

/** The known contract at `address`, if any. */
export function contractAt(contracts: KnownContracts, address: string): KnownContract | undefined {
  const a = address.toLowerCase();
  return Object.values(contracts).find((c) => c.address.toLowerCase() === a);
}

/** Whether `abi` has a function `name` whose inputs are exactly `inputs` (canonical types). */
export function hasFunction(abi: Abi, name: string, inputs?: readonly string[]): boolean {
  return abi.some(
    (x) =>
      x.type === "function" &&
      x.name === name &&
      (!inputs ||
        (x.inputs.length === inputs.length && x.inputs.every((p, i) => canonicalType(p) === inputs[i]))),
  );
}

/** An ABI parameter's canonical type: tuples spelled out, e.g. "(uint16,address)[]". */
export function canonicalType(p: { type: string; components?: readonly { type: string }[] }): string {
  if (!p.type.startsWith("tuple")) return p.type;
  return `(${(p.components ?? []).map((c) => canonicalType(c as typeof p)).join(",")})${p.type.slice(5)}`;
}
