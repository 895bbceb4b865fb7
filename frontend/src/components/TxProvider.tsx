import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useMemo, useRef, useState, type ReactNode } from "react";
import { useConfig, useConnection, usePublicClient } from "wagmi";
import { getWalletClient } from "wagmi/actions";
import { explainError } from "../lib/errors.js";
import { CHAIN_KEY } from "../hooks/useChainQuery.js";
import { useSigil } from "../hooks/useSigil.js";
import { useTokenInfo } from "../hooks/useTokenInfo.js";
import { TxContext, type TxEntry, type TxRequest } from "../hooks/useTx.js";

/** Runs contract calls: simulate (to explain a revert before asking the wallet), sign, wait, refresh. */
export function TxProvider({ children }: { children: ReactNode }) {
  const [entries, setEntries] = useState<TxEntry[]>([]);
  const nextId = useRef(1);
  const publicClient = usePublicClient();
  const config = useConfig();
  const { address, chainId } = useConnection();
  const { deployment } = useSigil();
  const tokens = useTokenInfo();
  const queryClient = useQueryClient();

  const update = useCallback((id: number, patch: Partial<TxEntry>) => {
    setEntries((list) => list.map((e) => (e.id === id ? { ...e, ...patch } : e)));
  }, []);

  const runOne = useCallback(
    async (request: TxRequest): Promise<boolean> => {
      const id = nextId.current++;
      setEntries((list) => [{ id, label: request.label, phase: "checking" } as TxEntry, ...list].slice(0, 8));
      try {
        if (!address || !publicClient) throw new Error("Connect a wallet first.");
        if (chainId !== deployment.chainId)
          throw new Error(`Your wallet is on another network; switch to chain ${deployment.chainId} first.`);
        const walletClient = await getWalletClient(config, { chainId: deployment.chainId });
        const { request: prepared } = await publicClient.simulateContract({
          account: address,
          address: request.address,
          abi: request.abi,
          functionName: request.functionName,
          args: request.args ?? [],
        });
        update(id, { phase: "wallet" });
        const hash = await walletClient.writeContract(
          prepared as Parameters<typeof walletClient.writeContract>[0],
        );
        update(id, { phase: "pending", hash });
        const receipt = await publicClient.waitForTransactionReceipt({ hash });
        if (receipt.status !== "success") throw new Error("The transaction was reverted on-chain.");
        update(id, { phase: "confirmed" });
        setTimeout(() => setEntries((list) => list.filter((e) => e.id !== id)), 12_000);
        return true;
      } catch (error) {
        update(id, { phase: "failed", message: explainError(error, tokens, request) });
        return false;
      } finally {
        await queryClient.invalidateQueries({ queryKey: [CHAIN_KEY] });
      }
    },
    [config, address, publicClient, chainId, deployment.chainId, tokens, queryClient, update],
  );

  const run = useCallback(
    async (requests: TxRequest[]) => {
      for (const r of requests) if (!(await runOne(r))) return false;
      return true;
    },
    [runOne],
  );

  const dismiss = useCallback((id: number) => setEntries((list) => list.filter((e) => e.id !== id)), []);
  const value = useMemo(() => ({ entries, run, dismiss }), [entries, run, dismiss]);
  return <TxContext.Provider value={value}>{children}</TxContext.Provider>;
}
