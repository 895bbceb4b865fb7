import type { Wallet } from "ethers";
import {
  Stream,
  type ExecutionReport,
  type NavReport,
  type ReportOf,
  type SignalReport,
} from "../../offchain/protocol/reportTypes.js";
import type { ChainView } from "../chain/ChainView.js";
import type { Clock } from "../node/Clock.js";
import {
  TransactionSender,
  type SendOutcome,
  type SendPolicy,
  type SendRequest,
} from "./TransactionSender.js";

/**
 * Puts a co-signed report on-chain at most once: before every attempt it asks the chain whether the
 * stream's sequence has reached the report's, and a "stale sequence" revert counts as done.
 */
export class ReportSubmitter {
  /** Shared with the equivocation prover: one in-flight transaction per node key keeps nonces simple. */
  readonly sender: TransactionSender;

  constructor(
    private readonly chain: ChainView,
    wallet: Wallet,
    policy: SendPolicy,
    clock: Clock,
  ) {
    this.sender = new TransactionSender(
      wallet,
      chain.provider,
      BigInt(chain.deployment.chainId),
      [
        chain.ledger.interface,
        chain.vault.interface,
        chain.registry.interface,
        ...(chain.bonds ? [chain.bonds.interface] : []),
      ],
      policy,
      clock,
    );
  }

  submit<S extends Stream>(
    stream: S,
    report: ReportOf<S>,
    signatures: string,
    hooks: Pick<SendRequest, "onRetry" | "onFeeBump"> = {},
  ): Promise<SendOutcome> {
    const { to, data } = this.encode(stream, report, signatures);
    return this.sender.send({
      to,
      data,
      isDone: async () => (await this.chain.lastSequence(stream)) >= report.sequence,
      deadlineMs: Number(report.deadline) * 1000,
      ...hooks,
    });
  }

  close(): void {
    this.sender.close();
  }

  private encode(stream: Stream, report: unknown, signatures: string): { to: string; data: string } {
    const d = this.chain.deployment;
    if (stream === Stream.Signal) {
      return {
        to: d.ledger,
        data: this.chain.ledger.interface.encodeFunctionData("submitSignal", [
          report as SignalReport,
          signatures,
        ]),
      };
    }
    if (stream === Stream.Execution) {
      return {
        to: d.ledger,
        data: this.chain.ledger.interface.encodeFunctionData("submitExecution", [
          report as ExecutionReport,
          signatures,
        ]),
      };
    }
    return {
      to: d.vault,
      data: this.chain.vault.interface.encodeFunctionData("settle", [report as NavReport, signatures]),
    };
  }
}
