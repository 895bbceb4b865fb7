/**
 * EIP-712 types of the three oracle report streams, mirrored from `contracts/libraries/ReportTypes.sol`.
 * Golden vectors in `test/vectors/reports.json` pin both sides to the same bytes.
 */

/** Report streams; each has its own sequence numbers on-chain. */
export const Stream = { Signal: 0, Execution: 1, Nav: 2 } as const;
export type Stream = (typeof Stream)[keyof typeof Stream];

/** The EIP-712 domain all reports are signed under (the registry is the verifying contract). */
export interface ReportDomain {
  name: "Sigil Oracle";
  version: "1";
  chainId: bigint;
  verifyingContract: `0x${string}`;
}

export function reportDomain(chainId: bigint, registry: string): ReportDomain {
  return { name: "Sigil Oracle", version: "1", chainId, verifyingContract: registry as `0x${string}` };
}

/**
 * A decision: target weights (basis points of NAV, negative = short) per risk-policy asset index,
 * packed in `targets` (see `targets.ts`: `packTargets`, `unpackTargets`).
 */
export interface Signal {
  runHash: string;
  inputsHash: string;
  modelHash: string;
  /** Decision time, seconds. */
  timestamp: bigint;
  /** Bit 0: every signer re-computed the decision; otherwise bounds-checked only. */
  flags: number;
  targets: bigint;
}

/** One venue fill. */
export interface Fill {
  asset: number;
  quantityE8: bigint;
  priceE8: bigint;
  feeE8: bigint;
  orderRef: string;
  /** Fill time, seconds. */
  timestamp: bigint;
}

export interface Execution {
  signalSequence: bigint;
  fills: Fill[];
}

export interface Nav {
  epoch: bigint;
  /** The vault this report settles (a report for one vault never settles another). */
  vault: string;
  /** Venue equity in the vault asset's own decimals. */
  venueEquity: bigint;
  /**
   * Cumulative vault → venue custody (the vault's on-chain amounts) that `venueEquity` already
   * includes; the vault adds what it sent since (in transit, or after the valuation).
   */
  custodySent: bigint;
  /**
   * Cumulative venue → vault custody already out of `venueEquity`; the vault subtracts what came back
   * on-chain since (and adds back what left the venue but has not arrived).
   */
  custodyReturned: bigint;
  /** Valuation time, seconds. */
  timestamp: bigint;
  venueSnapshotHash: string;
}

interface ReportHeader {
  configDigest: string;
  sequence: bigint;
  /** Seconds. */
  deadline: bigint;
}

export interface SignalReport extends ReportHeader {
  signal: Signal;
}
export interface ExecutionReport extends ReportHeader {
  execution: Execution;
}
export interface NavReport extends ReportHeader {
  nav: Nav;
}

type Field = { name: string; type: string };

const header: Field[] = [
  { name: "configDigest", type: "bytes32" },
  { name: "sequence", type: "uint64" },
  { name: "deadline", type: "uint64" },
];

const SignalFields: Field[] = [
  { name: "runHash", type: "bytes32" },
  { name: "inputsHash", type: "bytes32" },
  { name: "modelHash", type: "bytes32" },
  { name: "timestamp", type: "uint64" },
  { name: "flags", type: "uint8" },
  { name: "targets", type: "uint256" },
];
const FillFields: Field[] = [
  { name: "asset", type: "uint8" },
  { name: "quantityE8", type: "int128" },
  { name: "priceE8", type: "uint64" },
  { name: "feeE8", type: "uint64" },
  { name: "orderRef", type: "bytes32" },
  { name: "timestamp", type: "uint64" },
];
const ExecutionFields: Field[] = [
  { name: "signalSequence", type: "uint64" },
  { name: "fills", type: "Fill[]" },
];
const NavFields: Field[] = [
  { name: "epoch", type: "uint64" },
  { name: "vault", type: "address" },
  { name: "venueEquity", type: "uint256" },
  { name: "custodySent", type: "uint256" },
  { name: "custodyReturned", type: "uint256" },
  { name: "timestamp", type: "uint64" },
  { name: "venueSnapshotHash", type: "bytes32" },
];

/** EIP-712 `types` per stream, in the shape ethers' `signTypedData` and viem's `signTypedData` take. */
export const reportTypes = {
  [Stream.Signal]: {
    SignalReport: [...header, { name: "signal", type: "Signal" }],
    Signal: SignalFields,
  },
  [Stream.Execution]: {
    ExecutionReport: [...header, { name: "execution", type: "Execution" }],
    Execution: ExecutionFields,
    Fill: FillFields,
  },
  [Stream.Nav]: {
    NavReport: [...header, { name: "nav", type: "Nav" }],
    Nav: NavFields,
  },
} as const satisfies Record<Stream, Record<string, Field[]>>;

export const primaryType = {
  [Stream.Signal]: "SignalReport",
  [Stream.Execution]: "ExecutionReport",
  [Stream.Nav]: "NavReport",
} as const satisfies Record<Stream, string>;

/** The payload's own struct name and types (for the payload struct hash used in equivocation proofs). */
export const payloadTypes = {
  [Stream.Signal]: { primary: "Signal", types: { Signal: SignalFields } },
  [Stream.Execution]: { primary: "Execution", types: { Execution: ExecutionFields, Fill: FillFields } },
  [Stream.Nav]: { primary: "Nav", types: { Nav: NavFields } },
} as const;

export type ReportOf<S extends Stream> = S extends typeof Stream.Signal
  ? SignalReport
  : S extends typeof Stream.Execution
    ? ExecutionReport
    : NavReport;
