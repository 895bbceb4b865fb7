import { defineChain, type Chain } from "viem";
import { createConfig, http, injected, type Config, type CreateConnectorFn } from "wagmi";
import { walletConnect } from "wagmi/connectors";
import type { Deployment } from "./deployment.js";
import { rpcUrlOf } from "./deployment.js";

/** The chain the deployment lives on (31337 for a local Hardhat node). */
export function chainOf(d: Deployment): Chain {
  const url = rpcUrlOf(d);
  return defineChain({
    id: d.chainId,
    name: d.chainId === 31337 ? "Sigil local (Hardhat)" : d.network,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [url] } },
  });
}

/**
 * Injected wallets always; WalletConnect only when `VITE_WALLETCONNECT_PROJECT_ID` is set at build
 * time (and `@walletconnect/ethereum-provider` is installed).
 */
export function createWagmiConfig(d: Deployment): Config {
  const chain = chainOf(d);
  const connectors: CreateConnectorFn[] = [injected()];
  const projectId = import.meta.env.VITE_WALLETCONNECT_PROJECT_ID as string | undefined;
  if (projectId) connectors.push(walletConnect({ projectId, showQrModal: true }));
  return createConfig({
    chains: [chain],
    connectors,
    transports: { [chain.id]: http(rpcUrlOf(d)) },
    pollingInterval: 1_000,
  });
}
