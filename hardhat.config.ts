import { createRequire } from "node:module";
import { defineConfig } from "hardhat/config";
import hardhatEthers from "@nomicfoundation/hardhat-ethers";
import hardhatEthersChaiMatchers from "@nomicfoundation/hardhat-ethers-chai-matchers";
import hardhatMocha from "@nomicfoundation/hardhat-mocha";
import hardhatNetworkHelpers from "@nomicfoundation/hardhat-network-helpers";

// The compiler comes from the npm `solc` package (soljson.js), so no download is ever needed.
const require = createRequire(import.meta.url);
const soljson = require.resolve("solc/soljson.js");
const SOLC_VERSION: string = require("solc/package.json").version;

// runs = 200: the vault (ERC-4626 + votes + permit + roles) must stay under the 24 KiB code limit.
const SOLC_SETTINGS = { optimizer: { enabled: true, runs: 200 }, evmVersion: "cancun" };

export default defineConfig({
  plugins: [hardhatEthers, hardhatEthersChaiMatchers, hardhatMocha, hardhatNetworkHelpers],
  solidity: {
    profiles: {
      default: {
        version: SOLC_VERSION,
        path: soljson,
        settings: SOLC_SETTINGS,
      },
      production: {
        version: SOLC_VERSION,
        path: soljson,
        settings: SOLC_SETTINGS,
      },
    },
  },
  paths: {
    tests: { mocha: "test", solidity: "test/solidity" },
  },
  test: {
    mocha: { timeout: 120_000 },
    solidity: { fuzz: { runs: 256 }, invariant: { runs: 256, depth: 128 } },
  },
  networks: {
    localhost: { type: "http", url: process.env.SIGIL_RPC_URL ?? "http://127.0.0.1:8545" },
    rpc: {
      type: "http",
      url: process.env.SIGIL_RPC_URL ?? "http://127.0.0.1:8545",
      accounts: process.env.SIGIL_DEPLOYER_KEY ? [process.env.SIGIL_DEPLOYER_KEY] : "remote",
    },
  },
});
