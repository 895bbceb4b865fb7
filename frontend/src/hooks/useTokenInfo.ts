import { erc20Abi } from "viem";
import { sigilVaultAbi } from "../abi/generated.js";
import { useChainQuery } from "./useChainQuery.js";
import { useSigil } from "./useSigil.js";

export interface TokenInfo {
  assetSymbol: string;
  assetDecimals: number;
  shareSymbol: string;
  shareDecimals: number;
}

const fallback: TokenInfo = {
  assetSymbol: "USD",
  assetDecimals: 6,
  shareSymbol: "shares",
  shareDecimals: 12,
};

/** Symbols and decimals of the stable asset and the vault share (read once). */
export function useTokenInfo(): TokenInfo {
  const { addresses } = useSigil();
  const q = useChainQuery(["tokens"], async (c) => {
    const [assetSymbol, assetDecimals, shareSymbol, shareDecimals] = await Promise.all([
      c.readContract({ address: addresses.asset, abi: erc20Abi, functionName: "symbol" }),
      c.readContract({ address: addresses.asset, abi: erc20Abi, functionName: "decimals" }),
      c.readContract({ address: addresses.vault, abi: sigilVaultAbi, functionName: "symbol" }),
      c.readContract({ address: addresses.vault, abi: sigilVaultAbi, functionName: "decimals" }),
    ]);
    return { assetSymbol, assetDecimals, shareSymbol, shareDecimals };
  });
  return q.data ?? fallback;
}
