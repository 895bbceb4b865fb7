import { sigilVaultAbi } from "../abi/generated.js";
import { useChainQuery } from "./useChainQuery.js";
import { useSigil } from "./useSigil.js";

export interface NavPoint {
  epoch: bigint;
  totalAssets: bigint;
  pps: bigint;
  block: bigint;
}

/** One point per EpochSettled event, plus NAV reports rejected for moving too far. */
export function useNavHistory() {
  const { addresses } = useSigil();
  const v = { address: addresses.vault, abi: sigilVaultAbi } as const;
  return useChainQuery(["nav-history"], async (c) => {
    const [settled, rejected] = await Promise.all([
      c.getContractEvents({ ...v, eventName: "EpochSettled", fromBlock: addresses.fromBlock }),
      c.getContractEvents({ ...v, eventName: "NavRejected", fromBlock: addresses.fromBlock }),
    ]);
    const points: NavPoint[] = settled.map((e) => ({
      epoch: e.args.epoch ?? 0n,
      totalAssets: e.args.totalAssets ?? 0n,
      pps: e.args.pricePerShare ?? 0n,
      block: e.blockNumber,
    }));
    return { points, rejected: rejected.length };
  });
}
