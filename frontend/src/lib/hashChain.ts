import { encodeAbiParameters, keccak256, type Hex } from "viem";

const KIND_SIGNAL = 1;
const KIND_FILL = 2;

/** One link of the trade ledger's hash chain, from a SignalAccepted/SignalRejected/TradeRecorded event. */
export type ChainLink =
  | { kind: "signal"; sequence: bigint; reportHash: Hex; reason: number; head: Hex }
  | {
      kind: "fill";
      executionSequence: bigint;
      signalSequence: bigint;
      fillHash: Hex;
      violations: number;
      head: Hex;
    };

/** The head after `link`, computed exactly as TradeLedger does. */
export function nextHead(previous: Hex, link: ChainLink): Hex {
  if (link.kind === "signal") {
    return keccak256(
      encodeAbiParameters(
        [{ type: "bytes32" }, { type: "uint8" }, { type: "uint64" }, { type: "bytes32" }, { type: "uint8" }],
        [previous, KIND_SIGNAL, link.sequence, link.reportHash, link.reason],
      ),
    );
  }
  return keccak256(
    encodeAbiParameters(
      [
        { type: "bytes32" },
        { type: "uint8" },
        { type: "uint64" },
        { type: "uint64" },
        { type: "bytes32" },
        { type: "uint16" },
      ],
      [previous, KIND_FILL, link.executionSequence, link.signalSequence, link.fillHash, link.violations],
    ),
  );
}

export interface ChainVerdict {
  /** Head recomputed from every event, in log order. */
  computedHead: Hex;
  /** Index of the first event whose emitted head differs from the recomputed one, or -1. */
  firstMismatch: number;
  /** Whether the recomputed head equals the contract's `head()`. */
  matchesContract: boolean;
}

/** Re-verify the chain from zero: every emitted head and the final head must match. */
export function verifyChain(links: ChainLink[], contractHead: Hex): ChainVerdict {
  let head: Hex = `0x${"0".repeat(64)}`;
  let firstMismatch = -1;
  links.forEach((link, i) => {
    head = nextHead(head, link);
    if (firstMismatch < 0 && head.toLowerCase() !== link.head.toLowerCase()) firstMismatch = i;
  });
  return {
    computedHead: head,
    firstMismatch,
    matchesContract: head.toLowerCase() === contractHead.toLowerCase(),
  };
}
