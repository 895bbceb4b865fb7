import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import type { PublicClient } from "viem";
import { usePublicClient } from "wagmi";
import {
  chainReaderOf,
  knownContracts,
  loadFormatEnv,
  type ChainContext,
  type FormatEnv,
  type KnownContracts,
} from "../lib/proposals/index.js";
import { CHAIN_KEY } from "./useChainQuery.js";
import { useSigil } from "./useSigil.js";

export interface ProposalEnv {
  contracts: KnownContracts;
  /** Units and labels (read from the chain; undefined while loading). */
  env?: FormatEnv;
  chain?: ChainContext;
  error?: Error | null;
}

/** The known contracts, the labels and units proposals are shown with, and a chain reader. */
export function useProposalEnv(): ProposalEnv {
  const { addresses, deployment } = useSigil();
  const client = usePublicClient() as PublicClient | undefined;
  const contracts = useMemo(() => knownContracts(addresses), [addresses]);
  const chain = useMemo(
    () => (client ? { reader: chainReaderOf(client), fromBlock: addresses.fromBlock } : undefined),
    [client, addresses.fromBlock],
  );
  const q = useQuery({
    queryKey: [CHAIN_KEY, "proposal-env"],
    queryFn: () =>
      loadFormatEnv(chain!.reader, contracts, {
        deployer: deployment.deployer,
        guardian: deployment.parameters.guardian,
        custodian: deployment.parameters.custodian,
        // Part of a holder's exit path (the schedule's and the timelock's checks use it).
        custodyReturnSeconds: (deployment.parameters as { custody?: { returnWithinSeconds?: number } })
          .custody?.returnWithinSeconds,
      }),
    enabled: !!chain,
    refetchInterval: 10_000,
  });
  return { contracts, env: q.data, chain, error: q.error };
}
