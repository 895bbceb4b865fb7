/**
 * Deploy and wire the Sigil contracts, then write deployments/<network>.json.
 *
 *   npx hardhat run scripts/deploy.ts                       # in-process network (throwaway)
 *   npx hardhat run scripts/deploy.ts --network localhost   # a running `npx hardhat node`
 *   SIGIL_RPC_URL=... SIGIL_DEPLOYER_KEY=... npx hardhat run scripts/deploy.ts --network rpc
 *
 * Optional: SIGIL_DEPLOY_CONFIG=path/to/options.json overrides the local defaults (same shape as
 * DeployOptions; bigint fields as decimal strings). The vault schedule, the custodian's return time
 * and the governance settings it leaves out default to `realNetworkGovernance` (a real network's
 * days, not the local minutes); `deploySigil` refuses settings under which a minority could act
 * faster than holders can exit.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { network } from "hardhat";
import {
  deploySigil,
  localDeployOptions,
  realNetworkGovernance,
  type DeployOptions,
} from "./deploy/deploySigil.js";

const connection = await network.create();
const { ethers, networkName } = connection;
const accounts = await Promise.all((await ethers.getSigners()).map((s) => s.getAddress()));

let options: DeployOptions;
if (process.env.SIGIL_DEPLOY_CONFIG) {
  const raw = JSON.parse(await readFile(process.env.SIGIL_DEPLOY_CONFIG, "utf8")) as Omit<
    DeployOptions,
    "vault" | "custody" | "governance"
  > & {
    vault: { cap: string | bigint; schedule?: DeployOptions["vault"]["schedule"] };
    custody?: DeployOptions["custody"];
    governance?: Partial<DeployOptions["governance"]>;
  };
  const real = realNetworkGovernance;
  options = {
    ...raw,
    vault: { cap: BigInt(raw.vault.cap), schedule: { ...real.schedule, ...raw.vault.schedule } },
    custody: { ...real.custody, ...raw.custody },
    governance: { ...real.governance, ...raw.governance },
  };
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
