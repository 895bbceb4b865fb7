import { useQuery, type UseQueryResult } from "@tanstack/react-query";
import type { PublicClient } from "viem";
import { usePublicClient } from "wagmi";

/** Every chain read lives under this key, so one invalidation after a transaction refreshes the page. */
export const CHAIN_KEY = "sigil-chain";

/** Poll a read against the chain's public client (every 2 s, and after each transaction). */
export function useChainQuery<T>(
  key: readonly unknown[],
  read: (client: PublicClient) => Promise<T>,
  enabled = true,
): UseQueryResult<T> {
  const client = usePublicClient();
  return useQuery({
    queryKey: [CHAIN_KEY, ...key],
    queryFn: () => read(client as PublicClient),
    enabled: enabled && !!client,
    refetchInterval: 2_000,
  });
}
