/** Shared fixtures for the dApp's proposal decoder tests: fixed addresses, units, labels. */
import { Interface, getAddress, id } from "ethers";
import {
  knownContracts,
  labelMap,
  type ChainContext,
  type ChainEvent,
  type FormatEnv,
  type KnownContracts,
} from "../../frontend/src/lib/proposals/index.js";

const addr = (n: number) => getAddress(`0x${n.toString(16).padStart(40, "0")}`);

export const A = {
  vault: getAddress("0x5fbdb2315678afecb367f032d93f642f64180aa3"),
  policy: addr(0x1002),
  registry: addr(0x1003),
  bonds: addr(0x1004),
  governor: addr(0x1005),
  timelock: addr(0x1006),
  ledger: addr(0x1007),
  asset: addr(0x1008),
  deployer: getAddress("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"),
  guardian: addr(0xa4),
  custodian: addr(0xa5),
  operators: [addr(0xb1), addr(0xb2), addr(0xb3)],
  attacker: getAddress("0x23618e81e3f5cdf7f54c3d65f7fbc0abf5b21e8f"),
};

export const token = { assetSymbol: "mUSD", assetDecimals: 6, shareSymbol: "sgSHARE", shareDecimals: 12 };

export function contractsOf(): KnownContracts {
  return knownContracts(A);
}

/** As loadFormatEnv reads it for the local deployment: the guardian is the security council. */
export function envOf(over: Partial<FormatEnv> = {}): FormatEnv {
  return {
    token,
    contracts: contractsOf(),
    custodyReturnSeconds: 600n,
    labels: labelMap([
      [A.deployer, "deployer"],
      [A.deployer, "treasury"],
      [A.guardian, "guardian"],
      [A.guardian, "security council"],
      [A.custodian, "custodian"],
      ...A.operators.map((o): [string, string] => [o, "operator"]),
    ]),
    assetSymbols: ["BTC", "ETH"],
    ...over,
  };
}

export const iface = (env: FormatEnv, key: keyof KnownContracts) =>
  new Interface(env.contracts[key].abi as unknown as ConstructorParameters<typeof Interface>[0]);

export const roleHash = (name: string) => (name === "DEFAULT_ADMIN_ROLE" ? `0x${"0".repeat(64)}` : id(name));

/**
 * A chain that answers only the views it is given, by "contract.function" (a value, or a function of
 * the call's arguments): for checks that need values in force without deploying anything.
 */
export function fakeChain(
  views: Record<string, unknown>,
  events: Record<string, ChainEvent[]> = {},
): ChainContext {
  return {
    fromBlock: 0n,
    reader: {
      read: async (c, fn, args = []) => {
        const v = views[`${c.key}.${fn}`];
        if (v === undefined) throw new Error(`the fake chain has no ${c.key}.${fn}`);
        return typeof v === "function" ? (v as (a: readonly unknown[]) => unknown)(args) : v;
      },
      code: async () => "0x6080",
      events: async (c, name) => events[`${c.key}.${name}`] ?? [],
      transaction: async (hash) => {
        throw new Error(`the fake chain has no transaction ${hash}`);
      },
    },
  };
}
