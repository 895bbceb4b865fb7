import { keccak256, stringToBytes, type Abi } from "viem";
import { useConnection } from "wagmi";
import { sigilGovernorAbi } from "../../abi/generated.js";
import { Card } from "../../components/Card.js";
import { useProposals, type Proposal } from "../../hooks/useGovernance.js";
import { useProposalReview } from "../../hooks/useProposalReview.js";
import { useSigil } from "../../hooks/useSigil.js";
import { useTokenInfo } from "../../hooks/useTokenInfo.js";
import { useTx } from "../../hooks/useTx.js";
import { formatAmount, short } from "../../lib/format.js";
import type { Lifecycle } from "../../lib/proposals/index.js";
import { delayText } from "../../lib/proposals/index.js";
import { proposalStateOf } from "../../lib/words.js";
import { ReviewView } from "./ReviewView.js";

const at = (seconds: bigint) => new Date(Number(seconds) * 1000).toLocaleString();

/** Where the proposal stands in the timelock: its real delay, its ETA, or who cancelled it. */
function TimelockLine({ p, lifecycle }: { p: Proposal; lifecycle?: Lifecycle }) {
  if (p.state === 2 && lifecycle?.cancelled)
    return (
      <div
        className={lifecycle.cancelled.by === "proposer" ? "muted" : "error"}
        data-testid="proposal-cancelled"
        data-cancelled-by={lifecycle.cancelled.by}
      >
        {lifecycle.cancelled.text}
      </div>
    );
  // The Governor's proposalEta is the ETA the timelock actually scheduled (raised for sensitive calls).
  const eta = lifecycle?.eta ?? p.eta;
  if (p.state === 5)
    return (
      <div data-testid="proposal-eta" data-eta={eta.toString()}>
        Queued in the timelock: executable from {at(eta)}
        {lifecycle?.delay ? `, after ${delayText(lifecycle.delay)}` : ""}
        {lifecycle?.operationState ? ` (operation ${lifecycle.operationState})` : ""}.
      </div>
    );
  if (p.state === 7) return <div className="muted">Executed: the proposed values are now in force.</div>;
  if ((p.state === 0 || p.state === 1 || p.state === 4) && lifecycle?.delay)
    return (
      <div className="muted" data-testid="proposal-delay" data-delay={lifecycle.delay.seconds.toString()}>
        Once passed and queued, the timelock waits {delayText(lifecycle.delay)} before it can be executed.
      </div>
    );
  return null;
}

function ProposalItem({ p, block }: { p: Proposal; block: bigint }) {
  const { addresses } = useSigil();
  const { isConnected } = useConnection();
  const t = useTokenInfo();
  const { run } = useTx();
  const g = { address: addresses.governor, abi: sigilGovernorAbi as Abi };
  const lifecycle = [p.targets, p.values, p.calldatas, keccak256(stringToBytes(p.description))];
  const vote = (support: 0 | 1 | 2, word: string) =>
    void run([
      {
        ...g,
        label: `Vote ${word} on proposal ${short(p.id.toString(), 4)}`,
        functionName: "castVote",
        args: [p.id, support],
      },
    ]);
  const step = (functionName: "queue" | "execute") =>
    void run([
      {
        ...g,
        label: `${functionName === "queue" ? "Queue" : "Execute"} proposal`,
        functionName,
        args: lifecycle,
      },
    ]);
  const state = proposalStateOf(p.state);
  const v = (x: bigint) => formatAmount(x, t.shareDecimals, 4);
  const r = useProposalReview(p);
  return (
    <li className="proposal" data-testid="proposal" data-proposal-id={p.id.toString()}>
      <div className="proposal-head">
        <strong data-testid="proposal-summary">{r.data?.review.summary ?? "Decoding the actions…"}</strong>
        <span className={`badge state-${state.toLowerCase()}`} data-testid="proposal-state">
          {state}
        </span>
      </div>
      <div className="description">
        <span className="muted">The proposer's description (their words, not checked): </span>
        <span className="description-text" data-testid="proposal-description">
          {p.description}
        </span>
      </div>
      <div className="muted">
        by {short(p.proposer, 4)} · votes from block {p.snapshot.toString()} to {p.deadline.toString()} (now{" "}
        {block.toString()}){p.quorum > 0n && ` · quorum ${v(p.quorum)}`}
      </div>
      <div data-testid="proposal-votes">
        For {v(p.votes.for)} · Against {v(p.votes.against)} · Abstain {v(p.votes.abstain)}
      </div>
      {r.data ? (
        <ReviewView review={r.data.review} />
      ) : r.error ? (
        <p className="error">The actions could not be decoded: {(r.error as Error).message}</p>
      ) : (
        <p className="muted">Decoding the actions…</p>
      )}
      <TimelockLine p={p} lifecycle={r.data?.lifecycle} />
      {isConnected && (
        <div className="row">
          {p.state === 1 && !p.hasVoted && (
            <>
              <button onClick={() => vote(1, "for")} data-testid="vote-for">
                Vote for
              </button>
              <button className="secondary" onClick={() => vote(0, "against")}>
                Against
              </button>
              <button className="secondary" onClick={() => vote(2, "abstain")}>
                Abstain
              </button>
            </>
          )}
          {p.hasVoted && <span className="ok">You voted.</span>}
          {p.state === 0 && <span className="muted">Voting opens after block {p.snapshot.toString()}.</span>}
          {p.state === 4 && (
            <button onClick={() => step("queue")} data-testid="queue">
              Queue in timelock
            </button>
          )}
          {p.state === 5 && (
            <button onClick={() => step("execute")} data-testid="execute">
              Execute{p.eta > 0n ? ` (after ${at(p.eta)})` : ""}
            </button>
          )}
        </div>
      )}
    </li>
  );
}

/** Proposals, newest first, with vote / queue / execute actions. */
export function ProposalList() {
  const q = useProposals();
  return (
    <Card title="Proposals" wide>
      {!q.data ? (
        <p className="muted">Loading…</p>
      ) : q.data.proposals.length === 0 ? (
        <p className="muted">No proposal yet.</p>
      ) : (
        <ul className="proposals">
          {q.data.proposals.map((p) => (
            <ProposalItem key={p.id.toString()} p={p} block={q.data.block} />
          ))}
        </ul>
      )}
      {q.data && (
        <p className="muted" data-testid="governance-rules">
          Voting starts {q.data.votingDelay.toString()} block(s) after a proposal and lasts{" "}
          {q.data.votingPeriod.toString()} blocks
          {q.data.lateQuorumExtension > 0n &&
            `, extended to at least ${q.data.lateQuorumExtension.toString()} blocks after quorum when quorum is reached late`}
          .{" "}
          {BigInt(q.data.securityCouncil) === 0n
            ? "No security council: nobody can cancel a passed proposal before it executes."
            : `Security council (may cancel any proposal before it executes): ${q.data.securityCouncil}.`}
        </p>
      )}
    </Card>
  );
}
