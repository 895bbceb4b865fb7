import type { Stream } from "./reportTypes.js";
import { proposalPath, signProposal, type ProposalAuthDomain, type TypedDataSigner } from "./proposalAuth.js";

/** A node as a proposal sender sees it: where it listens and its operator address (the audience). */
export interface ProposalTarget {
  url: string;
  address: string;
}

/** A signed request, ready for `fetch`: the exact body bytes that were hashed and the envelope headers. */
export interface SignedProposalRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
}

/** JSON with bigints as decimal strings, the oracle API's convention. */
export function proposalJson(payload: unknown): string {
  return JSON.stringify(payload, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
}

/**
 * The engine's identity toward the oracle nodes of one deployment: signs every request it sends
 * (`proposalAuth.ts`), one envelope per node, each with a new nonce.
 *
 * @example
 * const engine = new ProposalSigner(await loadEngineKeystore(file, password), proposalAuthDomain(chainId, registry));
 * const res = await engine.post(node, Stream.Signal, { report: reportToJson(report), context });
 */
export class ProposalSigner {
  constructor(
    private readonly signer: TypedDataSigner,
    readonly domain: ProposalAuthDomain,
    private readonly now: () => number = Date.now,
  ) {}

  /** The engine address the nodes must be configured with (`auth.engines`). */
  get address(): string {
    return this.signer.address;
  }

  /** Headers for `body` sent to the node with operator address `audience`. */
  headers(
    stream: Stream,
    audience: string,
    body: string | Uint8Array,
    at: { issuedAt?: bigint; nonce?: string } = {},
  ): Promise<Record<string, string>> {
    return signProposal(this.signer, this.domain, {
      stream,
      audience,
      body,
      issuedAt: at.issuedAt ?? BigInt(this.now()),
      ...(at.nonce ? { nonce: at.nonce } : {}),
    });
  }

  /** A signed request for `payload` (serialised once; the signature covers exactly those bytes). */
  async request(node: ProposalTarget, stream: Stream, payload: unknown): Promise<SignedProposalRequest> {
    const body = proposalJson(payload);
    return {
      url: node.url.replace(/\/+$/, "") + proposalPath(stream),
      body,
      headers: await this.headers(stream, node.address, body),
    };
  }

  /** POST `payload` to one node, signed for it; the node's status and JSON answer. */
  async post(
    node: ProposalTarget,
    stream: Stream,
    payload: unknown,
    timeoutMs = 30_000,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const r = await this.request(node, stream, payload);
    const res = await fetch(r.url, {
      method: "POST",
      headers: r.headers,
      body: r.body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      body = { error: text.slice(0, 200) };
    }
    return { status: res.status, body };
  }

  /** POST `payload` to every node, in parallel, each request signed for its node. */
  postAll(
    nodes: readonly ProposalTarget[],
    stream: Stream,
    payload: unknown,
    timeoutMs?: number,
  ): Promise<Array<{ status: number; body: Record<string, unknown> }>> {
    return Promise.all(nodes.map((n) => this.post(n, stream, payload, timeoutMs)));
  }
}
