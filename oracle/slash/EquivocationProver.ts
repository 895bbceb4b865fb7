import type { ChainView } from "../chain/ChainView.js";
import type { Clock } from "../node/Clock.js";
import type { SendOutcome, TransactionSender } from "../submit/TransactionSender.js";

/** One signed statement: `OperatorBonds.ReportHeader` plus the operator's signature over it. */
export interface SignedHeader {
  stream: number;
  configDigest: string;
  sequence: bigint;
  deadline: bigint;
  payloadHash: string;
  signature: string;
}

export type ProofOutcome =
  /** This node's proof was mined: the bond is slashed and the operator removed. */
  | "mined"
  /** Nothing left to do: another prover was first, the bond is empty, or the operator is gone. */
  | "already_done"
  /** The deployment file names no OperatorBonds contract. */
  | "no_bonds_contract"
  /** This node already handled (or is handling) this offence. */
  | "duplicate"
  | "expired"
  | "failed";

/** How long a proof is retried; bonds stay slashable for the unbond delay (days), so this is generous. */
const PROOF_WINDOW_MS = 10 * 60_000;

/**
 * Submits `OperatorBonds.proveEquivocation` at most once per offence (operator, stream, sequence) from
 * this node, and only while it can still matter: before every attempt it asks the chain whether the
 * operator is still registered with a bond. Many honest nodes see the same evidence; the first proof
 * wins, and the others find the work done (or get `OperatorBondsAlreadySlashed`) without reverting.
 */
export class EquivocationProver {
  private readonly handled = new Set<string>();

  constructor(
    private readonly chain: ChainView,
    private readonly sender: TransactionSender,
    private readonly clock: Clock,
  ) {}

  async prove(
    operator: string,
    a: SignedHeader,
    b: SignedHeader,
  ): Promise<{ outcome: ProofOutcome; detail?: string; hash?: string }> {
    const bonds = this.chain.bonds;
    if (!bonds) return { outcome: "no_bonds_contract" };
    const key = `${operator.toLowerCase()}:${a.stream}:${a.sequence}`;
    if (this.handled.has(key)) return { outcome: "duplicate" };
    this.handled.add(key);
    const header = (h: SignedHeader) => ({
      stream: h.stream,
      configDigest: h.configDigest,
      sequence: h.sequence,
      deadline: h.deadline,
      payloadHash: h.payloadHash,
    });
    const data = bonds.interface.encodeFunctionData("proveEquivocation", [
      header(a),
      a.signature,
      header(b),
      b.signature,
    ]);
    const outcome: SendOutcome = await this.sender.send({
      to: await bonds.getAddress(),
      data,
      // Done once the operator is out of the registry or has nothing left to slash: either another
      // node's proof landed, or there is nothing a proof would achieve.
      isDone: async () =>
        !(await this.chain.isOperator(operator)) || (await this.chain.bondOf(operator)) === 0n,
      deadlineMs: this.clock.now() + PROOF_WINDOW_MS,
    });
    switch (outcome.kind) {
      case "mined":
        return { outcome: "mined", hash: outcome.hash };
      case "already-done":
        return { outcome: "already_done" };
      case "expired":
        this.handled.delete(key); // evidence seen again later may try again
        return { outcome: "expired" };
      default:
        this.handled.delete(key);
        return { outcome: "failed", detail: outcome.detail };
    }
  }
}
