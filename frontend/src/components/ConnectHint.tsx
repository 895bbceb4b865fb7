import { useConnection } from "wagmi";
import type { ReactNode } from "react";
import { useSigil } from "../hooks/useSigil.js";

/** Renders children only with a wallet connected to the right chain; otherwise says what to do. */
export function NeedsWallet({ children }: { children: ReactNode }) {
  const { isConnected, chainId } = useConnection();
  const { deployment } = useSigil();
  if (!isConnected) return <p className="muted">Connect a wallet to use this.</p>;
  if (chainId !== deployment.chainId)
    return <p className="error">Your wallet is on another network: switch to chain {deployment.chainId}.</p>;
  return <>{children}</>;
}
