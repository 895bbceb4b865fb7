import { erc20Abi, type Address } from "viem";
import { useConnection } from "wagmi";
import { epochBookAbi, sigilVaultAbi } from "../abi/generated.js";
import { useChainQuery } from "./useChainQuery.js";
import { useSigil } from "./useSigil.js";

/** The connected account's balances, requests, votes and deposit/redeem history. */
export function usePosition() {
  const { address } = useConnection();
  const { addresses } = useSigil();
  const v = { address: addresses.vault, abi: sigilVaultAbi } as const;
  const b = { address: addresses.book, abi: epochBookAbi } as const;
  return useChainQuery(
    ["position", address],
    async (c) => {
      const me = address as Address;
      const who = { controller: me };
      const from = addresses.fromBlock;
      const [
        assetBalance,
        allowance,
        shares,
        [pendingDeposit, claimableDepositAssets, claimableDepositShares, depositRefund],
        [pendingRedeem, claimableRedeemShares, claimableRedeemAssets],
        votes,
        delegate,
        requested,
        cancelled,
        redeemed,
      ] = await Promise.all([
        c.readContract({ address: addresses.asset, abi: erc20Abi, functionName: "balanceOf", args: [me] }),
        c.readContract({
          address: addresses.asset,
          abi: erc20Abi,
          functionName: "allowance",
          args: [me, addresses.vault],
        }),
        c.readContract({ ...v, functionName: "balanceOf", args: [me] }),
        c.readContract({ ...b, functionName: "depositRequestOf", args: [me] }),
        c.readContract({ ...b, functionName: "redeemRequestOf", args: [me] }),
        c.readContract({ ...v, functionName: "getVotes", args: [me] }),
        c.readContract({ ...v, functionName: "delegates", args: [me] }),
        c.getContractEvents({ ...v, eventName: "DepositRequested", args: who, fromBlock: from }),
        c.getContractEvents({ ...v, eventName: "DepositRequestCancelled", args: who, fromBlock: from }),
        c.getContractEvents({ ...v, eventName: "RedeemClaimed", args: who, fromBlock: from }),
      ]);
      const sum = (xs: Array<bigint | undefined>) => xs.reduce<bigint>((a, b) => a + (b ?? 0n), 0n);
      return {
        assetBalance,
        allowance,
        shares,
        pendingDeposit,
        claimableDepositAssets,
        claimableDepositShares,
        /** Part of the settled deposits the cap refused: paid back on claim. */
        depositRefund,
        pendingRedeem,
        claimableRedeemShares,
        claimableRedeemAssets,
        votes,
        delegate,
        deposited: sum(requested.map((e) => e.args.assets)) - sum(cancelled.map((e) => e.args.assets)),
        redeemedAssets: sum(redeemed.map((e) => e.args.assets)),
      };
    },
    !!address,
  );
}
