import { getAddress, isAddress } from "ethers";
import {
  readProposalAuthHeaders,
  verifyProposalSignature,
  type ProposalAuthDomain,
} from "../../offchain/protocol/proposalAuth.js";
import type { Stream } from "../../offchain/protocol/reportTypes.js";
import { ProposalRefused, RefusalReason } from "../checks/RefusalReason.js";
import { OracleConfigError } from "../errors/OracleError.js";
import type { Clock } from "../node/Clock.js";
import type { NonceStore } from "../store/NonceStore.js";

/** Whose proposals a node acts on, and how fresh a request must be. */
export interface ProposalAuthPolicy {
  /** Engine addresses whose signed proposals this node accepts (at least one). */
  engines: readonly string[];
  /** Oldest request accepted, by its `issuedAt` (also how long a nonce is remembered). */
  maxRequestAgeMs: number;
  /** How far a request's `issuedAt` may be ahead of this node's clock. */
  maxClockSkewMs: number;
  /** Cap on remembered nonces (a bound on the replay store whatever the engine's rate). */
  maxNonces: number;
}

export const defaultProposalAuthLimits = {
  maxRequestAgeMs: 60_000,
  maxClockSkewMs: 5_000,
  maxNonces: 100_000,
} as const satisfies Omit<ProposalAuthPolicy, "engines">;

/** An authentication refusal, with the identity the request claimed (for the log; never trusted). */
export class ProposalUnauthenticated extends ProposalRefused {
  override readonly name: string = "ProposalUnauthenticated";
  constructor(
    reason: RefusalReason,
    detail: string,
    readonly claimedProposer?: string,
  ) {
    super(reason, detail);
  }
}

export interface ProposalAuthenticatorDeps {
  policy: ProposalAuthPolicy;
  /** The deployment's proposal domain (chain id, registry). */
  domain: ProposalAuthDomain;
  /** This node's operator address: the only audience it accepts. */
  self: string;
  nonces: NonceStore;
  clock: Clock;
  /** Whether an address is in the registry's current operator set (as last read; never a chain call here). */
  isOperator?: (address: string) => boolean;
}

/**
 * Checks the signed envelope of a proposal request (`offchain/protocol/proposalAuth.ts`) before anything
 * else about it is looked at, cheapest first: headers present and well-formed, the claimed proposer is a
 * configured engine, the envelope is for this node, the signature recovers to the proposer over this
 * stream, body, node and deployment, the request is fresh, and its nonce is new (recorded durably). Time
 * and nonce are judged only for requests the engine did sign, so `request_stale` and `replayed` always
 * describe the engine's own traffic (a clock or a resend problem), never a stranger's noise.
 */
export class ProposalAuthenticator {
  private readonly engines: ReadonlySet<string>;
  private readonly self: string;

  constructor(private readonly d: ProposalAuthenticatorDeps) {
    const engines = d.policy.engines;
    if (engines.length === 0) {
      throw new OracleConfigError(
        "no engine identity configured (auth.engines): a node acts only on proposals signed by a configured engine",
      );
    }
    for (const e of engines) {
      if (!isAddress(e)) throw new OracleConfigError(`auth.engines: ${e} is not an address`);
    }
    this.self = getAddress(d.self);
    this.engines = new Set(engines.map((e) => getAddress(e)));
    if (this.engines.has(this.self)) {
      throw new OracleConfigError(
        `auth.engines lists this node's own operator address ${this.self}: the engine must have a key of its own`,
      );
    }
  }

  /** The authenticated proposer, or a `ProposalUnauthenticated` refusal. */
  authenticate(
    stream: Stream,
    header: (name: string) => string | string[] | undefined,
    body: Uint8Array,
  ): { proposer: string } {
    const read = readProposalAuthHeaders(header);
    if (!read.ok) throw new ProposalUnauthenticated(RefusalReason.Unauthenticated, read.problem);
    const auth = read.auth;
    const refuse = (reason: RefusalReason, detail: string): never => {
      throw new ProposalUnauthenticated(reason, detail, auth.proposer);
    };
    if (!this.engines.has(auth.proposer))
      refuse(RefusalReason.UnknownProposer, `${auth.proposer} is not an engine this node accepts`);
    // Even if configured as an engine: whoever co-signs reports must never also propose them.
    if (this.d.isOperator?.(auth.proposer))
      refuse(
        RefusalReason.UnknownProposer,
        `${auth.proposer} is an oracle operator, and operators never propose`,
      );
    if (auth.audience !== this.self)
      refuse(RefusalReason.WrongAudience, `signed for node ${auth.audience}, this is ${this.self}`);
    if (!verifyProposalSignature(this.d.domain, stream, body, auth)) {
      refuse(
        RefusalReason.BadSignature,
        `the signature is not ${auth.proposer}'s over this body, stream, node and deployment`,
      );
    }
    const now = this.d.clock.now();
    const { maxRequestAgeMs, maxClockSkewMs, maxNonces } = this.d.policy;
    const age = now - Number(auth.issuedAt);
    if (age > maxRequestAgeMs)
      refuse(RefusalReason.RequestStale, `issued ${age} ms ago (at most ${maxRequestAgeMs} ms)`);
    if (-age > maxClockSkewMs)
      refuse(RefusalReason.RequestInFuture, `issued ${-age} ms ahead of this node's clock`);
    const outcome = this.d.nonces.consume(
      auth.proposer,
      auth.nonce,
      auth.issuedAt,
      now,
      maxRequestAgeMs + maxClockSkewMs,
    );
    if (outcome === "replayed") refuse(RefusalReason.Replayed, `nonce ${auth.nonce} was used before`);
    if (outcome === "forgotten")
      refuse(RefusalReason.RequestStale, "issued before the oldest request this node still remembers");
    if (outcome === "full")
      refuse(RefusalReason.ReplayStoreFull, `${maxNonces} nonces in the replay window; send again later`);
    return { proposer: auth.proposer };
  }
}
