import { readFileSync } from "node:fs";
import { expect } from "chai";
import {
  AbiCoder,
  TypedDataEncoder,
  concat,
  getAddress,
  keccak256,
  toUtf8Bytes,
  type BaseContract,
  type ContractTransactionResponse,
} from "ethers";
import { network } from "hardhat";
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import {
  Stream,
  payloadTypes,
  primaryType,
  reportDomain,
  reportTypes,
  type Execution,
  type ExecutionReport,
  type Fill,
  type Nav,
  type NavReport,
  type Signal,
  type SignalReport,
} from "../../offchain/protocol/reportTypes.js";
import {
  fillHash,
  payloadStructHash,
  reportDigest,
  reportStructHash,
} from "../../offchain/protocol/signatures.js";
import { unpackTargets } from "../../offchain/protocol/targets.js";
import {
  BPS,
  E8,
  PRICE_DECIMALS,
  UnitConversionError,
  notional,
  priceToE8,
  toE8,
  weightToBps,
} from "../../offchain/protocol/units.js";

// ---------------------------------------------------------------- vector files

interface HeaderJson {
  configDigest: string;
  sequence: string;
  deadline: string;
}
interface SignalJson {
  runHash: string;
  inputsHash: string;
  modelHash: string;
  timestamp: string;
  flags: number;
  targets: string;
}
interface FillJson {
  asset: number;
  quantityE8: string;
  priceE8: string;
  feeE8: string;
  orderRef: string;
  timestamp: string;
}
interface NavJson {
  epoch: string;
  vault: string;
  venueEquity: string;
  custodySent: string;
  custodyReturned: string;
  timestamp: string;
  venueSnapshotHash: string;
}
interface VectorCommon {
  name: string;
  stream: number;
  payloadHash: string;
  structHash: string;
  digest: string;
}
interface ReportVectors {
  domain: { name: string; version: string; chainId: string; verifyingContract: string };
  domainTypehash: string;
  domainSeparator: string;
  typeStrings: Record<TypeName, string>;
  typehashes: Record<TypeName, string>;
  signal: Array<VectorCommon & { report: HeaderJson & { signal: SignalJson } }>;
  execution: Array<
    VectorCommon & {
      report: HeaderJson & { execution: { signalSequence: string; fills: FillJson[] } };
      fillHashes: string[];
    }
  >;
  nav: Array<VectorCommon & { report: HeaderJson & { nav: NavJson } }>;
}
type TypeName = "Signal" | "Fill" | "Execution" | "Nav" | "SignalReport" | "ExecutionReport" | "NavReport";

interface UnitVectors {
  constants: { BPS: string; PRICE_DECIMALS: number; E8: string };
  priceToE8: Array<{ input: string; as: "string" | "number"; expected?: string; error?: boolean }>;
  weightToBps: Array<{ input: string; expected?: number; error?: boolean }>;
  toE8: Array<{ answer: string; decimals: number; expected: string }>;
  notional: Array<{ quantityE8: string; priceE8: string; tokenDecimals: number; expected: string }>;
  bpsOf: Array<{ amount: string; total: string; expected?: string; error?: boolean }>;
}

function load<T>(file: string): T {
  return JSON.parse(readFileSync(new URL(`../vectors/${file}`, import.meta.url), "utf8")) as T;
}

const V = load<ReportVectors>("reports.json");
const U = load<UnitVectors>("units.json");

function header(h: HeaderJson) {
  return { configDigest: h.configDigest, sequence: BigInt(h.sequence), deadline: BigInt(h.deadline) };
}
function toSignal(s: SignalJson): Signal {
  return { ...s, timestamp: BigInt(s.timestamp), targets: BigInt(s.targets) };
}
function toFill(f: FillJson): Fill {
  return {
    asset: f.asset,
    quantityE8: BigInt(f.quantityE8),
    priceE8: BigInt(f.priceE8),
    feeE8: BigInt(f.feeE8),
    orderRef: f.orderRef,
    timestamp: BigInt(f.timestamp),
  };
}
function toNav(n: NavJson): Nav {
  return {
    epoch: BigInt(n.epoch),
    vault: n.vault,
    venueEquity: BigInt(n.venueEquity),
    custodySent: BigInt(n.custodySent),
    custodyReturned: BigInt(n.custodyReturned),
    timestamp: BigInt(n.timestamp),
    venueSnapshotHash: n.venueSnapshotHash,
  };
}

const signals = V.signal.map((v) => ({
  v,
  report: { ...header(v.report), signal: toSignal(v.report.signal) } satisfies SignalReport,
}));
const executions = V.execution.map((v) => {
  const execution: Execution = {
    signalSequence: BigInt(v.report.execution.signalSequence),
    fills: v.report.execution.fills.map(toFill),
  };
  return { v, report: { ...header(v.report), execution } satisfies ExecutionReport };
});
const navs = V.nav.map((v) => ({
  v,
  report: { ...header(v.report), nav: toNav(v.report.nav) } satisfies NavReport,
}));
const allVectors: VectorCommon[] = [...V.signal, ...V.execution, ...V.nav];

const fixedDomain = reportDomain(BigInt(V.domain.chainId), V.domain.verifyingContract);

/** Domain separator from the EIP-712 definition, for any registry address. */
function domainSeparatorFor(chainId: bigint, registry: string): string {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ["bytes32", "bytes32", "bytes32", "uint256", "address"],
      [
        V.domainTypehash,
        keccak256(toUtf8Bytes("Sigil Oracle")),
        keccak256(toUtf8Bytes("1")),
        chainId,
        registry,
      ],
    ),
  );
}

// ---------------------------------------------------------------- contracts

interface ReportHasher extends BaseContract {
  signalTypehash(): Promise<string>;
  fillTypehash(): Promise<string>;
  executionTypehash(): Promise<string>;
  navTypehash(): Promise<string>;
  signalReportTypehash(): Promise<string>;
  executionReportTypehash(): Promise<string>;
  navReportTypehash(): Promise<string>;
  reportTypehash(stream: number): Promise<string>;
  hashReport(
    stream: number,
    configDigest: string,
    sequence: bigint,
    deadline: bigint,
    payloadHash: string,
  ): Promise<string>;
  hashSignal(s: Signal): Promise<string>;
  hashSignalReport(r: SignalReport): Promise<string>;
  hashFill(f: Fill): Promise<string>;
  hashExecution(e: Execution): Promise<string>;
  hashExecutionReport(r: ExecutionReport): Promise<string>;
  hashNav(n: Nav): Promise<string>;
  hashNavReport(r: NavReport): Promise<string>;
  bps(): Promise<bigint>;
  priceDecimals(): Promise<bigint>;
  e8(): Promise<bigint>;
  toE8(answer: bigint, decimals: number): Promise<bigint>;
  notional(quantityE8: bigint, priceE8: bigint, tokenDecimals: number): Promise<bigint>;
  bpsOf(amount: bigint, total: bigint): Promise<bigint>;
}

interface Registry extends BaseContract {
  hashTypedData(structHash: string): Promise<string>;
  domainSeparator(): Promise<string>;
  setConfig(operators: string[], threshold: number): Promise<ContractTransactionResponse>;
}

interface Chain {
  ethers: HardhatEthers;
  hasher: ReportHasher;
  registry: Registry;
  registryAddress: string;
  chainId: bigint;
  setCode(address: string, code: string): Promise<void>;
}

let chainPromise: Promise<Chain> | undefined;
/** One network for the whole file: every check here is a pure view. */
function chain(): Promise<Chain> {
  chainPromise ??= (async () => {
    const { ethers, networkHelpers } = await network.create();
    const [admin] = await ethers.getSigners();
    const hasher = (await ethers.deployContract("ReportHasher")) as unknown as ReportHasher;
    const registry = (await ethers.deployContract("OracleRegistry", [admin!.address])) as unknown as Registry;
    await hasher.waitForDeployment();
    await registry.waitForDeployment();
    return {
      ethers,
      hasher,
      registry,
      registryAddress: await registry.getAddress(),
      chainId: (await ethers.provider.getNetwork()).chainId,
      setCode: (address: string, code: string) => networkHelpers.setCode(address, code),
    };
  })();
  return chainPromise;
}

// ---------------------------------------------------------------- tests

describe("golden vectors", () => {
  describe("vector files", () => {
    it("vectors: cover every stream, negative weights and negative quantities, the fixed domain", () => {
      expect(V.signal.length).to.be.greaterThanOrEqual(2);
      expect(V.execution.length).to.be.greaterThanOrEqual(2);
      expect(V.nav.length).to.be.greaterThanOrEqual(2);
      expect(
        V.signal.some((s) => [...unpackTargets(BigInt(s.report.signal.targets)).values()].some((w) => w < 0)),
      ).to.equal(true);
      expect(
        V.execution.some((e) => e.report.execution.fills.some((f) => BigInt(f.quantityE8) < 0n)),
      ).to.equal(true);
      expect(V.domain.chainId).to.equal("31337");
      expect(V.domain.verifyingContract).to.equal(getAddress(V.domain.verifyingContract));
      expect(V.domainTypehash).to.equal(
        keccak256(
          toUtf8Bytes("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
        ),
      );
      for (const [name, typeString] of Object.entries(V.typeStrings)) {
        expect(V.typehashes[name as TypeName]).to.equal(keccak256(toUtf8Bytes(typeString)), name);
      }
    });
  });

  describe("TypeScript (offchain/protocol)", () => {
    it("reportTypes: encode to the vectors' type strings", () => {
      const s = TypedDataEncoder.from(reportTypes[Stream.Signal]);
      const e = TypedDataEncoder.from(reportTypes[Stream.Execution]);
      const n = TypedDataEncoder.from(reportTypes[Stream.Nav]);
      expect(s.encodeType(primaryType[Stream.Signal])).to.equal(V.typeStrings.SignalReport);
      expect(s.encodeType("Signal")).to.equal(V.typeStrings.Signal);
      expect(e.encodeType(primaryType[Stream.Execution])).to.equal(V.typeStrings.ExecutionReport);
      expect(e.encodeType("Execution")).to.equal(V.typeStrings.Execution);
      expect(e.encodeType("Fill")).to.equal(V.typeStrings.Fill);
      expect(n.encodeType(primaryType[Stream.Nav])).to.equal(V.typeStrings.NavReport);
      expect(n.encodeType("Nav")).to.equal(V.typeStrings.Nav);
      expect(TypedDataEncoder.from(payloadTypes[Stream.Execution].types).encodeType("Execution")).to.equal(
        V.typeStrings.Execution,
      );
    });

    it("reportDomain: hashes to the vectors' domain separator", () => {
      expect(TypedDataEncoder.hashDomain(fixedDomain)).to.equal(V.domainSeparator);
      expect(domainSeparatorFor(BigInt(V.domain.chainId), V.domain.verifyingContract)).to.equal(
        V.domainSeparator,
      );
    });

    for (const { v, report } of signals) {
      it(`signatures.ts: ${v.name} payload hash, struct hash and digest`, () => {
        expect(payloadStructHash(Stream.Signal, report.signal)).to.equal(v.payloadHash);
        expect(reportStructHash(Stream.Signal, report)).to.equal(v.structHash);
        expect(reportDigest(Stream.Signal, fixedDomain, report)).to.equal(v.digest);
      });
    }

    for (const { v, report } of executions) {
      it(`signatures.ts: ${v.name} fill hashes, payload hash, struct hash and digest`, () => {
        const fillTypes = { Fill: reportTypes[Stream.Execution].Fill.map((f) => ({ ...f })) };
        expect(
          report.execution.fills.map((f) => TypedDataEncoder.hashStruct("Fill", fillTypes, f)),
        ).to.deep.equal(v.fillHashes);
        // What the ledger's TradeRecorded carries as `fillHash` (oracle and engine dedupe by it).
        expect(report.execution.fills.map(fillHash)).to.deep.equal(v.fillHashes);
        expect(payloadStructHash(Stream.Execution, report.execution)).to.equal(v.payloadHash);
        expect(reportStructHash(Stream.Execution, report)).to.equal(v.structHash);
        expect(reportDigest(Stream.Execution, fixedDomain, report)).to.equal(v.digest);
      });
    }

    for (const { v, report } of navs) {
      it(`signatures.ts: ${v.name} payload hash, struct hash and digest`, () => {
        expect(payloadStructHash(Stream.Nav, report.nav)).to.equal(v.payloadHash);
        expect(reportStructHash(Stream.Nav, report)).to.equal(v.structHash);
        expect(reportDigest(Stream.Nav, fixedDomain, report)).to.equal(v.digest);
      });
    }
  });

  describe("Solidity (ReportTypes via ReportHasher)", () => {
    it("ReportTypes: type hash constants equal the vectors", async () => {
      const { hasher } = await chain();
      expect(await hasher.signalTypehash()).to.equal(V.typehashes.Signal);
      expect(await hasher.fillTypehash()).to.equal(V.typehashes.Fill);
      expect(await hasher.executionTypehash()).to.equal(V.typehashes.Execution);
      expect(await hasher.navTypehash()).to.equal(V.typehashes.Nav);
      expect(await hasher.signalReportTypehash()).to.equal(V.typehashes.SignalReport);
      expect(await hasher.executionReportTypehash()).to.equal(V.typehashes.ExecutionReport);
      expect(await hasher.navReportTypehash()).to.equal(V.typehashes.NavReport);
    });

    it("reportTypehash: maps streams 0, 1, 2 and rejects 3", async () => {
      const { hasher } = await chain();
      expect(await hasher.reportTypehash(Stream.Signal)).to.equal(V.typehashes.SignalReport);
      expect(await hasher.reportTypehash(Stream.Execution)).to.equal(V.typehashes.ExecutionReport);
      expect(await hasher.reportTypehash(Stream.Nav)).to.equal(V.typehashes.NavReport);
      await expect(hasher.reportTypehash(3))
        .to.be.revertedWithCustomError(hasher, "ReportTypesUnknownStream")
        .withArgs(3n);
    });

    for (const { v, report } of signals) {
      it(`hashSignal/hashSignalReport/hashReport: ${v.name}`, async () => {
        const { hasher } = await chain();
        expect(await hasher.hashSignal(report.signal)).to.equal(v.payloadHash);
        expect(await hasher.hashSignalReport(report)).to.equal(v.structHash);
        expect(
          await hasher.hashReport(
            Stream.Signal,
            report.configDigest,
            report.sequence,
            report.deadline,
            v.payloadHash,
          ),
        ).to.equal(v.structHash);
      });
    }

    for (const { v, report } of executions) {
      it(`hashFill/hashExecution/hashExecutionReport/hashReport: ${v.name}`, async () => {
        const { hasher } = await chain();
        const fills = await Promise.all(report.execution.fills.map((f) => hasher.hashFill(f)));
        expect(fills).to.deep.equal(v.fillHashes);
        expect(fills).to.deep.equal(report.execution.fills.map(fillHash)); // TS fillHash = ReportTypes.hashFill
        expect(await hasher.hashExecution(report.execution)).to.equal(v.payloadHash);
        expect(await hasher.hashExecutionReport(report)).to.equal(v.structHash);
        expect(
          await hasher.hashReport(
            Stream.Execution,
            report.configDigest,
            report.sequence,
            report.deadline,
            v.payloadHash,
          ),
        ).to.equal(v.structHash);
      });
    }

    for (const { v, report } of navs) {
      it(`hashNav/hashNavReport/hashReport: ${v.name}`, async () => {
        const { hasher } = await chain();
        expect(await hasher.hashNav(report.nav)).to.equal(v.payloadHash);
        expect(await hasher.hashNavReport(report)).to.equal(v.structHash);
        expect(
          await hasher.hashReport(
            Stream.Nav,
            report.configDigest,
            report.sequence,
            report.deadline,
            v.payloadHash,
          ),
        ).to.equal(v.structHash);
      });
    }
  });

  describe("Solidity (OracleRegistry EIP-712 digest)", () => {
    it("hashTypedData: at the deployed address equals 0x1901 ‖ domain(chain, registry) ‖ structHash", async () => {
      const { registry, registryAddress, chainId } = await chain();
      expect(chainId).to.equal(BigInt(V.domain.chainId));
      const sep = domainSeparatorFor(chainId, registryAddress);
      expect(await registry.domainSeparator()).to.equal(sep);
      for (const v of allVectors) {
        const expected = keccak256(concat(["0x1901", sep, v.structHash]));
        expect(await registry.hashTypedData(v.structHash)).to.equal(expected, v.name);
      }
      // Same as what operators sign through signatures.ts for the deployed registry.
      const domain = reportDomain(chainId, registryAddress);
      const { v, report } = signals[0]!;
      expect(await registry.hashTypedData(v.structHash)).to.equal(
        reportDigest(Stream.Signal, domain, report),
      );
    });

    it("hashTypedData: registry code placed at the vectors' fixed address reproduces the committed digests", async () => {
      const { ethers, registryAddress, setCode } = await chain();
      await setCode(V.domain.verifyingContract, await ethers.provider.getCode(registryAddress));
      const atFixed = (await ethers.getContractAt(
        "OracleRegistry",
        V.domain.verifyingContract,
      )) as unknown as Registry;
      expect(await atFixed.domainSeparator()).to.equal(V.domainSeparator);
      for (const v of allVectors) {
        expect(await atFixed.hashTypedData(v.structHash)).to.equal(v.digest, v.name);
      }
    });
  });

  describe("units", () => {
    it("constants: TypeScript, Solidity and the vectors agree", async () => {
      const { hasher } = await chain();
      expect(BPS).to.equal(BigInt(U.constants.BPS));
      expect(E8).to.equal(BigInt(U.constants.E8));
      expect(PRICE_DECIMALS).to.equal(U.constants.PRICE_DECIMALS);
      expect(await hasher.bps()).to.equal(BPS);
      expect(await hasher.e8()).to.equal(E8);
      expect(await hasher.priceDecimals()).to.equal(BigInt(PRICE_DECIMALS));
    });

    it("priceToE8 (TypeScript only): vectors", () => {
      for (const c of U.priceToE8) {
        const input = c.as === "number" ? Number(c.input) : c.input;
        const label = `priceToE8(${c.as} ${JSON.stringify(c.input)})`;
        if (c.error) {
          expect(() => priceToE8(input), label).to.throw(UnitConversionError);
        } else {
          expect(priceToE8(input), label).to.equal(BigInt(c.expected!));
        }
      }
    });

    it("weightToBps (TypeScript only): vectors", () => {
      for (const c of U.weightToBps) {
        const label = `weightToBps(${c.input})`;
        if (c.error) {
          expect(() => weightToBps(Number(c.input)), label).to.throw(UnitConversionError);
        } else {
          expect(weightToBps(Number(c.input)), label).to.equal(c.expected);
        }
      }
    });

    it("toE8: TypeScript and Units.sol both match the vectors", async () => {
      const { hasher } = await chain();
      for (const c of U.toE8) {
        const label = `toE8(${c.answer}, ${c.decimals})`;
        expect(toE8(BigInt(c.answer), c.decimals), `ts ${label}`).to.equal(BigInt(c.expected));
        expect(await hasher.toE8(BigInt(c.answer), c.decimals), `sol ${label}`).to.equal(BigInt(c.expected));
      }
    });

    it("notional: TypeScript and Units.sol both match the vectors", async () => {
      const { hasher } = await chain();
      for (const c of U.notional) {
        const label = `notional(${c.quantityE8}, ${c.priceE8}, ${c.tokenDecimals})`;
        const [q, p] = [BigInt(c.quantityE8), BigInt(c.priceE8)];
        expect(notional(q, p, c.tokenDecimals), `ts ${label}`).to.equal(BigInt(c.expected));
        expect(await hasher.notional(q, p, c.tokenDecimals), `sol ${label}`).to.equal(BigInt(c.expected));
      }
    });

    it("notional: a price from priceToE8 gives the same value on both sides", async () => {
      const { hasher } = await chain();
      const price = priceToE8("2300.12345678");
      const qty = 50_000_000n; // 0.5
      expect(notional(qty, price, 6)).to.equal(1_150_061_728n);
      expect(await hasher.notional(qty, price, 6)).to.equal(1_150_061_728n);
    });

    it("bpsOf (Solidity only): vectors, rounding up, zero total reverts", async () => {
      const { hasher } = await chain();
      for (const c of U.bpsOf) {
        const label = `bpsOf(${c.amount}, ${c.total})`;
        if (c.error) {
          await expect(hasher.bpsOf(BigInt(c.amount), BigInt(c.total)), label).to.be.revertedWithPanic(0x12);
        } else {
          expect(await hasher.bpsOf(BigInt(c.amount), BigInt(c.total)), label).to.equal(BigInt(c.expected!));
        }
      }
    });
  });
});
