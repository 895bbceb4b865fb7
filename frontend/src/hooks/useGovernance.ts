import type { Address, Hex } from "viem";
import { useConnection } from "wagmi";
import { riskPolicyAbi, sigilGovernorAbi } from "../abi/generated.js";
import { useChainQuery } from "./useChainQuery.js";
import { useSigil } from "./useSigil.js";

export interface Proposal {
  id: bigint;
  proposer: Address;
  targets: readonly Address[];
  values: readonly bigint[];
  calldatas: readonly Hex[];
  description: string;
  state: number;
  votes: { against: bigint; for: bigint; abstain: bigint };
  snapshot: bigint;
  deadline: bigint;
  quorum: bigint;
  hasVoted: boolean;
  eta: bigint;
}

/** Proposals (ProposalCreated events) with their live state and tallies. */
export function useProposals() {
  const { addresses } = useSigil();
  const { address } = useConnection();
  const g = { address: addresses.governor, abi: sigilGovernorAbi } as const;
  return useChainQuery(["proposals", address], async (c) => {
    const [created, block, votingDelay, votingPeriod] = await Promise.all([
      c.getContractEvents({ ...g, eventName: "ProposalCreated", fromBlock: addresses.fromBlock }),
      c.getBlockNumber(),
      c.readContract({ ...g, functionName: "votingDelay" }),
      c.readContract({ ...g, functionName: "votingPeriod" }),
    ]);
    const proposals = await Promise.all(
      created.map(async (e): Promise<Proposal> => {
        const a = e.args;
        const id = a.proposalId!;
        const [state, [against, forVotes, abstain], snapshot, deadline, eta, hasVoted] = await Promise.all([
          c.readContract({ ...g, functionName: "state", args: [id] }),
          c.readContract({ ...g, functionName: "proposalVotes", args: [id] }),
          c.readContract({ ...g, functionName: "proposalSnapshot", args: [id] }),
          c.readContract({ ...g, functionName: "proposalDeadline", args: [id] }),
          c.readContract({ ...g, functionName: "proposalEta", args: [id] }),
          address
            ? c.readContract({ ...g, functionName: "hasVoted", args: [id, address] })
            : Promise.resolve(false),
        ]);
        const quorum =
          snapshot < block ? await c.readContract({ ...g, functionName: "quorum", args: [snapshot] }) : 0n;
        return {
          id,
          proposer: a.proposer!,
          targets: a.targets!,
          values: a.values!,
          calldatas: a.calldatas!,
          description: a.description!,
          state: Number(state),
          votes: { against, for: forVotes, abstain },
          snapshot,
          deadline,
          quorum,
          hasVoted,
          eta,
        };
      }),
    );
    return { proposals: proposals.reverse(), block, votingDelay, votingPeriod };
  });
}

/** Asset allow-list and per-asset limits, and every change made by the guardian (tightening only). */
export function usePolicyConfig() {
  const { addresses, deployment } = useSigil();
  const p = { address: addresses.policy, abi: riskPolicyAbi } as const;
  return useChainQuery(["policy-config"], async (c) => {
    const count = await c.readContract({ ...p, functionName: "assetCount" });
    const assets = await Promise.all(
      Array.from({ length: Number(count) }, async (_, i) => {
        const [symbol, config] = await Promise.all([
          c.readContract({ ...p, functionName: "assetSymbol", args: [i] }),
          c.readContract({ ...p, functionName: "assetConfig", args: [i] }),
        ]);
        return { index: i, symbol, config };
      }),
    );
    const guardian = deployment.parameters.guardian;
    const by = { by: guardian };
    const [limits, assetsSet, kills] = await Promise.all([
      c.getContractEvents({ ...p, eventName: "LimitsSet", args: by, fromBlock: addresses.fromBlock }),
      c.getContractEvents({ ...p, eventName: "AssetSet", args: by, fromBlock: addresses.fromBlock }),
      c.getContractEvents({ ...p, eventName: "KillLevelChanged", args: by, fromBlock: addresses.fromBlock }),
    ]);
    const guardianActions = [
      ...limits.map((e) => ({
        block: e.blockNumber,
        log: e.logIndex,
        what: "Tightened the portfolio limits",
      })),
      ...assetsSet.map((e) => ({
        block: e.blockNumber,
        log: e.logIndex,
        what: `Tightened asset #${e.args.index} limits`,
      })),
      ...kills.map((e) => ({
        block: e.blockNumber,
        log: e.logIndex,
        what: `Raised the kill switch from level ${e.args.previous} to ${e.args.current}`,
      })),
    ].sort((x, y) => (x.block === y.block ? x.log - y.log : x.block < y.block ? -1 : 1));
    return { assets, guardianActions, guardian };
  });
}
