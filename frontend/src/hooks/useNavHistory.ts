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
    // The last rejected report, if no epoch settled after it: a change beyond the NAV bound waiting for
    // a second report to confirm it (its epoch is still the one settling next).
    const last = rejected.at(-1);
    const lastSettled = settled.at(-1);
    const awaiting =
      last && (!lastSettled || last.blockNumber > lastSettled.blockNumber)
        ? {
            reported: last.args.reported ?? 0n,
            booked: last.args.booked ?? 0n,
            confirmableAt: last.args.confirmableAt ?? 0n,
          }
        : undefined;
    return { points, rejected: rejected.length, awaiting };
  });
}
