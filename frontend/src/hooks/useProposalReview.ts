import { useQuery } from "@tanstack/react-query";
import { lifecycleOf, reviewProposal, type Lifecycle, type ProposalReview } from "../lib/proposals/index.js";
import type { Proposal } from "./useGovernance.js";
import { CHAIN_KEY } from "./useChainQuery.js";
import { useProposalEnv } from "./useProposalEnv.js";

/** A proposal's actions decoded and checked against the chain, and where it stands in the timelock. */
export function useProposalReview(p: Proposal) {
  const { contracts, env, chain, error } = useProposalEnv();
  const q = useQuery<{ review: ProposalReview; lifecycle?: Lifecycle }>({
    queryKey: [CHAIN_KEY, "proposal-review", p.id.toString(), p.state],
    queryFn: async () => {
      const [review, lifecycle] = await Promise.all([
        reviewProposal(p, env!, chain!),
        // The timelock status is extra: a failed read must not hide the decoded actions.
        lifecycleOf(p, contracts, env!, chain!).catch(() => undefined),
      ]);
      return { review, lifecycle };
    },
    enabled: !!env && !!chain,
    refetchInterval: 5_000,
  });
  return { data: q.data, error: q.error ?? error ?? null };
}
