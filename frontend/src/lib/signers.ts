import {
  decodeFunctionData,
  hashTypedData,
  recoverAddress,
  size,
  slice,
  type Address,
  type Hash,
  type Hex,
  type PublicClient,
} from "viem";
import { tradeLedgerAbi } from "../abi/generated.js";
import { Stream, primaryType, reportDomain, reportTypes } from "../../../offchain/protocol/reportTypes.js";

const SIGNATURE_LENGTH = 65;

/** Who co-signed one report, recovered from the submitting transaction's calldata. */
export type ReportSigners =
  | { ok: true; stream: "signal" | "execution"; sequence: bigint; signers: Address[] }
  | { ok: false; error: string };

/** Split `signatures` (65-byte r‖s‖v, concatenated) into one hex string per signature. */
export function splitSignatures(signatures: Hex): Hex[] {
  const n = size(signatures);
  if (n % SIGNATURE_LENGTH !== 0) throw new Error(`${n} signature bytes is not a multiple of 65`);
  return Array.from({ length: n / SIGNATURE_LENGTH }, (_, i) =>
    slice(signatures, i * SIGNATURE_LENGTH, (i + 1) * SIGNATURE_LENGTH),
  );
}

type Types = Record<string, ReadonlyArray<{ name: string; type: string }>>;

/**
 * Decode a `TradeLedger.submitSignal` / `submitExecution` call and recover its signers from the EIP-712
 * digest of the report under the registry's domain (the same digest `signalReportDigest` /
 * `executionReportDigest` return on-chain).
 */
export async function recoverReportSigners(
  input: Hex,
  chainId: number,
  registry: Address,
): Promise<ReportSigners> {
  const call = decodeFunctionData({ abi: tradeLedgerAbi, data: input });
  if (call.functionName !== "submitSignal" && call.functionName !== "submitExecution")
    throw new Error(`the transaction calls ${call.functionName}, not a report submission`);
  const [report, signatures] = call.args;
  const stream = call.functionName === "submitSignal" ? Stream.Signal : Stream.Execution;
  const hash = hashTypedData({
    domain: reportDomain(BigInt(chainId), registry),
    types: reportTypes[stream] as unknown as Types,
    primaryType: primaryType[stream],
    message: report as unknown as Record<string, unknown>,
  });
  const signers = await Promise.all(
    splitSignatures(signatures).map((signature) => recoverAddress({ hash, signature })),
  );
  return {
    ok: true,
    stream: stream === Stream.Signal ? "signal" : "execution",
    sequence: report.sequence,
    signers,
  };
}

const cache = new Map<Hash, Promise<ReportSigners>>();

/**
 * The signers of the report submitted in transaction `hash`, cached per transaction hash (a mined
 * transaction never changes). A read that fails (RPC error) is not cached, so the next poll retries;
 * a transaction that is not a direct ledger call is cached with its explanation.
 */
export function signersOfTx(
  client: PublicClient,
  hash: Hash,
  ledger: Address,
  registry: Address,
  chainId: number,
): Promise<ReportSigners> {
  const hit = cache.get(hash);
  if (hit) return hit;
  const p = client.getTransaction({ hash }).then(
    (tx) => {
      if (tx.to?.toLowerCase() !== ledger.toLowerCase())
        return { ok: false as const, error: "submitted through another contract: calldata not decoded" };
      return recoverReportSigners(tx.input, chainId, registry).catch((e: unknown): ReportSigners => ({
        ok: false,
        error: e instanceof Error ? e.message : String(e),
      }));
    },
    (e: unknown) => {
      cache.delete(hash);
      throw e;
    },
  );
  cache.set(hash, p);
  return p;
}
