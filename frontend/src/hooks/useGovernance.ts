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
    const [created, block, votingDelay, votingPeriod, lateQuorumExtension, securityCouncil] =
      await Promise.all([
        c.getContractEvents({ ...g, eventName: "ProposalCreated", fromBlock: addresses.fromBlock }),
        c.getBlockNumber(),
        c.readContract({ ...g, functionName: "votingDelay" }),
        c.readContract({ ...g, functionName: "votingPeriod" }),
        c.readContract({ ...g, functionName: "lateQuorumVoteExtension" }),
        c.readContract({ ...g, functionName: "proposalGuardian" }),
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
    return {
      proposals: proposals.reverse(),
      block,
      votingDelay,
      votingPeriod,
      lateQuorumExtension,
      securityCouncil,
    };
  });
}

/** Asset allow-list and per-asset limits, the history of every parameter change, and the guardian's. */
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
    // Every change to the risk parameters, by anyone: governance (timelock), guardian, breakers.
    const [limits, assetsSet, kills] = await Promise.all([
      c.getContractEvents({ ...p, eventName: "LimitsSet", fromBlock: addresses.fromBlock }),
      c.getContractEvents({ ...p, eventName: "AssetSet", fromBlock: addresses.fromBlock }),
      c.getContractEvents({ ...p, eventName: "KillLevelChanged", fromBlock: addresses.fromBlock }),
    ]);
    const bps = (x: number | bigint) => `${(Number(x) / 100).toFixed(2)}%`;
    const history = [
      ...limits.map((e) => {
        const l = e.args.limits!;
        return {
          block: e.blockNumber,
          log: e.logIndex,
          by: e.args.by as string,
          what:
            `Limits: gross ${bps(l.maxGrossBps)}, daily loss ${bps(l.maxDailyLossBps)}, drawdown ${bps(l.maxDrawdownBps)}, ` +
            `off-chain ${bps(l.maxOffchainBps)}, NAV change ${bps(l.maxNavChangeBps)}, size tolerance ${bps(l.sizeToleranceBps)}, kill level ${l.killLevel}`,
        };
      }),
      ...assetsSet.map((e) => ({
        block: e.blockNumber,
        log: e.logIndex,
        by: e.args.by as string,
        what: `Asset #${e.args.index}: max weight ${bps(e.args.config!.maxWeightBps)}, deviation ${bps(e.args.config!.maxDeviationBps)}, feed age ${e.args.config!.maxStaleness}s${e.args.config!.shortable ? ", shortable" : ""}`,
      })),
      ...kills.map((e) => ({
        block: e.blockNumber,
        log: e.logIndex,
        by: e.args.by as string,
        what: `Kill switch ${e.args.previous} → ${e.args.current}`,
      })),
    ].sort((x, y) => (x.block === y.block ? x.log - y.log : x.block < y.block ? -1 : 1));
    const guardianActions = history
      .filter((h) => h.by.toLowerCase() === guardian.toLowerCase())
      .map((h) => ({ ...h, what: `Tightened: ${h.what}` }));
    return { assets, guardianActions, guardian, history };
  });
}
