import { operatorBondsAbi, oracleRegistryAbi } from "../abi/generated.js";
import { useChainQuery } from "./useChainQuery.js";
import { useSigil } from "./useSigil.js";

/** Operator set, threshold, config version, each operator's bond and rewards, and slashings. */
export function useOperators() {
  const { addresses } = useSigil();
  const r = { address: addresses.registry, abi: oracleRegistryAbi } as const;
  const b = { address: addresses.bonds, abi: operatorBondsAbi } as const;
  return useChainQuery(["operators"], async (c) => {
    const [operators, threshold, version, digest, params, slashed] = await Promise.all([
      c.readContract({ ...r, functionName: "operators" }),
      c.readContract({ ...r, functionName: "threshold" }),
      c.readContract({ ...r, functionName: "configVersion" }),
      c.readContract({ ...r, functionName: "configDigest" }),
      c.readContract({ ...b, functionName: "params" }),
      c.getContractEvents({ ...b, eventName: "Slashed", fromBlock: addresses.fromBlock }),
    ]);
    const rows = await Promise.all(
      operators.map(async (op) => {
        const [bond, rewards] = await Promise.all([
          c.readContract({ ...b, functionName: "bondOf", args: [op] }),
          c.readContract({ ...b, functionName: "rewardsOf", args: [op] }),
        ]);
        return { address: op, bond, rewards };
      }),
    );
    return {
      operators: rows,
      threshold,
      version,
      digest,
      params,
      slashed: slashed.map((e) => ({ ...e.args, block: e.blockNumber })),
    };
  });
}
