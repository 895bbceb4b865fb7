/**
 * The signed envelope of an engine → oracle node proposal (`POST /v1/proposals/<stream>`), shared by
 * the engine side (`ProposalSigner`), the nodes (`oracle/auth/ProposalAuthenticator`), scripts and tests.
 *
 * The engine signs, as EIP-712 typed data under the deployment's proposal domain (chain id and registry
 * address), a statement binding the stream, the node it is meant for (its operator address), the
 * keccak256 of the exact body bytes, the time it was issued and a random nonce. The statement travels in
 * HTTP headers next to the unchanged JSON body; the node recomputes the body hash from the bytes it
 * received, so an altered body, another stream, another node, another chain or another deployment gives
 * another digest and the signature no longer recovers to the engine.
 *
 * @example
 * const headers = await signProposal(engineWallet, proposalAuthDomain(31337n, registry), {
 *   stream: Stream.Signal, audience: nodeOperatorAddress, body,
 * });
 * await fetch(`${nodeUrl}${proposalPath(Stream.Signal)}`, { method: "POST", headers, body });
 */
import {
  getAddress,
  hexlify,
  isAddress,
  keccak256,
  randomBytes,
  recoverAddress,
  toUtf8Bytes,
  TypedDataEncoder,
  type TypedDataDomain,
  type TypedDataField,
} from "ethers";
import { Stream } from "./reportTypes.js";

/** The EIP-712 domain of proposals: a name of its own, so no proposal signature is ever a report signature. */
export interface ProposalAuthDomain {
  name: "Sigil Proposal";
  version: "1";
  chainId: bigint;
  verifyingContract: `0x${string}`;
}

/** The proposal domain of one deployment: its chain id and its `OracleRegistry` address. */
export function proposalAuthDomain(chainId: bigint, registry: string): ProposalAuthDomain {
  return {
    name: "Sigil Proposal",
    version: "1",
    chainId,
    verifyingContract: getAddress(registry) as `0x${string}`,
  };
}

/** What the engine signs for one request. */
export interface ProposalStatement {
  /** The report stream, which is also the request path (`/v1/proposals/<stream name>`). */
  stream: Stream;
  /** The one node the request is for: its operator address. */
  audience: string;
  /** keccak256 of the exact HTTP body bytes. */
  bodyHash: string;
  /** When the engine signed it, milliseconds since the epoch (off-chain time is milliseconds). */
  issuedAt: bigint;
  /** 32 random bytes; a node accepts each (proposer, nonce) once. */
  nonce: string;
}

export const proposalAuthTypes: Record<string, TypedDataField[]> = {
  Proposal: [
    { name: "stream", type: "uint8" },
    { name: "audience", type: "address" },
    { name: "bodyHash", type: "bytes32" },
    { name: "issuedAt", type: "uint64" },
    { name: "nonce", type: "bytes32" },
  ],
};

/** HTTP header names of the envelope (Node.js lower-cases incoming header names). */
export const PROPOSAL_AUTH_HEADERS = {
  proposer: "sigil-proposer",
  audience: "sigil-audience",
  issuedAt: "sigil-issued-at",
  nonce: "sigil-nonce",
  signature: "sigil-signature",
} as const;

const STREAM_PATHS: Record<Stream, string> = {
  [Stream.Signal]: "signal",
  [Stream.Execution]: "execution",
  [Stream.Nav]: "nav",
};

/** The node's route for a stream's proposals. */
export function proposalPath(stream: Stream): string {
  return `/v1/proposals/${STREAM_PATHS[stream]}`;
}

/** keccak256 of the body exactly as sent (a string is hashed as its UTF-8 bytes). */
export function hashProposalBody(body: string | Uint8Array): string {
  return keccak256(typeof body === "string" ? toUtf8Bytes(body) : body);
}

/** The EIP-712 digest the engine signs and a node recovers the proposer from. */
export function proposalAuthDigest(domain: ProposalAuthDomain, statement: ProposalStatement): string {
  return TypedDataEncoder.hash(domain as TypedDataDomain, proposalAuthTypes, statement);
}

/** Anything that signs EIP-712 typed data for a known address (an ethers `Wallet` from a keystore). */
export interface TypedDataSigner {
  readonly address: string;
  signTypedData(
    domain: TypedDataDomain,
    types: Record<string, TypedDataField[]>,
    value: Record<string, unknown>,
  ): Promise<string>;
}

/** A fresh random nonce (32 bytes, 0x-hex). */
export function newProposalNonce(): string {
  return hexlify(randomBytes(32));
}

/**
 * Sign one request and return the headers to send with `body` (content type included). Every send is
 * signed anew: a node accepts a nonce once, so a retry needs new headers.
 */
export async function signProposal(
  signer: TypedDataSigner,
  domain: ProposalAuthDomain,
  request: {
    stream: Stream;
    audience: string;
    body: string | Uint8Array;
    issuedAt?: bigint;
    nonce?: string;
  },
): Promise<Record<string, string>> {
  const statement: ProposalStatement = {
    stream: request.stream,
    audience: getAddress(request.audience),
    bodyHash: hashProposalBody(request.body),
    issuedAt: request.issuedAt ?? BigInt(Date.now()),
    nonce: request.nonce ?? newProposalNonce(),
  };
  const signature = await signer.signTypedData(
    domain as TypedDataDomain,
    proposalAuthTypes,
    statement as unknown as Record<string, unknown>,
  );
  return {
    "content-type": "application/json",
    [PROPOSAL_AUTH_HEADERS.proposer]: getAddress(signer.address),
    [PROPOSAL_AUTH_HEADERS.audience]: statement.audience,
    [PROPOSAL_AUTH_HEADERS.issuedAt]: statement.issuedAt.toString(),
    [PROPOSAL_AUTH_HEADERS.nonce]: statement.nonce,
    [PROPOSAL_AUTH_HEADERS.signature]: signature,
  };
}

/** The envelope as read from a request's headers (not yet verified). */
export interface ProposalAuthHeaders {
  /** Who the request claims to come from (checksummed). */
  proposer: string;
  audience: string;
  issuedAt: bigint;
  nonce: string;
  signature: string;
}

const SECP256K1_HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;

/**
 * Read the envelope from request headers: every header present once and well-formed, or a problem
 * saying which is not. Syntax only; `verifyProposalSignature` checks the signature.
 */
export function readProposalAuthHeaders(
  header: (name: string) => string | string[] | undefined,
): { ok: true; auth: ProposalAuthHeaders } | { ok: false; problem: string } {
  const values: Partial<Record<keyof typeof PROPOSAL_AUTH_HEADERS, string>> = {};
  for (const [key, name] of Object.entries(PROPOSAL_AUTH_HEADERS) as Array<
    [keyof typeof PROPOSAL_AUTH_HEADERS, string]
  >) {
    const v = header(name);
    if (v === undefined || v === "") return { ok: false, problem: `missing header ${name}` };
    if (Array.isArray(v)) return { ok: false, problem: `header ${name} sent more than once` };
    values[key] = v.trim();
  }
  const { proposer, audience, issuedAt, nonce, signature } = values as Record<
    keyof typeof PROPOSAL_AUTH_HEADERS,
    string
  >;
  if (!/^0x[0-9a-fA-F]{40}$/.test(proposer) || !isAddress(proposer))
    return { ok: false, problem: `${PROPOSAL_AUTH_HEADERS.proposer} is not an address` };
  if (!/^0x[0-9a-fA-F]{40}$/.test(audience) || !isAddress(audience))
    return { ok: false, problem: `${PROPOSAL_AUTH_HEADERS.audience} is not an address` };
  // uint64 milliseconds: at most 20 digits, and below 2^64.
  if (!/^\d{1,20}$/.test(issuedAt) || BigInt(issuedAt) >= 1n << 64n)
    return { ok: false, problem: `${PROPOSAL_AUTH_HEADERS.issuedAt} is not a time in milliseconds` };
  if (!/^0x[0-9a-fA-F]{64}$/.test(nonce))
    return { ok: false, problem: `${PROPOSAL_AUTH_HEADERS.nonce} is not 32 bytes of hex` };
  if (!/^0x[0-9a-fA-F]{130}$/.test(signature))
    return { ok: false, problem: `${PROPOSAL_AUTH_HEADERS.signature} is not a 65-byte signature` };
  return {
    ok: true,
    auth: {
      proposer: getAddress(proposer),
      audience: getAddress(audience),
      issuedAt: BigInt(issuedAt),
      nonce: nonce.toLowerCase(),
      signature,
    },
  };
}

/**
 * Whether `auth.signature` is the claimed proposer's over this stream, node, body, time and nonce under
 * `domain`. High-s (malleable) signatures are refused.
 */
export function verifyProposalSignature(
  domain: ProposalAuthDomain,
  stream: Stream,
  body: Uint8Array,
  auth: ProposalAuthHeaders,
): boolean {
  if (BigInt("0x" + auth.signature.slice(66, 130)) > SECP256K1_HALF_N) return false;
  const digest = proposalAuthDigest(domain, {
    stream,
    audience: auth.audience,
    bodyHash: hashProposalBody(body),
    issuedAt: auth.issuedAt,
    nonce: auth.nonce,
  });
  try {
    return getAddress(recoverAddress(digest, auth.signature)) === auth.proposer;
  } catch {
    return false;
  }
}
