import type { Interface } from "ethers";
import { classifyFailure } from "../../offchain/errors/classify.js";

export type ChainErrorKind =
  /** The RPC endpoint is down, slow or overloaded (`classifyFailure` says retryable): wait, try again. */
  | "retryable"
  /** The report's sequence is no longer above the chain's (someone already submitted it), or the
   * equivocation was already punished. */
  | "already-done"
  /** The report's deadline passed: its sequence will be skipped. */
  | "expired"
  /** Our nonce view is out of date: resynchronise and try again. */
  | "nonce"
  /** Replacement fee too low: bump and try again. */
  | "underpriced"
  /** Anything else (a bad report, a contract refusing it): stop and tell the operator. */
  | "fatal";

const ALREADY_DONE = new Set([
  "TradeLedgerStaleSequence",
  "SigilVaultStaleSequence",
  // Another node's proof landed first (one slash per offence), or the bond is already gone.
  "OperatorBondsAlreadySlashed",
  "OperatorBondsNothingToSlash",
]);
const EXPIRED = new Set(["TradeLedgerReportExpired", "SigilVaultReportExpired"]);

function revertData(err: unknown): string | undefined {
  for (let e: unknown = err, i = 0; e && typeof e === "object" && i < 5; i++) {
    const o = e as { data?: unknown; error?: unknown; info?: { error?: { data?: unknown } } };
    if (typeof o.data === "string" && o.data.startsWith("0x") && o.data.length >= 10) return o.data;
    const inner = o.info?.error?.data;
    if (typeof inner === "string" && inner.startsWith("0x") && inner.length >= 10) return inner;
    e = o.error;
  }
  return undefined;
}

/**
 * What a chain error means for a submission. Reverts are decoded with the contracts' interfaces and
 * nonce/fee refusals recognised here (the oracle's own specifics); whether anything else is a
 * transient transport failure is decided by the shared `classifyFailure`; everything unknown is fatal.
 */
export function classifyChainError(
  err: unknown,
  interfaces: Interface[],
): { kind: ChainErrorKind; detail: string } {
  const data = revertData(err);
  if (data) {
    for (const iface of interfaces) {
      const parsed = (() => {
        try {
          return iface.parseError(data);
        } catch {
          return null;
        }
      })();
      if (!parsed) continue;
      if (ALREADY_DONE.has(parsed.name)) return { kind: "already-done", detail: parsed.name };
      if (EXPIRED.has(parsed.name)) return { kind: "expired", detail: parsed.name };
      return { kind: "fatal", detail: `${parsed.name}(${parsed.args.join(", ")})` };
    }
    return { kind: "fatal", detail: `revert ${data.slice(0, 10)}` };
  }
  const o = (err ?? {}) as { code?: unknown; message?: unknown; cause?: { code?: unknown } };
  const message = String(o.message ?? err);
  const code = String(o.code ?? o.cause?.code ?? "");
  if (/nonce too low|nonce has already been used|NONCE_EXPIRED/i.test(message) || code === "NONCE_EXPIRED") {
    return { kind: "nonce", detail: message };
  }
  if (/underpriced|REPLACEMENT_UNDERPRICED/i.test(message) || code === "REPLACEMENT_UNDERPRICED") {
    return { kind: "underpriced", detail: message };
  }
  const f = classifyFailure(err);
  if (f.retryable) return { kind: "retryable", detail: `${f.code ?? code} ${message}`.trim() };
  return { kind: "fatal", detail: message };
}
