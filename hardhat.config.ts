import { createRequire } from "node:module";
import { defineConfig } from "hardhat/config";
import hardhatEthers from "@nomicfoundation/hardhat-ethers";
import hardhatEthersChaiMatchers from "@nomicfoundation/hardhat-ethers-chai-matchers";
import hardhatMocha from "@nomicfoundation/hardhat-mocha";
import hardhatNetworkHelpers from "@nomicfoundation/hardhat-network-helpers";
import hardhatTypechain from "@nomicfoundation/hardhat-typechain";

// The compiler comes from the npm `solc` package (soljson.js), so no download is ever needed.
const require = createRequire(import.meta.url);
const soljson = require.resolve("solc/soljson.js");
const SOLC_VERSION: string = require("solc/package.json").version;

// Hot paths (report verification, ledger, policy) are optimised for runtime gas; the vault
// (ERC-4626 + votes + permit + roles) is compiled through the IR pipeline with runs = 200 to stay under
// the 24 KiB code-size limit (its request book and NAV guard are separate contracts it deploys).
const compiler = (runs: number, viaIR = false) => ({
  version: SOLC_VERSION,
  path: soljson,
  settings: { optimizer: { enabled: true, runs }, evmVersion: "cancun", ...(viaIR ? { viaIR } : {}) },
});
const profile = {
  compilers: [compiler(10_000)],
  overrides: { "contracts/vault/SigilVault.sol": compiler(200, true) },
};

export default defineConfig({
  plugins: [hardhatEthers, hardhatEthersChaiMatchers, hardhatMocha, hardhatNetworkHelpers, hardhatTypechain],
  solidity: {
    profiles: { default: profile, production: profile },
  },
  paths: {
    tests: { mocha: "test", solidity: "test/solidity" },
  },
  test: {
    mocha: { timeout: 120_000 },
    solidity: { fuzz: { runs: 256 }, invariant: { runs: 256, depth: 128 } },
  },
  networks: {
    // The chain `npm start` runs (`hardhat --network sigilNode node`). SIGIL_GENESIS_TIME (unix
    // seconds) pins the genesis block so that a restart can replay the journal of an earlier run
    // onto an identical chain (offchain/devchain).
    sigilNode: {
      type: "edr-simulated",
      chainId: 31337,
      // Blocks mined within one second share its timestamp, so the chain's clock follows the wall
      // instead of running a second ahead per block (NAV valuations must pass epoch cut-offs in chain
      // time, and nodes refuse valuations from their future).
      allowBlocksWithSameTimestamp: true,
      ...(process.env.SIGIL_GENESIS_TIME
        ? { initialDate: new Date(Number(process.env.SIGIL_GENESIS_TIME) * 1000) }
        : {}),
    },
    localhost: { type: "http", url: process.env.SIGIL_RPC_URL ?? "http://127.0.0.1:8545" },
    rpc: {
      type: "http",
      url: process.env.SIGIL_RPC_URL ?? "http://127.0.0.1:8545",
      accounts: process.env.SIGIL_DEPLOYER_KEY ? [process.env.SIGIL_DEPLOYER_KEY] : "remote",
    },
  },
});
