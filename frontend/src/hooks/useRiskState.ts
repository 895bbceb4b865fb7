import { riskPolicyAbi } from "../abi/generated.js";
import { useChainQuery } from "./useChainQuery.js";
import { useSigil } from "./useSigil.js";

/** Kill level, limits, and the last kill-level change (who, why): a breaker trip or a human. */
export function useRiskState() {
  const { addresses } = useSigil();
  const p = { address: addresses.policy, abi: riskPolicyAbi } as const;
  return useChainQuery(["risk"], async (c) => {
    const [killLevel, limits, changes] = await Promise.all([
      c.readContract({ ...p, functionName: "killLevel" }),
      c.readContract({ ...p, functionName: "limits" }),
      c.getContractEvents({ ...p, eventName: "KillLevelChanged", fromBlock: addresses.fromBlock }),
    ]);
    const last = changes.at(-1);
    const by = last?.args.by?.toLowerCase();
    const breaker = by === addresses.vault.toLowerCase() || by === addresses.ledger.toLowerCase();
    return {
      killLevel: Number(killLevel),
      limits,
      lastChange: last
        ? {
            reason: last.args.reason ?? "0x",
            by: last.args.by ?? "0x",
            byBreaker: breaker,
            block: last.blockNumber,
            previous: Number(last.args.previous),
          }
        : undefined,
    };
  });
}
