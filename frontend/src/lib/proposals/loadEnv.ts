import type { KnownContracts } from "./contracts.js";
import { labelMap, type FormatEnv } from "./env.js";
import { text32 } from "./fields.js";
import type { ChainReader } from "./reader.js";
import type { Hex } from "viem";

/** Accounts (and the custodian's return time) the deployment file names. */
export interface DeploymentAccounts {
  deployer?: string;
  guardian?: string;
  custodian?: string;
  /** `parameters.custody.returnWithinSeconds`. */
  custodyReturnSeconds?: number | bigint;
}

/**
 * Read what rendering proposals needs: token symbols and decimals, the policy's asset symbols, and
 * labels for the accounts voters should recognise (operators, treasuries and the security council as
 * they are now, and the deployment's guardian, custodian and deployer).
 */
export async function loadFormatEnv(
  reader: ChainReader,
  contracts: KnownContracts,
  accounts: DeploymentAccounts,
): Promise<FormatEnv> {
  const k = contracts;
  const [assetSymbol, assetDecimals, shareSymbol, shareDecimals, operators, fees, params, count, council] =
    await Promise.all([
      reader.read(k.asset, "symbol"),
      reader.read(k.asset, "decimals"),
      reader.read(k.vault, "symbol"),
      reader.read(k.vault, "decimals"),
      reader.read(k.registry, "operators"),
      reader.read(k.vault, "fees"),
      reader.read(k.bonds, "params"),
      reader.read(k.policy, "assetCount"),
      reader.read(k.governor, "proposalGuardian"),
    ]);
  const assetSymbols = await Promise.all(
    Array.from({ length: Number(count) }, async (_, i) =>
      text32((await reader.read(k.policy, "assetSymbol", [i])) as Hex),
    ),
  );
  return {
    token: {
      assetSymbol: String(assetSymbol),
      assetDecimals: Number(assetDecimals),
      shareSymbol: String(shareSymbol),
      shareDecimals: Number(shareDecimals),
    },
    contracts,
    assetSymbols,
    custodyReturnSeconds:
      accounts.custodyReturnSeconds !== undefined ? BigInt(accounts.custodyReturnSeconds) : undefined,
    labels: labelMap([
      ...(operators as readonly string[]).map((o): [string, string] => [o, "operator"]),
      [(fees as { treasury: string }).treasury, "treasury"],
      [(params as { treasury: string }).treasury, "slashing treasury"],
      [accounts.guardian, "guardian"],
      [BigInt(council as string) === 0n ? undefined : (council as string), "security council"],
      [accounts.custodian, "custodian"],
      [accounts.deployer, "deployer"],
    ]),
  };
}
