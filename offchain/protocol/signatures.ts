import { TypedDataEncoder, concat, getBytes, recoverAddress } from "ethers";
import {
  Stream,
  payloadTypes,
  primaryType,
  reportTypes,
  type Fill,
  type ReportDomain,
  type ReportOf,
} from "./reportTypes.js";
import { ProtocolError } from "./errors.js";

/** Anything that can sign EIP-712 typed data for a known address (an ethers Wallet, a keystore signer). */
export interface ReportSigner {
  readonly address: string;
  signTypedData(
    domain: ReportDomain,
    types: Record<string, Array<{ name: string; type: string }>>,
    value: Record<string, unknown>,
  ): Promise<string>;
}

export interface OperatorSignature {
  signer: string;
  signature: string;
}

/** Thrown when signatures cannot be packed for on-chain verification. */
export class SignaturePackingError extends ProtocolError {
  override readonly name: string = "SignaturePackingError";
}

function mutableTypes<S extends Stream>(stream: S): Record<string, Array<{ name: string; type: string }>> {
  return reportTypes[stream] as unknown as Record<string, Array<{ name: string; type: string }>>;
}

/** EIP-712 digest that operators sign for `report` on `stream`. */
export function reportDigest<S extends Stream>(stream: S, domain: ReportDomain, report: ReportOf<S>): string {
  return TypedDataEncoder.hash(domain, mutableTypes(stream), report as unknown as Record<string, unknown>);
}

/** EIP-712 struct hash of a whole report (what the contracts pass to the registry). */
export function reportStructHash<S extends Stream>(stream: S, report: ReportOf<S>): string {
  return TypedDataEncoder.hashStruct(
    primaryType[stream],
    mutableTypes(stream),
    report as unknown as Record<string, unknown>,
  );
}

/** EIP-712 struct hash of a report's payload (signal, execution or nav), for equivocation proofs. */
export function payloadStructHash<S extends Stream>(stream: S, payload: unknown): string {
  const p = payloadTypes[stream];
  return TypedDataEncoder.hashStruct(
    p.primary,
    p.types as unknown as Record<string, Array<{ name: string; type: string }>>,
    payload as Record<string, unknown>,
  );
}

const fillTypes = { Fill: [...reportTypes[Stream.Execution].Fill] };

/**
 * EIP-712 struct hash of one fill: `ReportTypes.hashFill` on-chain, the `fillHash` of the ledger's
 * `TradeRecorded` event (pinned by the golden vectors' `fillHashes`).
 */
export function fillHash(fill: Fill): string {
  return TypedDataEncoder.hashStruct("Fill", fillTypes, fill as unknown as Record<string, unknown>);
}

/** One operator's signature over `report`. */
export async function signReport<S extends Stream>(
  signer: ReportSigner,
  stream: S,
  domain: ReportDomain,
  report: ReportOf<S>,
): Promise<OperatorSignature> {
  const signature = await signer.signTypedData(
    domain,
    mutableTypes(stream),
    report as unknown as Record<string, unknown>,
  );
  return { signer: signer.address, signature };
}

/** Recover who signed `digest`. */
export function recoverSigner(digest: string, signature: string): string {
  return recoverAddress(digest, signature);
}

/**
 * Pack signatures the way the registry verifies them: 65-byte (r, s, v) each, in strictly ascending
 * signer-address order, no duplicates.
 */
export function packSignatures(signatures: OperatorSignature[]): string {
  const sorted = [...signatures].sort((a, b) => {
    const x = BigInt(a.signer);
    const y = BigInt(b.signer);
    return x < y ? -1 : x > y ? 1 : 0;
  });
  for (let i = 1; i < sorted.length; i++) {
    if (BigInt(sorted[i]!.signer) === BigInt(sorted[i - 1]!.signer)) {
      throw new SignaturePackingError(`duplicate signer ${sorted[i]!.signer}: each operator signs once`);
    }
  }
  return concat(
    sorted.map((s) => {
      const bytes = getBytes(s.signature);
      if (bytes.length !== 65) {
        throw new SignaturePackingError(`signature by ${s.signer} is ${bytes.length} bytes, expected 65`);
      }
      return bytes;
    }),
  );
}
