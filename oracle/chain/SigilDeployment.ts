import { readFileSync } from "node:fs";
import { getAddress } from "ethers";
import { z } from "zod";
import { OracleConfigError } from "../errors/OracleError.js";

const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/)
  .transform((a) => getAddress(a));
const contract = z.object({ address, block: z.number().int() });

/** The part of `deployments/<network>.json` (written by scripts/deploy) a node needs. */
const deploymentSchema = z.object({
  network: z.string(),
  chainId: z.number().int().positive(),
  contracts: z
    .object({
      OracleRegistry: contract,
      TradeLedger: contract,
      SigilVault: contract,
      RiskPolicy: contract,
      // Optional: without it a node still counts and logs equivocations but cannot prove them.
      OperatorBonds: contract.optional(),
    })
    .passthrough(),
});

export interface SigilDeployment {
  network: string;
  chainId: number;
  registry: string;
  ledger: string;
  /** Block the ledger was deployed at (where a search of its logs starts; 0 when unknown). */
  ledgerBlock?: number;
  vault: string;
  policy: string;
  /** OperatorBonds, where equivocation proofs go. */
  bonds?: string;
}

/** Read a deployment record; other fields of the file are the deployer's and are ignored. */
export function parseDeployment(json: unknown): SigilDeployment {
  const d = deploymentSchema.parse(json);
  return {
    network: d.network,
    chainId: d.chainId,
    registry: d.contracts.OracleRegistry.address,
    ledger: d.contracts.TradeLedger.address,
    ledgerBlock: d.contracts.TradeLedger.block,
    vault: d.contracts.SigilVault.address,
    policy: d.contracts.RiskPolicy.address,
    ...(d.contracts.OperatorBonds ? { bonds: d.contracts.OperatorBonds.address } : {}),
  };
}

export function loadDeployment(path: string): SigilDeployment {
  try {
    return parseDeployment(JSON.parse(readFileSync(path, "utf8")));
  } catch (err) {
    throw new OracleConfigError(`cannot read deployment file ${path}`, String(err), { cause: err });
  }
}
