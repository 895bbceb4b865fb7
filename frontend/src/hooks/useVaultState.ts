import { sigilVaultAbi } from "../abi/generated.js";
import { useChainQuery } from "./useChainQuery.js";
import { useSigil } from "./useSigil.js";

/** The vault overview: NAV, price, high-water mark, epoch, cap, freshness. */
export function useVaultState() {
  const { addresses } = useSigil();
  const v = { address: addresses.vault, abi: sigilVaultAbi } as const;
  return useChainQuery(["vault"], async (c) => {
    const [
      totalAssets,
      totalSupply,
      [pps, highWaterMark],
      epoch,
      redeemBatch,
      [navAssets, navTime],
      fresh,
      params,
      pending,
      block,
    ] = await Promise.all([
      c.readContract({ ...v, functionName: "totalAssets" }),
      c.readContract({ ...v, functionName: "totalSupply" }),
      c.readContract({ ...v, functionName: "sharePrice" }),
      c.readContract({ ...v, functionName: "currentEpoch" }),
      c.readContract({ ...v, functionName: "currentRedeemBatch" }),
      c.readContract({ ...v, functionName: "lastNav" }),
      c.readContract({ ...v, functionName: "isNavFresh" }),
      c.readContract({ ...v, functionName: "parameters" }),
      c.readContract({ ...v, functionName: "pendingTotals" }),
      c.getBlock(),
    ]);
    const [cap, navTtl, depositsPaused] = params;
    return {
      totalAssets,
      totalSupply,
      pps,
      highWaterMark,
      epoch,
      redeemBatch,
      navAssets,
      navTime,
      fresh,
      cap,
      navTtl,
      depositsPaused,
      pendingDeposits: pending[0],
      pendingRedeems: pending[1],
      chainTime: block.timestamp,
    };
  });
}
