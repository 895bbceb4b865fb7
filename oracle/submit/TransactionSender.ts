import { Transaction, type Interface, type Provider, type Wallet } from "ethers";
import type { Clock } from "../node/Clock.js";
import { classifyChainError } from "../errors/classifyChainError.js";

export interface SendPolicy {
  /** A transaction not mined after this long is replaced with a higher fee (same nonce). */
  stuckAfterMs: number;
  /** Fee increase per replacement, percent (nodes require at least 10). */
  feeBumpPercent: number;
  /** How often to look for a receipt. */
  pollMs: number;
  /** Backoff after a retryable RPC error, doubling up to the maximum. */
  backoffInitialMs: number;
  backoffMaxMs: number;
}

export const defaultSendPolicy: SendPolicy = {
  stuckAfterMs: 15_000,
  feeBumpPercent: 25,
  pollMs: 100,
  backoffInitialMs: 100,
  backoffMaxMs: 5_000,
};

export interface SendRequest {
  to: string;
  data: string;
  /** Whether the chain already has what this transaction would do (checked before every attempt). */
  isDone(): Promise<boolean>;
  /** Give up after this time (ms, the report's deadline): the contract would refuse it anyway. */
  deadlineMs: number;
  onRetry?(detail: string): void;
  onFeeBump?(): void;
}

export type SendOutcome =
  | { kind: "mined"; hash: string; blockNumber: number }
  | { kind: "already-done" }
  | { kind: "expired" }
  | { kind: "failed"; detail: string };

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Sends one transaction at a time from one key: local nonce tracking (re-read from the chain whenever an
 * attempt ends without a receipt of ours), fee bumping of stuck transactions, backoff on RPC errors.
 * Serialising sends keeps the nonce logic simple and is not the bottleneck (leaders rotate per report).
 */
export class TransactionSender {
  private nonce: number | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly wallet: Wallet,
    private readonly provider: Provider,
    private readonly chainId: bigint,
    private readonly interfaces: Interface[],
    private readonly policy: SendPolicy,
    private readonly clock: Clock,
  ) {}

  /** Queue `req`; resolves when it is mined, found done, expired or failed. Never rejects. */
  send(req: SendRequest): Promise<SendOutcome> {
    const run = this.queue.then(() => this.run(req));
    this.queue = run.catch(() => undefined);
    return run.catch((err: unknown) => ({ kind: "failed", detail: String(err) }) as const);
  }

  /** Stop retrying (shutdown); queued sends end as failed. */
  close(): void {
    this.closed = true;
  }

  private async run(req: SendRequest): Promise<SendOutcome> {
    let backoff = this.policy.backoffInitialMs;
    for (;;) {
      if (this.closed) return { kind: "failed", detail: "sender closed" };
      if (this.clock.now() > req.deadlineMs) return { kind: "expired" };
      try {
        if (await req.isDone()) return { kind: "already-done" };
        return await this.attempt(req);
      } catch (err) {
        this.nonce = undefined;
        const c = classifyChainError(err, this.interfaces);
        if (c.kind === "already-done") return { kind: "already-done" };
        if (c.kind === "expired") return { kind: "expired" };
        if (c.kind === "fatal") return { kind: "failed", detail: c.detail };
        req.onRetry?.(c.detail);
        await sleep(backoff);
        backoff = Math.min(backoff * 2, this.policy.backoffMaxMs);
      }
    }
  }

  private async attempt(req: SendRequest): Promise<SendOutcome> {
    const from = this.wallet.address;
    // A revert shows up here, before any gas is spent (a stale sequence means another node was first).
    // In parallel: these are independent reads, and latency is what the network is judged by.
    const [gas, nonce, fees] = await Promise.all([
      this.provider.estimateGas({ from, to: req.to, data: req.data }),
      this.nonce ?? this.provider.getTransactionCount(from, "pending"),
      this.provider.getFeeData(),
    ]);
    let priority = fees.maxPriorityFeePerGas ?? 1_000_000_000n;
    let maxFee = fees.maxFeePerGas ?? (fees.gasPrice ?? 1_000_000_000n) * 2n;
    const sign = async () =>
      this.wallet.signTransaction({
        type: 2,
        chainId: this.chainId,
        to: req.to,
        data: req.data,
        nonce,
        gasLimit: (gas * 12n) / 10n,
        maxFeePerGas: maxFee,
        maxPriorityFeePerGas: priority,
      });
    const sent: string[] = [];
    let raw = await sign();
    sent.push(Transaction.from(raw).hash!);
    let broadcastOk = false;
    let lastBroadcast = this.clock.now();
    let backoff = this.policy.backoffInitialMs;

    for (;;) {
      if (this.clock.now() > req.deadlineMs || this.closed) {
        this.nonce = undefined; // a transaction of ours may still be pending
        return this.closed ? { kind: "failed", detail: "sender closed" } : { kind: "expired" };
      }
      try {
        if (!broadcastOk) {
          await this.broadcast(raw);
          broadcastOk = true;
        }
        for (const hash of sent) {
          const r = await this.provider.getTransactionReceipt(hash);
          if (!r) continue;
          this.nonce = nonce + 1;
          if (r.status === 1) return { kind: "mined", hash, blockNumber: r.blockNumber };
          return (await req.isDone())
            ? { kind: "already-done" }
            : { kind: "failed", detail: `reverted in ${hash}` };
        }
        if (this.clock.now() - lastBroadcast >= this.policy.stuckAfterMs) {
          // Same nonce, higher fee: whichever of our transactions is mined, the report lands once.
          const bump = BigInt(100 + Math.max(this.policy.feeBumpPercent, 11));
          priority = (priority * bump) / 100n + 1n;
          maxFee = (maxFee * bump) / 100n + 1n;
          raw = await sign();
          sent.push(Transaction.from(raw).hash!);
          broadcastOk = false;
          lastBroadcast = this.clock.now();
          req.onFeeBump?.();
          continue;
        }
        backoff = this.policy.backoffInitialMs;
        await sleep(this.policy.pollMs);
      } catch (err) {
        const c = classifyChainError(err, this.interfaces);
        if (c.kind === "nonce") {
          // The nonce was consumed: by one of ours (its receipt shows up next poll) or by an unknown one.
          if (await this.anyReceipt(sent)) continue;
          throw err; // our nonce view was stale: the outer loop re-reads it (after checking isDone)
        }
        if (c.kind === "underpriced") {
          lastBroadcast = 0; // bump again at once
          continue;
        }
        if (c.kind !== "retryable") throw err;
        req.onRetry?.(c.detail);
        await sleep(backoff);
        backoff = Math.min(backoff * 2, this.policy.backoffMaxMs);
      }
    }
  }

  private async anyReceipt(hashes: string[]): Promise<boolean> {
    for (const h of hashes) if (await this.provider.getTransactionReceipt(h)) return true;
    return false;
  }

  private async broadcast(raw: string): Promise<void> {
    try {
      await this.provider.broadcastTransaction(raw);
    } catch (err) {
      // Re-broadcasting a transaction the node already has is not an error.
      if (/already known|known transaction|already imported/i.test(String((err as Error).message ?? err)))
        return;
      throw err;
    }
  }
}
