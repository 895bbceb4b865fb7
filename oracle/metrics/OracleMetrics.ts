import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";

const streamNames = ["signal", "execution", "nav"] as const;
export const streamName = (stream: number): string => streamNames[stream] ?? `stream${stream}`;

/** The node's Prometheus metrics, in a registry of its own (several nodes may share a process in tests). */
export class OracleMetrics {
  readonly registry = new Registry();
  readonly seen: Counter<"stream">;
  readonly signed: Counter<"stream">;
  readonly refused: Counter<"stream" | "reason">;
  readonly submitted: Counter<"stream" | "outcome">;
  readonly submitFailures: Counter<"stream" | "reason">;
  readonly submitRetries: Counter<"stream">;
  readonly feeBumps: Counter<"stream">;
  readonly signaturesIgnored: Counter<"reason">;
  readonly equivocationsSeen: Counter<"stream">;
  readonly equivocationProofs: Counter<"stream" | "outcome">;
  readonly signLatency: Histogram<"stream">;
  readonly onchainLatency: Histogram<"stream">;

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    const r = [this.registry];
    if (opts.defaultMetrics) collectDefaultMetrics({ register: this.registry });
    this.seen = new Counter({
      name: "oracle_reports_seen_total",
      help: "Report proposals received",
      labelNames: ["stream"],
      registers: r,
    });
    this.signed = new Counter({
      name: "oracle_reports_signed_total",
      help: "Reports signed",
      labelNames: ["stream"],
      registers: r,
    });
    this.refused = new Counter({
      name: "oracle_reports_refused_total",
      help: "Proposals refused, by reason",
      labelNames: ["stream", "reason"],
      registers: r,
    });
    this.submitted = new Counter({
      name: "oracle_reports_submitted_total",
      help: "Reports this node saw through to the chain (outcome: mined by this node, or already on-chain)",
      labelNames: ["stream", "outcome"],
      registers: r,
    });
    this.submitFailures = new Counter({
      name: "oracle_submit_failures_total",
      help: "Submissions given up, by reason",
      labelNames: ["stream", "reason"],
      registers: r,
    });
    this.submitRetries = new Counter({
      name: "oracle_submit_retries_total",
      help: "Submission attempts retried after a retryable (RPC) error",
      labelNames: ["stream"],
      registers: r,
    });
    this.feeBumps = new Counter({
      name: "oracle_fee_bumps_total",
      help: "Stuck transactions replaced with a higher fee",
      labelNames: ["stream"],
      registers: r,
    });
    this.signaturesIgnored = new Counter({
      name: "oracle_signatures_ignored_total",
      help: "Peer signatures ignored when gathering a quorum, by reason",
      labelNames: ["reason"],
      registers: r,
    });
    this.equivocationsSeen = new Counter({
      name: "oracle_equivocations_seen_total",
      help: "Operators seen signing two payloads for one stream, sequence and config digest (slashable)",
      labelNames: ["stream"],
      registers: r,
    });
    this.equivocationProofs = new Counter({
      name: "oracle_equivocation_proofs_submitted_total",
      help: "Equivocation proofs handled, by outcome (mined by this node, or why none was needed or it failed)",
      labelNames: ["stream", "outcome"],
      registers: r,
    });
    const buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
    this.signLatency = new Histogram({
      name: "oracle_proposal_to_signed_seconds",
      help: "From proposal received to signature persisted",
      labelNames: ["stream"],
      buckets,
      registers: r,
    });
    this.onchainLatency = new Histogram({
      name: "oracle_proposal_to_onchain_seconds",
      help: "From proposal received to report on-chain (observed by the submitting node)",
      labelNames: ["stream"],
      buckets,
      registers: r,
    });
  }
}
