/**
 * Golden vectors shared by the TypeScript and Solidity sides (`test/contracts/goldenVectors.test.ts`).
 *
 * Writes `test/vectors/reports.json` (fixed reports of each stream with their type hashes, struct hashes
 * and EIP-712 digests under a fixed domain) and `test/vectors/units.json` (unit conversions).
 *
 * The hashes here are computed from the EIP-712 specification directly (type strings written out by
 * hand, `abi.encode` of each member, arrays hashed as the concatenation of their encoded members),
 * deliberately NOT with `offchain/protocol/signatures.ts` or ethers' TypedDataEncoder, so the test
 * compares two independent implementations (three, with Solidity). The unit vectors' expected values
 * are written out by hand.
 *
 * Run: `npx tsx scripts/vectors/generateReportVectors.ts`. Output is deterministic; commit it.
 */
import { writeFileSync, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { AbiCoder, concat, getAddress, keccak256, toUtf8Bytes, ZeroHash } from "ethers";
import { format } from "prettier";

const abi = AbiCoder.defaultAbiCoder();
const id = (s: string): string => keccak256(toUtf8Bytes(s));
const enc = (types: string[], values: unknown[]): string => keccak256(abi.encode(types, values));

// ---------------------------------------------------------------- fixed domain

const VECTOR_CHAIN_ID = 31337n;
/** A fixed, made-up registry address: the vectors' digests are for this verifying contract. */
const VECTOR_REGISTRY = getAddress("0x5161100000000000000000000000000000000a11");

const DOMAIN_TYPE = "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)";

function domainSeparator(chainId: bigint, verifyingContract: string): string {
  return enc(
    ["bytes32", "bytes32", "bytes32", "uint256", "address"],
    [id(DOMAIN_TYPE), id("Sigil Oracle"), id("1"), chainId, verifyingContract],
  );
}

// ---------------------------------------------------------------- types, by hand

const SIGNAL_TYPE =
  "Signal(bytes32 runHash,bytes32 inputsHash,bytes32 modelHash,uint64 timestamp,uint8 flags,uint256 targets)";
const FILL_TYPE =
  "Fill(uint8 asset,int128 quantityE8,uint64 priceE8,uint64 feeE8,bytes32 orderRef,uint64 timestamp)";
const EXECUTION_TYPE = "Execution(uint64 signalSequence,Fill[] fills)";
const NAV_TYPE =
  "Nav(uint64 epoch,address vault,uint256 venueEquity,uint256 custodySent,uint256 custodyReturned,uint64 timestamp,bytes32 venueSnapshotHash)";
const HEADER = "bytes32 configDigest,uint64 sequence,uint64 deadline";

// encodeType: the primary type, then every referenced type sorted by name.
const TYPE_STRINGS = {
  Signal: SIGNAL_TYPE,
  Fill: FILL_TYPE,
  Execution: EXECUTION_TYPE + FILL_TYPE,
  Nav: NAV_TYPE,
  SignalReport: `SignalReport(${HEADER},Signal signal)` + SIGNAL_TYPE,
  ExecutionReport: `ExecutionReport(${HEADER},Execution execution)` + EXECUTION_TYPE + FILL_TYPE,
  NavReport: `NavReport(${HEADER},Nav nav)` + NAV_TYPE,
} as const;
type TypeName = keyof typeof TYPE_STRINGS;
const TYPEHASH = Object.fromEntries(Object.entries(TYPE_STRINGS).map(([k, v]) => [k, id(v)])) as Record<
  TypeName,
  string
>;

// ---------------------------------------------------------------- values

interface SignalV {
  runHash: string;
  inputsHash: string;
  modelHash: string;
  timestamp: bigint;
  flags: number;
  /** int16 lanes, lane i = asset index i, packed by hand below (independent of offchain/protocol/targets.ts). */
  targets: bigint;
}
interface FillV {
  asset: number;
  quantityE8: bigint;
  priceE8: bigint;
  feeE8: bigint;
  orderRef: string;
  timestamp: bigint;
}
interface ExecutionV {
  signalSequence: bigint;
  fills: FillV[];
}
interface NavV {
  epoch: bigint;
  vault: string;
  venueEquity: bigint;
  custodySent: bigint;
  custodyReturned: bigint;
  timestamp: bigint;
  venueSnapshotHash: string;
}
interface Header {
  configDigest: string;
  sequence: bigint;
  deadline: bigint;
}

/** Pack `[asset, bps]` pairs into 16-bit two's-complement lanes: lane i holds asset index i. */
function lanes(pairs: ReadonlyArray<readonly [number, number]>): bigint {
  let word = 0n;
  for (const [asset, bps] of pairs) word += BigInt(bps < 0 ? 65_536 + bps : bps) * 65_536n ** BigInt(asset);
  return word;
}

function hashSignal(s: SignalV): string {
  return enc(
    ["bytes32", "bytes32", "bytes32", "bytes32", "uint64", "uint8", "uint256"],
    [TYPEHASH.Signal, s.runHash, s.inputsHash, s.modelHash, s.timestamp, s.flags, s.targets],
  );
}

function hashFill(f: FillV): string {
  return enc(
    ["bytes32", "uint8", "int128", "uint64", "uint64", "bytes32", "uint64"],
    [TYPEHASH.Fill, f.asset, f.quantityE8, f.priceE8, f.feeE8, f.orderRef, f.timestamp],
  );
}

function hashExecution(e: ExecutionV): string {
  const fills = keccak256(concat(e.fills.map(hashFill)));
  return enc(["bytes32", "uint64", "bytes32"], [TYPEHASH.Execution, e.signalSequence, fills]);
}

function hashNav(n: NavV): string {
  return enc(
    ["bytes32", "uint64", "address", "uint256", "uint256", "uint256", "uint64", "bytes32"],
    [
      TYPEHASH.Nav,
      n.epoch,
      n.vault,
      n.venueEquity,
      n.custodySent,
      n.custodyReturned,
      n.timestamp,
      n.venueSnapshotHash,
    ],
  );
}

function hashReport(typehash: string, h: Header, payloadHash: string): string {
  return enc(
    ["bytes32", "bytes32", "uint64", "uint64", "bytes32"],
    [typehash, h.configDigest, h.sequence, h.deadline, payloadHash],
  );
}

function digest(structHash: string): string {
  return keccak256(concat(["0x1901", domainSeparator(VECTOR_CHAIN_ID, VECTOR_REGISTRY), structHash]));
}

const MAX_U64 = (1n << 64n) - 1n;
const MAX_U256 = (1n << 256n) - 1n;
const MIN_I128 = -(1n << 127n);
const MAX_I128 = (1n << 127n) - 1n;

const signals: Array<{ name: string; header: Header; signal: SignalV }> = [
  {
    name: "signal-basic",
    header: { configDigest: id("sigil/config/1"), sequence: 42n, deadline: 1_735_690_200n },
    signal: {
      runHash: id("sigil/run/1"),
      inputsHash: id("sigil/inputs/1"),
      modelHash: id("sigil/model/lstm-v3"),
      timestamp: 1_735_689_600n,
      flags: 1,
      targets: lanes([
        [0, 4000],
        [1, -2500],
        [3, 1500],
      ]),
    },
  },
  {
    name: "signal-extremes",
    header: { configDigest: id("sigil/config/2"), sequence: MAX_U64, deadline: 0n },
    signal: {
      runHash: ZeroHash,
      inputsHash: `0x${"ff".repeat(32)}`,
      modelHash: id("sigil/model/gbm-v9"),
      timestamp: MAX_U64,
      flags: 255,
      targets: lanes([
        [0, -32768],
        [7, 32767],
        [15, -1],
      ]),
    },
  },
  {
    name: "signal-empty",
    header: { configDigest: ZeroHash, sequence: 1n, deadline: 1n },
    signal: {
      runHash: id("sigil/run/flat"),
      inputsHash: id("sigil/inputs/flat"),
      modelHash: id("sigil/model/baseline-ma"),
      timestamp: 1_700_000_000n,
      flags: 0,
      targets: 0n,
    },
  },
];

const executions: Array<{ name: string; header: Header; execution: ExecutionV }> = [
  {
    name: "execution-two-fills",
    header: { configDigest: id("sigil/config/1"), sequence: 17n, deadline: 1_735_690_500n },
    execution: {
      signalSequence: 42n,
      fills: [
        {
          asset: 0,
          quantityE8: 12_345_678n, // buy 0.12345678 BTC
          priceE8: 4_200_012_345_678n,
          feeE8: 2_520_007n,
          orderRef: id("sigil-42-0-buy"),
          timestamp: 1_735_689_660n,
        },
        {
          asset: 1,
          quantityE8: -250_000_000n, // sell 2.5 ETH
          priceE8: 230_012_345_678n,
          feeE8: 345_018n,
          orderRef: id("sigil-42-1-sell"),
          timestamp: 1_735_689_661n,
        },
      ],
    },
  },
  {
    name: "execution-extremes",
    header: { configDigest: id("sigil/config/2"), sequence: MAX_U64, deadline: MAX_U64 },
    execution: {
      signalSequence: MAX_U64,
      fills: [
        {
          asset: 255,
          quantityE8: MIN_I128,
          priceE8: MAX_U64,
          feeE8: 0n,
          orderRef: ZeroHash,
          timestamp: 0n,
        },
        {
          asset: 0,
          quantityE8: MAX_I128,
          priceE8: 1n,
          feeE8: MAX_U64,
          orderRef: `0x${"ff".repeat(32)}`,
          timestamp: MAX_U64,
        },
        {
          asset: 3,
          quantityE8: -1n,
          priceE8: 10_000_000n,
          feeE8: 1n,
          orderRef: id("sigil-dust"),
          timestamp: 1n,
        },
      ],
    },
  },
  {
    name: "execution-no-fills",
    header: { configDigest: id("sigil/config/1"), sequence: 18n, deadline: 1_735_690_800n },
    execution: { signalSequence: 43n, fills: [] },
  },
];

const navs: Array<{ name: string; header: Header; nav: NavV }> = [
  {
    name: "nav-basic",
    header: { configDigest: id("sigil/config/1"), sequence: 7n, deadline: 1_735_776_600n },
    nav: {
      epoch: 7n,
      vault: getAddress("0x5161100000000000000000000000000000000fa7"),
      venueEquity: 1_234_567_890_123n, // 1,234,567.890123 USDC
      custodySent: 1_500_000_000_000n, // 1.5M sent, of which 250k came back
      custodyReturned: 250_000_000_000n,
      timestamp: 1_735_776_000n,
      venueSnapshotHash: id("sigil/venue-snapshot/7"),
    },
  },
  {
    name: "nav-extremes",
    header: { configDigest: `0x${"ff".repeat(32)}`, sequence: MAX_U64, deadline: MAX_U64 },
    nav: {
      epoch: MAX_U64,
      vault: getAddress(`0x${"ff".repeat(20)}`),
      venueEquity: MAX_U256,
      custodySent: MAX_U256,
      custodyReturned: 0n,
      timestamp: 0n,
      venueSnapshotHash: ZeroHash,
    },
  },
];

// ---------------------------------------------------------------- JSON

/** bigints become decimal strings; laid out the way `prettier --check` expects (printWidth 110). */
function json(value: unknown): Promise<string> {
  const text = JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
  return format(text, { parser: "json", printWidth: 110 });
}

function headerJson(h: Header) {
  return { configDigest: h.configDigest, sequence: h.sequence, deadline: h.deadline };
}

function buildReportVectors() {
  return {
    description:
      "EIP-712 golden vectors for Sigil oracle reports. Integers are decimal strings; hashes 0x-hex. " +
      "Digests are for the fixed domain below. Generated by scripts/vectors/generateReportVectors.ts.",
    domain: {
      name: "Sigil Oracle",
      version: "1",
      chainId: VECTOR_CHAIN_ID,
      verifyingContract: VECTOR_REGISTRY,
    },
    domainTypehash: id(DOMAIN_TYPE),
    domainSeparator: domainSeparator(VECTOR_CHAIN_ID, VECTOR_REGISTRY),
    typeStrings: TYPE_STRINGS,
    typehashes: TYPEHASH,
    signal: signals.map((v) => {
      const payloadHash = hashSignal(v.signal);
      const structHash = hashReport(TYPEHASH.SignalReport, v.header, payloadHash);
      return {
        name: v.name,
        stream: 0,
        report: { ...headerJson(v.header), signal: v.signal },
        payloadHash,
        structHash,
        digest: digest(structHash),
      };
    }),
    execution: executions.map((v) => {
      const payloadHash = hashExecution(v.execution);
      const structHash = hashReport(TYPEHASH.ExecutionReport, v.header, payloadHash);
      return {
        name: v.name,
        stream: 1,
        report: { ...headerJson(v.header), execution: v.execution },
        fillHashes: v.execution.fills.map(hashFill),
        payloadHash,
        structHash,
        digest: digest(structHash),
      };
    }),
    nav: navs.map((v) => {
      const payloadHash = hashNav(v.nav);
      const structHash = hashReport(TYPEHASH.NavReport, v.header, payloadHash);
      return {
        name: v.name,
        stream: 2,
        report: { ...headerJson(v.header), nav: v.nav },
        payloadHash,
        structHash,
        digest: digest(structHash),
      };
    }),
  };
}

/**
 * Unit conversions with hand-computed expectations. `as` says how the test passes `input` to the
 * TypeScript function (`Number(input)` for "number", so NaN and Infinity can be written in JSON).
 * `priceToE8` and `weightToBps` exist only in TypeScript; `bpsOf` exists only in Solidity.
 */
function buildUnitVectors() {
  return {
    description:
      "Unit conversion golden vectors for offchain/protocol/units.ts and contracts/libraries/Units.sol. " +
      "Integers are decimal strings. Generated by scripts/vectors/generateReportVectors.ts.",
    constants: { BPS: "10000", PRICE_DECIMALS: 8, E8: "100000000" },
    priceToE8: [
      { input: "43250.12", as: "string", expected: "4325012000000" },
      { input: "43250.12", as: "number", expected: "4325012000000" },
      { input: "0.6", as: "string", expected: "60000000" },
      { input: "0.55", as: "number", expected: "55000000" },
      { input: "0.09", as: "number", expected: "9000000" },
      { input: "0.00000001", as: "string", expected: "1" },
      { input: "0.000000005", as: "string", expected: "1" },
      { input: "0.0000000149", as: "string", expected: "1" },
      { input: "1.123456785", as: "string", expected: "112345679" },
      { input: "1.123456784999", as: "string", expected: "112345678" },
      { input: " 100 ", as: "string", expected: "10000000000" },
      { input: "123456789.87654321", as: "string", expected: "12345678987654321" },
      { input: "0", as: "string", error: true },
      { input: "-5", as: "string", error: true },
      { input: "-5", as: "number", error: true },
      { input: "0.000000004", as: "string", error: true },
      { input: "1e3", as: "string", error: true },
      { input: "1.", as: "string", error: true },
      { input: ".5", as: "string", error: true },
      { input: "abc", as: "string", error: true },
      { input: "NaN", as: "number", error: true },
      { input: "Infinity", as: "number", error: true },
    ],
    weightToBps: [
      { input: "0.25", expected: 2500 },
      { input: "-0.25", expected: -2500 },
      { input: "0.4", expected: 4000 },
      { input: "-0.1234", expected: -1234 },
      { input: "1", expected: 10000 },
      { input: "0", expected: 0 },
      { input: "0.00005", expected: 1 },
      { input: "0.00004", expected: 0 },
      { input: "3.2767", expected: 32767 },
      { input: "-3.2768", expected: -32768 },
      { input: "3.2768", error: true },
      { input: "-3.2769", error: true },
      { input: "NaN", error: true },
      { input: "Infinity", error: true },
    ],
    toE8: [
      { answer: "4200000000000", decimals: 8, expected: "4200000000000" },
      { answer: "42000000000000000000000", decimals: 18, expected: "4200000000000" },
      { answer: "250000000000000000", decimals: 18, expected: "25000000" },
      { answer: "1", decimals: 18, expected: "0" },
      { answer: "123456789", decimals: 6, expected: "12345678900" },
      { answer: "123456789012", decimals: 10, expected: "1234567890" },
      { answer: "99", decimals: 10, expected: "0" },
      { answer: "5", decimals: 0, expected: "500000000" },
    ],
    notional: [
      { quantityE8: "100000000", priceE8: "4200000000000", tokenDecimals: 6, expected: "42000000000" },
      { quantityE8: "50000000", priceE8: "230012345678", tokenDecimals: 6, expected: "1150061728" },
      { quantityE8: "12345678", priceE8: "4200012345678", tokenDecimals: 6, expected: "5185200001" },
      { quantityE8: "250000000", priceE8: "230012345678", tokenDecimals: 6, expected: "5750308641" },
      { quantityE8: "1", priceE8: "100000000", tokenDecimals: 18, expected: "10000000000" },
      { quantityE8: "1", priceE8: "1", tokenDecimals: 6, expected: "0" },
      { quantityE8: "250000000", priceE8: "300000000", tokenDecimals: 0, expected: "7" },
      {
        quantityE8: "100000000000000",
        priceE8: "10000000000000",
        tokenDecimals: 18,
        expected: "100000000000000000000000000000",
      },
    ],
    bpsOf: [
      { amount: "1", total: "3", expected: "3334" },
      { amount: "2500", total: "10000", expected: "2500" },
      { amount: "1", total: "10001", expected: "1" },
      { amount: "0", total: "5", expected: "0" },
      { amount: "10000", total: "3", expected: "33333334" },
      { amount: "7", total: "7", expected: "10000" },
      { amount: "1", total: "0", error: true },
    ],
  };
}

async function main(): Promise<void> {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
  const out = resolve(root, "test/vectors");
  mkdirSync(out, { recursive: true });
  writeFileSync(resolve(out, "reports.json"), await json(buildReportVectors()));
  writeFileSync(resolve(out, "units.json"), await json(buildUnitVectors()));
  console.log(`wrote ${out}/reports.json and units.json`);
}

await main();
