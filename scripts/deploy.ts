/**
 * Deploy and wire the Sigil contracts, then write deployments/<network>.json.
 *
 *   npx hardhat run scripts/deploy.ts                       # in-process network (throwaway)
 *   npx hardhat run scripts/deploy.ts --network localhost   # a running `npx hardhat node`
 *   SIGIL_RPC_URL=... SIGIL_DEPLOYER_KEY=... npx hardhat run scripts/deploy.ts --network rpc
 *
 * Optional: SIGIL_DEPLOY_CONFIG=path/to/options.json overrides the local defaults (same shape as
 * DeployOptions; bigint fields as decimal strings).
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { network } from "hardhat";
import { deploySigil, localDeployOptions, type DeployOptions } from "./deploy/deploySigil.js";

const connection = await network.create();
const { ethers, networkName } = connection;
const accounts = await Promise.all((await ethers.getSigners()).map((s) => s.getAddress()));

let options: DeployOptions;
if (process.env.SIGIL_DEPLOY_CONFIG) {
  const raw = JSON.parse(await readFile(process.env.SIGIL_DEPLOY_CONFIG, "utf8")) as DeployOptions & {
    vault: { cap: string | bigint };
  };
  options = { ...raw, vault: { ...raw.vault, cap: BigInt(raw.vault.cap) } };
} else {
  if (accounts.length < 6) {
    throw new Error(
      "local defaults need 6 accounts (deployer, 3 operators, guardian, custodian); set SIGIL_DEPLOY_CONFIG",
    );
  }
  options = localDeployOptions(accounts);
}

const { deployment } = await deploySigil(ethers, options, networkName);
await mkdir("deployments", { recursive: true });
const file = `deployments/${networkName}.json`;
await writeFile(
  file,
  JSON.stringify(deployment, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2) + "\n",
);
console.log(`Deployed Sigil to ${networkName} (chain ${deployment.chainId}); wrote ${file}`);
for (const [name, c] of Object.entries(deployment.contracts))
  console.log(`  ${name.padEnd(22)} ${c.address}  block ${c.block}`);
