import { createContext, useCallback, useContext } from "react";
import type { Abi, Address } from "viem";

/** One contract call the user asked for. */
export interface TxRequest {
  /** What it does, in words ("Approve 100 mUSD"). */
  label: string;
  address: Address;
  abi: Abi;
  functionName: string;
  args?: readonly unknown[];
}

export type TxPhase = "checking" | "wallet" | "pending" | "confirmed" | "failed";

export interface TxEntry {
  id: number;
  label: string;
  phase: TxPhase;
  hash?: `0x${string}`;
  message?: string;
}

export interface TxContextValue {
  entries: TxEntry[];
  /** Run the calls in order; stops at the first failure. Resolves true when all were confirmed. */
  run(requests: TxRequest[]): Promise<boolean>;
  dismiss(id: number): void;
}

export const TxContext = createContext<TxContextValue | null>(null);

export function useTx(): TxContextValue {
  const v = useContext(TxContext);
  if (!v) throw new Error("useTx outside <TxProvider>");
  return v;
}

/** Shorthand: run one call. */
export function useSend(): (request: TxRequest) => Promise<boolean> {
  const { run } = useTx();
  return useCallback((request: TxRequest) => run([request]), [run]);
}
