import { createContext, useContext } from "react";
import type { Deployment, SigilAddresses } from "../config/deployment.js";

export interface SigilContextValue {
  deployment: Deployment;
  addresses: SigilAddresses;
}

export const SigilContext = createContext<SigilContextValue | null>(null);

/** The deployment and contract addresses the app was started with. */
export function useSigil(): SigilContextValue {
  const value = useContext(SigilContext);
  if (!value) throw new Error("useSigil outside <SigilContext.Provider>");
  return value;
}
