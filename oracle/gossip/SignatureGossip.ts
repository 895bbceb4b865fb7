import { connect, type NatsConnection, type Subscription } from "nats";
import { streamName } from "../metrics/OracleMetrics.js";

/** One operator's signature over one report, as gossiped between nodes. */
export interface SignatureMessage {
  v: 1;
  stream: number;
  /** Decimal string. */
  sequence: string;
  /** The report as JSON (bigints as decimal strings); receivers re-derive the digest from it. */
  report: unknown;
  signer: string;
  signature: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Signatures over NATS: each accepted report's signature is published on
 * `sigil.<deploymentId>.<stream>.<sequence>`; every node listens to the whole deployment. Plain core
 * NATS (at-most-once) is enough: a lost message only delays a quorum, and the engine may re-send the
 * proposal, which a node answers idempotently with the signature it stored, re-publishing it.
 */
export class SignatureGossip {
  private sub: Subscription | undefined;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly deploymentId: string,
  ) {}

  static async connect(servers: string[], deploymentId: string, name: string): Promise<SignatureGossip> {
    const nc = await connect({
      servers,
      name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      waitOnFirstConnect: true,
    });
    return new SignatureGossip(nc, deploymentId);
  }

  subject(stream: number, sequence: bigint | string): string {
    return `sigil.${this.deploymentId}.${streamName(stream)}.${sequence}`;
  }

  publish(msg: SignatureMessage): void {
    this.nc.publish(this.subject(msg.stream, msg.sequence), encoder.encode(JSON.stringify(msg)));
  }

  /** Deliver every message of this deployment (including our own) to `handler`; bad JSON is passed as null. */
  subscribe(handler: (msg: unknown) => void): void {
    this.sub = this.nc.subscribe(`sigil.${this.deploymentId}.>`, {
      callback: (err, m) => {
        if (err) return;
        let parsed: unknown = null;
        try {
          parsed = JSON.parse(decoder.decode(m.data));
        } catch {
          parsed = null;
        }
        handler(parsed);
      },
    });
  }

  get connected(): boolean {
    return !this.nc.isClosed() && this.nc.info !== undefined;
  }

  async flush(): Promise<void> {
    await this.nc.flush();
  }

  async close(): Promise<void> {
    this.sub?.unsubscribe();
    if (!this.nc.isClosed()) await this.nc.drain();
  }
}
