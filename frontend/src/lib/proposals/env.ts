import { getAddress, type Address } from "viem";
import type { KnownContracts } from "./contracts.js";

/** Symbols and decimals of the stable asset and the vault share. */
export interface TokenInfo {
  assetSymbol: string;
  assetDecimals: number;
  shareSymbol: string;
  shareDecimals: number;
}

/** What rendering a value needs: token units, known contracts, account labels, asset symbols. */
export interface FormatEnv {
  token: TokenInfo;
  contracts: KnownContracts;
  /** Lower-case address → label ("guardian", "operator", "the proposer", …). */
  labels: ReadonlyMap<string, string>;
  /** Symbols of the policy's assets by index, when known. */
  assetSymbols?: readonly string[];
  /**
   * The custodian's commitment to return funds from the venue, in seconds (the deployment file's
   * `parameters.custody.returnWithinSeconds`), when known: part of a holder's exit path.
   */
  custodyReturnSeconds?: bigint;
}

/** The label of an address: a known contract's name, or an account's label. */
export function labelOf(env: FormatEnv, address: string): string | undefined {
  const a = address.toLowerCase();
  const contract = Object.values(env.contracts).find((c) => c.address.toLowerCase() === a);
  if (contract) return contract.name;
  return env.labels.get(a);
}

/** Accounts worth naming, each with its label; later entries do not replace earlier ones. */
export function labelMap(entries: Array<[string | undefined, string]>): Map<string, string> {
  const m = new Map<string, string>();
  for (const [address, label] of entries) {
    if (!address) continue;
    const a = address.toLowerCase();
    const had = m.get(a);
    m.set(a, had ? (had.split(", ").includes(label) ? had : `${had}, ${label}`) : label);
  }
  return m;
}

export function checksum(address: string): Address {
  return getAddress(address);
}
