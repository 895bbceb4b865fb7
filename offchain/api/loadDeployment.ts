import { readFileSync } from "node:fs";
import { z } from "zod/v4";
import { ApiError } from "./errors.js";

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "an 0x-prefixed 20-byte address");
const contract = z.object({ address, block: z.number().int().nonnegative() });

/**
 * The part of `deployments/<network>.json` (written by `scripts/deploy/deploySigil.ts`) the API
 * needs. Other fields are allowed and ignored: the file is shared with the engine, nodes and dApp.
 */
export const ApiDeploymentSchema = z.object({
  network: z.string(),
  chainId: z.number().int().positive(),
  contracts: z
    .object({ TradeLedger: contract, SigilVault: contract, RiskPolicy: contract })
    .catchall(contract),
  assets: z.array(
    z.object({
      index: z.number().int().min(0).max(15),
      symbol: z.string().min(1),
      feed: address,
      feedDecimals: z.number().int(),
      maxWeightBps: z.number().int(),
    }),
  ),
  parameters: z.object({ assetDecimals: z.number().int().min(0).max(36) }).passthrough(),
});
export type ApiDeployment = z.infer<typeof ApiDeploymentSchema>;

/** Thrown when the deployment file is missing or does not have the expected shape. Fix the file. */
export class DeploymentFileError extends ApiError {
  override readonly name: string = "DeploymentFileError";
  constructor(message: string) {
    super(500, "DEPLOYMENT_INVALID", message);
  }
}

/** Validates a deployment record (parsed JSON). */
export function parseDeployment(value: unknown, source = "deployment"): ApiDeployment {
  const r = ApiDeploymentSchema.safeParse(value);
  if (!r.success)
    throw new DeploymentFileError(
      `${source} is not a Sigil deployment record: ${r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  return r.data;
}

/** Reads and validates `deployments/<network>.json`. */
export function loadDeployment(path: string): ApiDeployment {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new DeploymentFileError(`cannot read ${path}: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new DeploymentFileError(`${path} is not valid JSON`);
  }
  return parseDeployment(json, path);
}
