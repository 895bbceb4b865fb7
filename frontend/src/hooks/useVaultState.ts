import { epochBookAbi, sigilVaultAbi } from "../abi/generated.js";
import { useChainQuery } from "./useChainQuery.js";
import { useSigil } from "./useSigil.js";

/** The vault overview: NAV, price, high-water mark, epoch and cut-off, cap, schedule, freshness. */
export function useVaultState() {
  const { addresses } = useSigil();
  const v = { address: addresses.vault, abi: sigilVaultAbi } as const;
  const b = { address: addresses.book, abi: epochBookAbi } as const;
  return useChainQuery(["vault"], async (c) => {
    const [
      totalAssets,
      totalSupply,
      [pps, highWaterMark],
      [epoch, cutoff],
      requestEpoch,
      [navAssets, navTime],
      fresh,
      params,
      schedule,
      pending,
      block,
    ] = await Promise.all([
      c.readContract({ ...v, functionName: "totalAssets" }),
      c.readContract({ ...v, functionName: "totalSupply" }),
      c.readContract({ ...v, functionName: "sharePrice" }),
      c.readContract({ ...b, functionName: "epochState" }),
      c.readContract({ ...b, functionName: "requestEpoch" }),
      c.readContract({ ...v, functionName: "lastNav" }),
      c.readContract({ ...v, functionName: "isNavFresh" }),
      c.readContract({ ...v, functionName: "parameters" }),
      c.readContract({ ...v, functionName: "schedule" }),
      c.readContract({ ...b, functionName: "pendingTotals" }),
      c.getBlock(),
    ]);
    const [cap, navTtl, depositsPaused] = params;
    return {
      totalAssets,
      totalSupply,
      pps,
      highWaterMark,
      epoch,
      /** Requests made before it join `epoch`; after it, the epoch after (and cannot be cancelled then). */
      cutoff,
      /** The epoch a request made now joins. */
      requestEpoch,
      navAssets,
      navTime,
      fresh,
      cap,
      navTtl,
      depositsPaused,
      schedule,
      pendingDeposits: pending[0],
      pendingRedeems: pending[1],
      chainTime: block.timestamp,
    };
  });
}
