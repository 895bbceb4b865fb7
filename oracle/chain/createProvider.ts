import { JsonRpcProvider, Network } from "ethers";

/**
 * The node's JSON-RPC provider. Static network: no chain-id probing that fails (and spams) while the
 * endpoint is down. No response cache: ethers shares identical requests for 250 ms by default, which
 * would answer "is this sequence on-chain yet?" from the past. No batching: a batch waits 10 ms to fill.
 */
export function createProvider(url: string, chainId: number, pollingIntervalMs: number): JsonRpcProvider {
  return new JsonRpcProvider(url, Network.from(chainId), {
    staticNetwork: true,
    pollingInterval: pollingIntervalMs,
    cacheTimeout: -1,
    batchMaxCount: 1,
  });
}
