import type { Address } from "viem";

/** The subset of `deployments/<network>.json` (written by scripts/deploy.ts) the dApp reads. */
export interface Deployment {
  network: string;
  chainId: number;
  deployer: Address;
  contracts: Record<string, { address: Address; block: number }>;
  assets: Array<{ index: number; symbol: string; feed: Address; feedDecimals: number; maxWeightBps: number }>;
  oracle: { operators: Address[]; threshold: number; configDigest: `0x${string}` };
  parameters: {
    asset: Address;
    guardian: Address;
    custodian: Address;
    treasury: Address;
    assetDecimals: number;
  };
  /** Optional: JSON-RPC endpoint for reads (absolute, or relative to the page). */
  rpcUrl?: string;
}

/** Addresses of the contracts the dApp talks to. */
export interface SigilAddresses {
  asset: Address;
  vault: Address;
  /** The vault's request book (epochs, cut-offs, requests). */
  book: Address;
  ledger: Address;
  policy: Address;
  registry: Address;
  bonds: Address;
  governor: Address;
  timelock: Address;
  /** Block of the first deployment: event scans start here. */
  fromBlock: bigint;
  /** Whether the asset is the local MockStable (anyone may mint: the dApp shows a faucet). */
  mockAsset: boolean;
}

export class DeploymentError extends Error {
  override name = "DeploymentError";
}

function need(d: Deployment, name: string): { address: Address; block: number } {
  const c = d.contracts[name];
  if (!c) throw new DeploymentError(`the deployment file has no ${name} address`);
  return c;
}

export function addressesOf(d: Deployment): SigilAddresses {
  const blocks = Object.values(d.contracts)
    .map((c) => c.block)
    .filter((b) => b > 0);
  return {
    asset: d.parameters.asset,
    vault: need(d, "SigilVault").address,
    book: need(d, "EpochBook").address,
    ledger: need(d, "TradeLedger").address,
    policy: need(d, "RiskPolicy").address,
    registry: need(d, "OracleRegistry").address,
    bonds: need(d, "OperatorBonds").address,
    governor: need(d, "SigilGovernor").address,
    timelock: need(d, "SigilTimelock").address,
    fromBlock: BigInt(blocks.length ? Math.min(...blocks) : 0),
    mockAsset: d.contracts.MockStable?.address?.toLowerCase() === d.parameters.asset.toLowerCase(),
  };
}

/**
 * Load the deployment: `VITE_SIGIL_DEPLOYMENT` (inline JSON, fixed at build time) wins; otherwise the
 * file at `VITE_SIGIL_DEPLOYMENT_URL` (default `/deployments.json`, served next to the app).
 */
export async function loadDeployment(): Promise<Deployment> {
  const inline = import.meta.env.VITE_SIGIL_DEPLOYMENT as string | undefined;
  if (inline) return JSON.parse(inline) as Deployment;
  const url = (import.meta.env.VITE_SIGIL_DEPLOYMENT_URL as string | undefined) ?? "/deployments.json";
  const res = await fetch(url, { cache: "no-store" });
  if (!res.ok)
    throw new DeploymentError(`could not load the contract addresses from ${url} (HTTP ${res.status})`);
  return (await res.json()) as Deployment;
}

/** The RPC endpoint for reads: the deployment's `rpcUrl`, else `VITE_SIGIL_RPC_URL`, else localhost:8545. */
export function rpcUrlOf(d: Deployment): string {
  const raw =
    d.rpcUrl ?? (import.meta.env.VITE_SIGIL_RPC_URL as string | undefined) ?? "http://127.0.0.1:8545";
  return new URL(raw, window.location.href).toString();
}
