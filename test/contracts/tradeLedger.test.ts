import { expect } from "chai";
import { network } from "hardhat";
import {
  AbiCoder,
  TypedDataEncoder,
  ZeroHash,
  concat,
  dataSlice,
  encodeBytes32String,
  getBytes,
  hexlify,
  keccak256,
  type LogDescription,
} from "ethers";
import { anyValue } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";
import {
  Stream,
  reportTypes,
  type ExecutionReport,
  type Fill,
  type Signal,
  type SignalReport,
} from "../../offchain/protocol/reportTypes.js";
import {
  recoverSigner,
  reportDigest,
  reportStructHash,
  signReport,
} from "../../offchain/protocol/signatures.js";
import { packTargets } from "../../offchain/protocol/targets.js";
import {
  FillBit,
  KillLevel,
  Violation,
  modelCheckSignal,
  TRIPPING_BITS,
  modelFillViolations,
  notionalOf,
  seededRandom,
  type AssetCaps,
  type FillPolicyView,
} from "../helpers/riskModel.js";
import {
  USD,
  cosign,
  deployFixture,
  executionReport,
  fill,
  fund,
  makeSignal,
  now,
  operatorWallets,
  settle,
  signalReport,
  type Fixture,
} from "../helpers/sigilFixture.js";

const B = encodeBytes32String;
const abi = AbiCoder.defaultAbiCoder();
const E8 = 10n ** 8n;
const NAV = USD(1_000_000);
const TOKEN_DECIMALS = 6;
/** Local deploy defaults: 10 assets at fixed prices, max weight 4000, deviation 200, staleness 3600. */
const PRICE = { BTC: 42_000n * E8, ETH: 2_300n * E8, BNB: 310n * E8, SOL: 100n * E8 };
const A = { BTC: 0, ETH: 1, BNB: 2, SOL: 3, LINK: 8 };
const DEFAULT_CAPS: AssetCaps[] = Array.from({ length: 10 }, (_, i) => ({
  maxWeightBps: 4_000,
  shortable: i < 2,
}));
const FILL_TYPES = { Fill: [...reportTypes[Stream.Execution].Fill] };

async function setup() {
  const { ethers, networkHelpers } = await network.create();
  const f = await deployFixture(ethers);
  const feeds = await Promise.all(
    f.deployment.assets.map((a) => ethers.getContractAt("MockAggregator", a.feed)),
  );
  return { f, feeds, helpers: networkHelpers };
}

/** Deposit NAV and settle an epoch so the vault's lastNav (which sizes targets) is NAV. */
async function withNav(f: Fixture) {
  await fund(f, f.alice, NAV);
  await (await f.vault.connect(f.alice).requestDeposit(NAV, f.alice.address)).wait();
  await (await settle(f, 0n)).wait();
  expect((await f.vault.lastNav())[0]).to.equal(NAV);
}

// ----------------------------------------------------------------- independent chain arithmetic

function signalLink(prev: string, seq: bigint, reportHash: string, reason: number): string {
  return keccak256(
    abi.encode(["bytes32", "uint8", "uint64", "bytes32", "uint8"], [prev, 1, seq, reportHash, reason]),
  );
}

function fillLink(
  prev: string,
  execSeq: bigint,
  signalSeq: bigint,
  fillHash: string,
  violations: number,
): string {
  return keccak256(
    abi.encode(
      ["bytes32", "uint8", "uint64", "uint64", "bytes32", "uint16"],
      [prev, 2, execSeq, signalSeq, fillHash, violations],
    ),
  );
}

const hashFill = (x: Fill) => TypedDataEncoder.hashStruct("Fill", FILL_TYPES, x);
const signalTuple = (s: Signal) => [s.runHash, s.inputsHash, s.modelHash, s.timestamp, s.flags, s.targets];
const fillTuple = (x: Fill) => [x.asset, x.quantityE8, x.priceE8, x.feeE8, x.orderRef, x.timestamp];

// ----------------------------------------------------------------- submission helpers

async function sendSignal(f: Fixture, report: SignalReport) {
  const sigs = await cosign(Stream.Signal, f.domain, report, f.operators.slice(0, 2));
  const accepted = await f.ledger.submitSignal.staticCall(report, sigs);
  const tx = await f.ledger.submitSignal(report, sigs);
  await tx.wait();
  return { accepted, tx, reportHash: reportStructHash(Stream.Signal, report) };
}

async function sig(f: Fixture, seq: bigint, assets: number[], weights: number[], timestamp?: bigint) {
  const extra = timestamp === undefined ? {} : { signal: makeSignal(assets, weights, timestamp) };
  return sendSignal(f, await signalReport(f, seq, assets, weights, extra));
}

interface Trade {
  asset: number;
  violations: number;
  position: bigint;
  fillHash: string;
  head: string;
  log: LogDescription;
}

function tradesOf(
  f: Fixture,
  logs: ReadonlyArray<{ address: string; topics: readonly string[]; data: string }>,
) {
  const ledger = f.ledger.target.toString().toLowerCase();
  const out: Trade[] = [];
  for (const l of logs) {
    if (l.address.toLowerCase() !== ledger) continue;
    const p = f.ledger.interface.parseLog({ topics: [...l.topics], data: l.data });
    if (p?.name !== "TradeRecorded") continue;
    out.push({
      asset: Number(p.args.asset),
      violations: Number(p.args.violations),
      position: p.args.positionE8 as bigint,
      fillHash: p.args.fillHash as string,
      head: p.args.head as string,
      log: p,
    });
  }
  return out;
}

async function exec(f: Fixture, seq: bigint, signalSeq: bigint, fills: Fill[]) {
  const report = await executionReport(f, seq, signalSeq, fills);
  const sigs = await cosign(Stream.Execution, f.domain, report, f.operators.slice(0, 2));
  const tripped = await f.ledger.submitExecution.staticCall(report, sigs);
  const tx = await f.ledger.submitExecution(report, sigs);
  const rc = (await tx.wait())!;
  return { tripped, tx, report, trades: tradesOf(f, rc.logs) };
}

/** A fill at a given price with a distinct order reference per call. */
let orderNonce = 0;
function at(asset: number, quantityE8: bigint, priceE8: bigint, ts = 1_700_000_000n): Fill {
  return {
    ...fill(asset, quantityE8, priceE8, ts),
    orderRef: keccak256(`0x${(++orderNonce).toString(16).padStart(8, "0")}`),
  };
}

const pick = <T>(rand: () => number, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const mask = (...bits: number[]) => bits.reduce((m, b) => m | b, 0);

/** A writable copy of an asset config read from the policy. */
function configOf(c: {
  feed: string;
  maxDeviationBps: bigint;
  maxStaleness: bigint;
  feedDecimals: bigint;
  maxWeightBps: bigint;
  shortable: boolean;
}) {
  return {
    feed: c.feed,
    maxDeviationBps: c.maxDeviationBps,
    maxStaleness: c.maxStaleness,
    feedDecimals: c.feedDecimals,
    maxWeightBps: c.maxWeightBps,
    shortable: c.shortable,
  };
}

describe("TradeLedger", () => {
  describe("submitSignal", () => {
    it("accepts a valid signal: event with the signal and head, targets and sequences stored", async () => {
      const { f } = await setup();
      const r = await signalReport(f, 1n, [A.BTC, A.ETH, A.SOL], [3_000, -2_000, 1_000]);
      const reportHash = reportStructHash(Stream.Signal, r);
      const head1 = signalLink(ZeroHash, 1n, reportHash, Violation.None);
      const sigs = await cosign(Stream.Signal, f.domain, r, f.operators.slice(0, 2));
      expect(await f.ledger.submitSignal.staticCall(r, sigs)).to.equal(true);
      await expect(f.ledger.submitSignal(r, sigs))
        .to.emit(f.ledger, "SignalAccepted")
        .withArgs(1n, reportHash, signalTuple(r.signal), head1);
      expect(await f.ledger.head()).to.equal(head1);
      expect(await f.ledger.currentTargets()).to.equal(r.signal.targets);
      expect(await f.ledger.targetWeight(A.BTC)).to.equal(3_000n);
      expect(await f.ledger.targetWeight(A.ETH)).to.equal(-2_000n);
      expect(await f.ledger.targetWeight(A.SOL)).to.equal(1_000n);
      expect(await f.ledger.targetWeight(A.BNB)).to.equal(0n);
      expect(await f.ledger.sequences()).to.deep.equal([1n, 0n, 1n]);

      // The next accepted signal chains from the first and replaces the targets.
      const s2 = await sig(f, 2n, [A.ETH], [1_500]);
      expect(s2.accepted).to.equal(true);
      expect(await f.ledger.head()).to.equal(signalLink(head1, 2n, s2.reportHash, Violation.None));
      expect(await f.ledger.currentTargets()).to.equal(packTargets([[A.ETH, 1_500]]));
      expect(await f.ledger.targetWeight(A.BTC)).to.equal(0n);
      expect(await f.ledger.sequences()).to.deep.equal([2n, 0n, 2n]);
    });

    it("records each policy rejection as SignalRejected: sequence consumed, targets unchanged", async () => {
      const { f } = await setup();
      const first = await sig(f, 1n, [A.BTC], [3_000]);
      let head = signalLink(ZeroHash, 1n, first.reportHash, Violation.None);
      const baseline = packTargets([[A.BTC, 3_000]]);
      // Delist LINK (weight 0, feed kept) so a lane inside the universe is also not allowed.
      const link = await f.policy.assetConfig(A.LINK);
      await (await f.policy.setAsset(A.LINK, B("LINK"), { ...configOf(link), maxWeightBps: 0 })).wait();
      const caps = DEFAULT_CAPS.map((c, i) => (i === A.LINK ? { ...c, maxWeightBps: 0 } : c));
      const cases: Array<[string, number[], number[], Violation]> = [
        ["asset index beyond the universe", [12], [100], Violation.AssetNotAllowed],
        ["delisted asset", [A.LINK], [100], Violation.AssetNotAllowed],
        ["weight above max", [A.BTC], [4_001], Violation.WeightAboveMax],
        ["short on a non-shortable asset", [A.BNB], [-100], Violation.ShortNotAllowed],
        ["gross above max", [A.BTC, A.ETH, A.BNB], [4_000, -4_000, 2_001], Violation.GrossAboveMax],
      ];
      let seq = 2n;
      for (const [name, assets, weights, reason] of cases) {
        const r = await signalReport(f, seq, assets, weights);
        expect(modelCheckSignal(r.signal.targets, caps, 10_000, KillLevel.Normal, 0n), name).to.equal(reason);
        const reportHash = reportStructHash(Stream.Signal, r);
        head = signalLink(head, seq, reportHash, reason);
        const sigs = await cosign(Stream.Signal, f.domain, r, f.operators.slice(0, 2));
        expect(await f.ledger.submitSignal.staticCall(r, sigs), name).to.equal(false);
        const tx = f.ledger.submitSignal(r, sigs);
        await expect(tx, name)
          .to.emit(f.ledger, "SignalRejected")
          .withArgs(seq, reportHash, reason, signalTuple(r.signal), head);
        await expect(tx, name).not.to.emit(f.ledger, "SignalAccepted");
        expect(await f.ledger.sequences(), name).to.deep.equal([seq, 0n, 1n]);
        expect(await f.ledger.currentTargets(), name).to.equal(baseline);
        expect(await f.ledger.head(), name).to.equal(head);
        seq++;
      }
      // A rejected sequence is consumed: it cannot be resubmitted with a valid signal.
      const again = await signalReport(f, seq - 1n, [A.BTC], [1_000]);
      const sigs = await cosign(Stream.Signal, f.domain, again, f.operators.slice(0, 2));
      await expect(f.ledger.submitSignal(again, sigs))
        .to.be.revertedWithCustomError(f.ledger, "TradeLedgerStaleSequence")
        .withArgs(seq - 1n, seq - 1n);
    });

    it("rejects a timestamp from the future or older than the last accepted one (TimestampOutOfOrder)", async () => {
      const { f } = await setup();
      const t0 = await now(f.ethers);
      const s1 = await sig(f, 1n, [A.BTC], [1_000], t0);
      expect(s1.accepted).to.equal(true);
      // From the future.
      const future = await signalReport(f, 2n, [A.BTC], [2_000], {
        signal: makeSignal([A.BTC], [2_000], t0 + 3_600n),
      });
      const s2 = await sendSignal(f, future);
      expect(s2.accepted).to.equal(false);
      await expect(s2.tx)
        .to.emit(f.ledger, "SignalRejected")
        .withArgs(
          2n,
          s2.reportHash,
          Violation.TimestampOutOfOrder,
          signalTuple(future.signal),
          await f.ledger.head(),
        );
      // Older than the last accepted.
      const s3 = await sig(f, 3n, [A.BTC], [2_000], t0 - 1n);
      expect(s3.accepted).to.equal(false);
      await expect(s3.tx)
        .to.emit(f.ledger, "SignalRejected")
        .withArgs(3n, s3.reportHash, Violation.TimestampOutOfOrder, anyValue, anyValue);
      expect(await f.ledger.targetWeight(A.BTC)).to.equal(1_000n);
      // The same timestamp as the last accepted is in order (the rejected future one did not move the clock).
      const s4 = await sig(f, 4n, [A.BTC], [2_000], t0);
      expect(s4.accepted).to.equal(true);
      expect(await f.ledger.targetWeight(A.BTC)).to.equal(2_000n);
      expect(await f.ledger.sequences()).to.deep.equal([4n, 0n, 4n]);
    });

    it("refuses a report past its deadline and accepts one exactly at it", async () => {
      const { f, helpers } = await setup();
      const t = await now(f.ethers);
      const late = await signalReport(f, 1n, [A.BTC], [1_000], { deadline: t - 1n });
      const sigs = await cosign(Stream.Signal, f.domain, late, f.operators.slice(0, 2));
      await expect(f.ledger.submitSignal(late, sigs))
        .to.be.revertedWithCustomError(f.ledger, "TradeLedgerReportExpired")
        .withArgs(t - 1n, (ts: bigint) => ts > t - 1n);
      expect(await f.ledger.sequences()).to.deep.equal([0n, 0n, 0n]);
      const onTime = await signalReport(f, 1n, [A.BTC], [1_000], { deadline: t + 100n });
      await helpers.time.setNextBlockTimestamp(t + 100n);
      const s = await sendSignal(f, onTime);
      expect(s.accepted).to.equal(true);
      expect((await s.tx.getBlock())!.timestamp).to.equal(Number(t + 100n));
    });

    it("refuses a sequence at or below the last one (replays), and accepts a gap", async () => {
      const { f } = await setup();
      const r0 = await signalReport(f, 0n, [A.BTC], [1_000]);
      await expect(
        f.ledger.submitSignal(r0, await cosign(Stream.Signal, f.domain, r0, f.operators.slice(0, 2))),
      )
        .to.be.revertedWithCustomError(f.ledger, "TradeLedgerStaleSequence")
        .withArgs(0n, 0n);
      const r1 = await signalReport(f, 1n, [A.BTC], [1_000]);
      const sigs1 = await cosign(Stream.Signal, f.domain, r1, f.operators.slice(0, 2));
      await (await f.ledger.submitSignal(r1, sigs1)).wait();
      const head = await f.ledger.head();
      await expect(f.ledger.submitSignal(r1, sigs1))
        .to.be.revertedWithCustomError(f.ledger, "TradeLedgerStaleSequence")
        .withArgs(1n, 1n);
      expect(await f.ledger.head()).to.equal(head);
      // An expired report's sequence is skipped, not re-signed: sequence 3 follows 1.
      const r3 = await signalReport(f, 3n, [A.BTC], [1_000]);
      await (
        await f.ledger.submitSignal(r3, await cosign(Stream.Signal, f.domain, r3, f.operators.slice(0, 2)))
      ).wait();
      expect((await f.ledger.sequences())[0]).to.equal(3n);
      // Sequence 2, arriving late, is now stale; a fill naming the skipped sequence is unknown.
      const r2 = await signalReport(f, 2n, [A.BTC], [1_000]);
      const sigs2 = await cosign(Stream.Signal, f.domain, r2, f.operators.slice(0, 2));
      await expect(f.ledger.submitSignal(r2, sigs2))
        .to.be.revertedWithCustomError(f.ledger, "TradeLedgerStaleSequence")
        .withArgs(3n, 2n);
    });

    it("a fill naming a skipped signal sequence is flagged unknown (ring bits of skipped sequences cleared)", async () => {
      const { f } = await setup();
      const accept = async (seq: bigint) => {
        const r = await signalReport(f, seq, [A.BTC], [1_000]);
        await (
          await f.ledger.submitSignal(r, await cosign(Stream.Signal, f.domain, r, f.operators.slice(0, 2)))
        ).wait();
      };
      let exec = 1n;
      const fillFor = async (signalSeq: bigint) => {
        const e = await executionReport(f, exec++, signalSeq, [at(A.BTC, E8 / 1000n, PRICE.BTC)]);
        const rc = await (
          await f.ledger.submitExecution(
            e,
            await cosign(Stream.Execution, f.domain, e, f.operators.slice(0, 2)),
          )
        ).wait();
        const ev = rc!.logs
          .map((l) => f.ledger.interface.parseLog(l))
          .find((l) => l?.name === "TradeRecorded");
        return Number(ev!.args.getValue("violations")) & 1;
      };
      // A short gap: seq 3 sets ring bit 3; skipping 11 must clear it, so a fill for 11 is unknown.
      await accept(3n);
      await accept(10n);
      await accept(12n);
      expect(await fillFor(11n)).to.equal(1);
      expect(await fillFor(12n)).to.equal(0);
      // A gap of a whole ring: seq 12 set bit 4; jumping to 21 skips 13..20, including 20 (bit 4).
      await accept(21n);
      expect(await fillFor(20n)).to.equal(1);
      expect(await fillFor(21n)).to.equal(0);
    });

    it("bubbles up the registry's quorum errors and changes nothing", async () => {
      const { f } = await setup();
      const r = await signalReport(f, 1n, [A.BTC], [1_000]);
      const [op0, op1] = f.operators;
      const s0 = await signReport(op0!, Stream.Signal, f.domain, r);
      const s1 = await signReport(op1!, Stream.Signal, f.domain, r);
      const [lo, hi] = BigInt(s0.signer) < BigInt(s1.signer) ? [s0, s1] : [s1, s0];
      const outsiderWallet = operatorWallets(4)[3]!;
      const outsider = await signReport(outsiderWallet, Stream.Signal, f.domain, r);
      const submit = (sigs: string) => f.ledger.submitSignal(r, sigs);

      await expect(submit(concat([lo.signature])))
        .to.be.revertedWithCustomError(f.registry, "OracleRegistryTooFewSignatures")
        .withArgs(1n, 2n);
      await expect(submit("0x"))
        .to.be.revertedWithCustomError(f.registry, "OracleRegistryTooFewSignatures")
        .withArgs(0n, 2n);
      await expect(submit(dataSlice(concat([lo.signature, hi.signature]), 0, 129)))
        .to.be.revertedWithCustomError(f.registry, "OracleRegistryMalformedSignatures")
        .withArgs(129n);
      // Descending order, and the same signer twice, are both an unexpected second signer.
      await expect(submit(concat([hi.signature, lo.signature])))
        .to.be.revertedWithCustomError(f.registry, "OracleRegistryUnexpectedSigner")
        .withArgs(1n, lo.signer);
      await expect(submit(concat([lo.signature, lo.signature])))
        .to.be.revertedWithCustomError(f.registry, "OracleRegistryUnexpectedSigner")
        .withArgs(1n, lo.signer);
      // A signer outside the operator set, wherever it sorts.
      const pair = [lo, outsider].sort((x, y) => (BigInt(x.signer) < BigInt(y.signer) ? -1 : 1));
      const outsiderIndex = pair.findIndex((s) => s === outsider);
      await expect(submit(concat(pair.map((s) => s.signature))))
        .to.be.revertedWithCustomError(f.registry, "OracleRegistryUnexpectedSigner")
        .withArgs(BigInt(outsiderIndex), outsiderWallet.address);
      // A signature that recovers to nothing (v = 0).
      const broken = getBytes(lo.signature);
      broken[64] = 0;
      await expect(submit(concat([hexlify(broken), hi.signature])))
        .to.be.revertedWithCustomError(f.registry, "OracleRegistryInvalidSignature")
        .withArgs(0n);
      // A report naming another config digest, validly signed.
      const wrong = { ...r, configDigest: keccak256("0x01") };
      const wrongSigs = await cosign(Stream.Signal, f.domain, wrong, f.operators.slice(0, 2));
      await expect(f.ledger.submitSignal(wrong, wrongSigs))
        .to.be.revertedWithCustomError(f.registry, "OracleRegistryConfigDigestMismatch")
        .withArgs(await f.registry.configDigest(), wrong.configDigest);
      // A signature by an operator over a different report does not count for this one.
      const other = await signalReport(f, 1n, [A.BTC], [2_000]);
      const otherSig = await signReport(
        lo.signer === s0.signer ? op0! : op1!,
        Stream.Signal,
        f.domain,
        other,
      );
      const stranger = recoverSigner(reportDigest(Stream.Signal, f.domain, r), otherSig.signature);
      await expect(f.ledger.submitSignal(r, concat([otherSig.signature, hi.signature])))
        .to.be.revertedWithCustomError(f.registry, "OracleRegistryUnexpectedSigner")
        .withArgs(0n, stranger);

      expect(await f.ledger.sequences()).to.deep.equal([0n, 0n, 0n]);
      expect(await f.ledger.head()).to.equal(ZeroHash);
      // The proper pair still works.
      await (await submit(concat([lo.signature, hi.signature]))).wait();
      expect(await f.ledger.sequences()).to.deep.equal([1n, 0n, 1n]);
    });

    it("refuses reports signed under the old config once the registry pushes a new one", async () => {
      const { f } = await setup();
      const oldDigest = await f.registry.configDigest();
      expect(await f.ledger.oracleConfigVersion()).to.equal(1n);
      const oldReport = await signalReport(f, 1n, [A.BTC], [1_000]);
      const oldSigs = await cosign(Stream.Signal, f.domain, oldReport, f.operators.slice(0, 2));

      const fresh = operatorWallets(6).slice(3);
      const sorted = fresh.map((w) => w.address).sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : 1));
      await expect(f.registry.setConfig(sorted, 2)).to.emit(f.ledger, "OracleConfigSynced").withArgs(2n);
      expect(await f.ledger.oracleConfigVersion()).to.equal(2n);
      const newDigest = await f.registry.configDigest();
      expect(newDigest).to.not.equal(oldDigest);

      await expect(f.ledger.submitSignal(oldReport, oldSigs))
        .to.be.revertedWithCustomError(f.registry, "OracleRegistryConfigDigestMismatch")
        .withArgs(newDigest, oldDigest);
      // The new digest signed by the old operators: the first signer is not in the new set.
      const relabelled = { ...oldReport, configDigest: newDigest };
      const oldOpsSigs = await cosign(Stream.Signal, f.domain, relabelled, f.operators.slice(0, 2));
      const firstOld = f.operators
        .slice(0, 2)
        .map((w) => w.address)
        .sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : 1))[0]!;
      await expect(f.ledger.submitSignal(relabelled, oldOpsSigs))
        .to.be.revertedWithCustomError(f.registry, "OracleRegistryUnexpectedSigner")
        .withArgs(0n, firstOld);
      // The new operators under the new digest.
      const newSigs = await cosign(Stream.Signal, f.domain, relabelled, fresh.slice(0, 2));
      await expect(f.ledger.submitSignal(relabelled, newSigs)).to.emit(f.ledger, "SignalAccepted");

      // Re-installing the very same set still bumps the version and kills in-flight reports.
      const r2 = await signalReport(f, 2n, [A.BTC], [1_000]);
      const r2Sigs = await cosign(Stream.Signal, f.domain, r2, fresh.slice(0, 2));
      await (await f.registry.setConfig(sorted, 2)).wait();
      await expect(f.ledger.submitSignal(r2, r2Sigs))
        .to.be.revertedWithCustomError(f.registry, "OracleRegistryConfigDigestMismatch")
        .withArgs(await f.registry.configDigest(), r2.configDigest);
    });

    it("takes configuration only from the registry", async () => {
      const { f } = await setup();
      const cfg = { operatorsPointer: f.deployer.address, version: 99, threshold: 1, size: 1 };
      for (const who of [f.deployer, f.alice]) {
        await expect(f.ledger.connect(who).oracleConfigChanged(cfg))
          .to.be.revertedWithCustomError(f.ledger, "OracleConfigConsumerNotRegistry")
          .withArgs(who.address);
      }
      expect(await f.ledger.oracleConfigVersion()).to.equal(1n);
    });

    it("applies the kill level against the last accepted targets", async () => {
      const { f } = await setup();
      let seq = 0n;
      const next = async (assets: number[], weights: number[]) => sig(f, ++seq, assets, weights);
      const expectOutcome = async (s: Awaited<ReturnType<typeof sig>>, reason: Violation) => {
        expect(s.accepted, `seq ${seq}`).to.equal(reason === Violation.None);
        if (reason === Violation.None) await expect(s.tx).to.emit(f.ledger, "SignalAccepted");
        else
          await expect(s.tx)
            .to.emit(f.ledger, "SignalRejected")
            .withArgs(seq, s.reportHash, reason, anyValue, anyValue);
      };
      await expectOutcome(await next([A.BTC, A.ETH, A.SOL], [3_000, -2_000, 1_000]), Violation.None);

      await (await f.policy.setKillLevel(KillLevel.ReduceOnly, B("test"))).wait();
      await expectOutcome(await next([A.BTC, A.ETH], [2_000, -1_000]), Violation.None);
      // 2500 is below the first signal's 3000 but above the last accepted 2000.
      await expectOutcome(await next([A.BTC], [2_500]), Violation.KillReduceOnly);
      // The rejection did not move the reference: 2001 still grows from 2000.
      await expectOutcome(await next([A.BTC], [2_001]), Violation.KillReduceOnly);
      await expectOutcome(await next([A.BTC, A.ETH], [-100, -1_000]), Violation.KillReduceOnly); // flip
      await expectOutcome(await next([A.BTC, A.ETH, A.SOL], [1_500, -1_000, 1]), Violation.KillReduceOnly); // SOL reopens
      await expectOutcome(await next([A.BTC, A.ETH], [1_500, -1_000]), Violation.None);
      expect(await f.ledger.currentTargets()).to.equal(
        packTargets([
          [A.BTC, 1_500],
          [A.ETH, -1_000],
        ]),
      );

      await (await f.policy.setKillLevel(KillLevel.NoNewEntries, B("test"))).wait();
      await expectOutcome(
        await next([A.BTC, A.ETH, A.LINK], [1_500, -1_000, 100]),
        Violation.KillNoNewEntries,
      );
      await expectOutcome(await next([A.BTC, A.ETH], [1_500, 500]), Violation.KillNoNewEntries);
      await expectOutcome(await next([A.BTC, A.ETH], [2_000, -3_000]), Violation.None); // growing is fine

      await (await f.policy.setKillLevel(KillLevel.Flatten, B("test"))).wait();
      await expectOutcome(await next([A.BTC], [1]), Violation.KillFlatten);
      await expectOutcome(await next([], []), Violation.None);
      expect(await f.ledger.currentTargets()).to.equal(0n);
      expect(await f.ledger.sequences()).to.deep.equal([seq, 0n, seq]);
    });

    it("computes the digests operators sign exactly as the TypeScript signer does", async () => {
      const { f } = await setup();
      const r = await signalReport(f, 7n, [A.BTC, A.ETH, 15], [3_000, -2_000, -32_768]);
      expect(await f.ledger.signalReportDigest(r)).to.equal(reportDigest(Stream.Signal, f.domain, r));
      expect(await f.ledger.signalReportDigest(r)).to.equal(
        await f.registry.hashTypedData(reportStructHash(Stream.Signal, r)),
      );
      const e = await executionReport(f, 3n, 2n, [
        at(A.BTC, -123n, PRICE.BTC),
        at(A.ETH, 5n * E8, PRICE.ETH),
      ]);
      expect(await f.ledger.executionReportDigest(e)).to.equal(reportDigest(Stream.Execution, f.domain, e));
      const empty: ExecutionReport = { ...e, execution: { signalSequence: 2n, fills: [] } };
      expect(await f.ledger.executionReportDigest(empty)).to.equal(
        reportDigest(Stream.Execution, f.domain, empty),
      );
    });
  });

  describe("submitExecution", () => {
    it("refuses an empty execution, a wrong sequence, a replay, an expired report and a bad quorum", async () => {
      const { f } = await setup();
      await (await sig(f, 1n, [A.BTC], [1_000])).tx.wait();
      const empty = await executionReport(f, 1n, 1n, []);
      await expect(f.ledger.submitExecution(empty, "0x")).to.be.revertedWithCustomError(
        f.ledger,
        "TradeLedgerEmptyExecution",
      );
      const r0 = await executionReport(f, 0n, 1n, [at(A.BTC, E8, PRICE.BTC)]);
      await expect(
        f.ledger.submitExecution(r0, await cosign(Stream.Execution, f.domain, r0, f.operators.slice(0, 2))),
      )
        .to.be.revertedWithCustomError(f.ledger, "TradeLedgerStaleSequence")
        .withArgs(0n, 0n);
      const t = await now(f.ethers);
      const late = { ...(await executionReport(f, 1n, 1n, [at(A.BTC, E8, PRICE.BTC)])), deadline: t - 1n };
      await expect(
        f.ledger.submitExecution(
          late,
          await cosign(Stream.Execution, f.domain, late, f.operators.slice(0, 2)),
        ),
      )
        .to.be.revertedWithCustomError(f.ledger, "TradeLedgerReportExpired")
        .withArgs(t - 1n, (ts: bigint) => ts > t - 1n);
      const r1 = await executionReport(f, 1n, 1n, [at(A.BTC, E8, PRICE.BTC)]);
      const oneSig = await cosign(Stream.Execution, f.domain, r1, f.operators.slice(0, 1));
      await expect(f.ledger.submitExecution(r1, oneSig))
        .to.be.revertedWithCustomError(f.registry, "OracleRegistryTooFewSignatures")
        .withArgs(1n, 2n);
      expect(await f.ledger.sequences()).to.deep.equal([1n, 0n, 1n]);
      expect(await f.ledger.position(A.BTC)).to.equal(0n);
      const sigs = await cosign(Stream.Execution, f.domain, r1, f.operators.slice(0, 2));
      await (await f.ledger.submitExecution(r1, sigs)).wait();
      await expect(f.ledger.submitExecution(r1, sigs))
        .to.be.revertedWithCustomError(f.ledger, "TradeLedgerStaleSequence")
        .withArgs(1n, 1n);
      expect(await f.ledger.sequences()).to.deep.equal([1n, 1n, 1n]);
      expect(await f.ledger.position(A.BTC)).to.equal(E8);
    });

    it("records fills with exact events, sums positions and chains the head", async () => {
      const { f } = await setup();
      await withNav(f);
      const s1 = await sig(f, 1n, [A.BTC, A.ETH], [3_000, -2_000]);
      let head = signalLink(ZeroHash, 1n, s1.reportHash, Violation.None);
      const fills = [
        at(A.BTC, 3n * E8, PRICE.BTC),
        at(A.ETH, -50n * E8, PRICE.ETH),
        at(A.BTC, 2n * E8, PRICE.BTC),
      ];
      const report = await executionReport(f, 1n, 1n, fills);
      const sigs = await cosign(Stream.Execution, f.domain, report, f.operators.slice(0, 2));
      expect(await f.ledger.submitExecution.staticCall(report, sigs)).to.equal(false);
      const tx = f.ledger.submitExecution(report, sigs);
      const positions = [3n * E8, -50n * E8, 5n * E8];
      for (const [i, x] of fills.entries()) {
        head = fillLink(head, 1n, 1n, hashFill(x), 0);
        await expect(tx)
          .to.emit(f.ledger, "TradeRecorded")
          .withArgs(1n, 1n, x.asset, hashFill(x), fillTuple(x), positions[i], 0, head);
      }
      await expect(tx).not.to.emit(f.policy, "KillLevelChanged");
      expect(await f.ledger.head()).to.equal(head);
      expect(await f.ledger.position(A.BTC)).to.equal(5n * E8);
      expect(await f.ledger.position(A.ETH)).to.equal(-50n * E8);
      expect(await f.ledger.position(A.SOL)).to.equal(0n);
      expect(await f.ledger.sequences()).to.deep.equal([1n, 1n, 1n]);

      // A second execution keeps summing.
      const e2 = await exec(f, 2n, 1n, [at(A.BTC, 1n * E8, PRICE.BTC)]);
      expect(e2.trades.map((t) => [t.position, t.violations])).to.deep.equal([[6n * E8, 0]]);
      expect(await f.ledger.position(A.BTC)).to.equal(6n * E8);
    });

    it("flags fills whose signal is unknown: 0, rejected, older than 8 signals, or not yet submitted", async () => {
      const { f } = await setup();
      await withNav(f);
      const ledgerAddr = await f.ledger.getAddress();
      // Signals 1..10 accepted: signal 10 reuses signal 2's ring slot.
      for (let s = 1n; s <= 10n; s++) expect((await sig(f, s, [A.BTC], [3_000])).accepted).to.equal(true);
      const small = () => [at(A.BTC, E8 / 10n, PRICE.BTC)];
      let execSeq = 0n;
      const cases: Array<[string, bigint, number]> = [
        ["signal 0", 0n, FillBit.SignalUnknown],
        ["older than the ring (10 - 2 = 8 back, its slot now holds 10)", 2n, FillBit.SignalUnknown],
        ["oldest in the ring", 3n, 0],
        ["latest accepted", 10n, 0],
        ["future sequence", 11n, FillBit.SignalUnknown],
        // Signal 11 is rejected (it clears slot 3's accepted bit); 3 has now left the window too.
        ["rejected signal", 11n, FillBit.SignalUnknown],
        ["3 is 8 back of 11", 3n, FillBit.SignalUnknown],
        ["4 is still in the ring", 4n, 0],
        ["accepted signal before a rejected one", 10n, 0],
      ];
      for (const [name, signalSeq, expected] of cases) {
        if (name === "rejected signal") {
          expect((await sig(f, 11n, [A.BTC], [4_001])).accepted).to.equal(false);
        }
        const e = await exec(f, ++execSeq, signalSeq, small());
        expect(
          e.trades.map((t) => t.violations),
          name,
        ).to.deep.equal([expected]);
        expect(e.tripped, name).to.equal(expected !== 0);
        if (expected !== 0) {
          await expect(e.tx, name)
            .to.emit(f.policy, "KillLevelChanged")
            .withArgs(KillLevel.Normal, KillLevel.ReduceOnly, B("fill-breach"), ledgerAddr);
          expect(await f.policy.killLevel()).to.equal(BigInt(KillLevel.ReduceOnly));
          await (await f.policy.setKillLevel(KillLevel.Normal, B("reset"))).wait();
        } else {
          await expect(e.tx, name).not.to.emit(f.policy, "KillLevelChanged");
        }
      }
    });

    it("flags growing a delisted asset but not reducing it", async () => {
      const { f } = await setup();
      await withNav(f);
      await (await sig(f, 1n, [A.SOL], [1_000])).tx.wait();
      const e1 = await exec(f, 1n, 1n, [at(A.SOL, 500n * E8, PRICE.SOL)]);
      expect(e1.trades.map((t) => t.violations)).to.deep.equal([0]);
      const sol = await f.policy.assetConfig(A.SOL);
      await (await f.policy.setAsset(A.SOL, B("SOL"), { ...configOf(sol), maxWeightBps: 0 })).wait();
      await (await sig(f, 2n, [], [])).tx.wait(); // target flat
      // Reducing toward the (zero) target: nothing to flag.
      const e2 = await exec(f, 2n, 2n, [at(A.SOL, -200n * E8, PRICE.SOL)]);
      expect(e2.trades.map((t) => [t.violations, t.position])).to.deep.equal([[0, 300n * E8]]);
      expect(e2.tripped).to.equal(false);
      // Growing from 300 to 400 SOL: $30k -> $40k away from a zero target is exactly |d0| + tolerance ($10k),
      // so the only breach is the listing.
      const tol = (NAV * 100n) / 10_000n;
      expect(notionalOf(400n * E8, PRICE.SOL, TOKEN_DECIMALS)).to.equal(
        notionalOf(300n * E8, PRICE.SOL, TOKEN_DECIMALS) + tol,
      );
      const e3 = await exec(f, 3n, 2n, [at(A.SOL, 100n * E8, PRICE.SOL)]);
      expect(e3.trades.map((t) => t.violations)).to.deep.equal([FillBit.AssetNotListed]);
      expect(e3.tripped).to.equal(true);
      await expect(e3.tx)
        .to.emit(f.policy, "KillLevelChanged")
        .withArgs(KillLevel.Normal, KillLevel.ReduceOnly, B("fill-breach"), await f.ledger.getAddress());
    });

    it("flags fills that overshoot or move away from the target beyond sizeToleranceBps of NAV", async () => {
      const { f, helpers } = await setup();
      await withNav(f);
      await (await sig(f, 1n, [A.BTC, A.ETH], [3_000, -2_000])).tx.wait();
      const target = (NAV * 3_000n) / 10_000n; // $300k in 6-decimal units
      const tol = (NAV * 100n) / 10_000n; // $10k
      // Largest buy from flat whose notional stays within target + tolerance, at the fill price.
      const unit = PRICE.BTC * 10n ** BigInt(TOKEN_DECIMALS); // notional = q * unit / 1e16
      const qOver = ((target + tol) * 10n ** 16n) / unit;
      expect(notionalOf(qOver, PRICE.BTC, TOKEN_DECIMALS) <= target + tol).to.equal(true);
      expect(notionalOf(qOver + 1n, PRICE.BTC, TOKEN_DECIMALS) > target + tol).to.equal(true);
      // Largest sell from flat (away from a long target) whose notional is within tolerance.
      const qAway = (tol * 10n ** 16n) / unit;
      expect(notionalOf(qAway, PRICE.BTC, TOKEN_DECIMALS) <= tol).to.equal(true);
      expect(notionalOf(qAway + 1n, PRICE.BTC, TOKEN_DECIMALS) > tol).to.equal(true);

      const ctx = {
        known: true,
        targetBps: 3_000,
        navUnits: NAV,
        sizeToleranceBps: 100,
        kill: KillLevel.Normal,
        tokenDecimals: TOKEN_DECIMALS,
      };
      const ok: FillPolicyView = { price: Violation.None, listed: true };
      const cases: Array<[string, bigint, number]> = [
        ["overshoot just inside", qOver, 0],
        ["overshoot just outside", qOver + 1n, FillBit.SizeTolerance],
        ["away just inside", -qAway, 0],
        ["away just outside", -(qAway + 1n), FillBit.SizeTolerance],
        ["toward, short of the target", qOver / 2n, 0],
      ];
      for (const [name, q, expected] of cases) {
        expect(modelFillViolations(0n, q, PRICE.BTC, ok, ctx), `model: ${name}`).to.equal(expected);
        const snap = await helpers.takeSnapshot();
        const e = await exec(f, 1n, 1n, [at(A.BTC, q, PRICE.BTC)]);
        expect(
          e.trades.map((t) => t.violations),
          name,
        ).to.deep.equal([expected]);
        expect(e.tripped, name).to.equal(expected !== 0);
        expect(await f.policy.killLevel(), name).to.equal(expected !== 0 ? 2n : 0n);
        await snap.restore();
      }
      // Without NAV the sizes cannot be judged, so nothing is flagged.
      const { f: g } = await setup();
      await (await sig(g, 1n, [A.BTC], [3_000])).tx.wait();
      const e = await exec(g, 1n, 1n, [at(A.BTC, 1_000n * E8, PRICE.BTC)]);
      expect(e.trades.map((t) => t.violations)).to.deep.equal([0]);
    });

    it("flags feed problems without tripping, and a price deviation with tripping", async () => {
      const { f, feeds, helpers } = await setup();
      await withNav(f);
      const ledgerAddr = await f.ledger.getAddress();
      await (await sig(f, 1n, [A.BTC, A.ETH, A.BNB, A.SOL], [1_000, 1_000, 1_000, 1_000])).tx.wait();
      const q = E8 / 100n;
      // ETH feed reverts, BNB feed answers zero, SOL feed is one second too old at the fill's block.
      await (await feeds[A.ETH]!.setBroken(true)).wait();
      await (await feeds[A.BNB]!.setAnswer(0)).wait();
      const t = await now(f.ethers);
      const fillTime = t + 100n;
      await (await feeds[A.SOL]!.setAnswerAt(PRICE.SOL, fillTime - 3_601n)).wait();
      await (await feeds[A.BTC]!.setAnswerAt(PRICE.BTC, fillTime - 3_600n)).wait(); // exactly at the limit: fresh
      const report = await executionReport(f, 1n, 1n, [
        at(A.ETH, q, PRICE.ETH),
        at(A.BNB, q, PRICE.BNB),
        at(A.SOL, q, PRICE.SOL),
        at(A.BTC, q, PRICE.BTC),
        at(12, q, E8), // no asset at index 12: no feed and not listed
      ]);
      const sigs = await cosign(Stream.Execution, f.domain, report, f.operators.slice(0, 2));
      await helpers.time.setNextBlockTimestamp(fillTime);
      const tx = await f.ledger.submitExecution(report, sigs);
      const trades = tradesOf(f, (await tx.wait())!.logs);
      expect(trades.map((x) => x.violations)).to.deep.equal([
        FillBit.FeedInvalid,
        FillBit.FeedInvalid,
        FillBit.FeedStale,
        0,
        mask(FillBit.AssetNotListed, FillBit.FeedInvalid),
      ]);
      // The unlisted asset trips; check the feed-only fills alone do not.
      await expect(tx)
        .to.emit(f.policy, "KillLevelChanged")
        .withArgs(KillLevel.Normal, KillLevel.ReduceOnly, B("fill-breach"), ledgerAddr);
      await (await f.policy.setKillLevel(KillLevel.Normal, B("reset"))).wait();
      const feedOnly = await exec(f, 2n, 1n, [
        at(A.ETH, q, PRICE.ETH),
        at(A.BNB, q, PRICE.BNB),
        at(A.SOL, q, PRICE.SOL),
      ]);
      expect(feedOnly.trades.map((x) => x.violations)).to.deep.equal([
        FillBit.FeedInvalid,
        FillBit.FeedInvalid,
        FillBit.FeedStale,
      ]);
      expect(feedOnly.tripped).to.equal(false);
      await expect(feedOnly.tx).not.to.emit(f.policy, "KillLevelChanged");
      expect(await f.policy.killLevel()).to.equal(0n);

      // Price deviation: BTC feed 42000, bound 2% = 840 -> 42840 passes, one unit more trips.
      await (await feeds[A.BTC]!.setAnswer(PRICE.BTC)).wait();
      const bound = PRICE.BTC + (PRICE.BTC * 200n) / 10_000n;
      expect(bound).to.equal(42_840n * E8);
      const inside = await exec(f, 3n, 1n, [at(A.BTC, q, bound), at(A.BTC, q, PRICE.BTC * 2n - bound)]);
      expect(inside.trades.map((x) => x.violations)).to.deep.equal([0, 0]);
      expect(inside.tripped).to.equal(false);
      const outside = await exec(f, 4n, 1n, [at(A.BTC, q, bound + 1n)]);
      expect(outside.trades.map((x) => x.violations)).to.deep.equal([FillBit.PriceDeviation]);
      expect(outside.tripped).to.equal(true);
      await expect(outside.tx)
        .to.emit(f.policy, "KillLevelChanged")
        .withArgs(KillLevel.Normal, KillLevel.ReduceOnly, B("fill-breach"), ledgerAddr);
    });

    it("still records a fill when the asset's feed returns no data, flagged FEED_INVALID", async () => {
      const { f } = await setup();
      await withNav(f);
      await (await sig(f, 1n, [A.BTC], [1_000])).tx.wait();
      const btc = await f.policy.assetConfig(A.BTC);
      await (await f.policy.setAsset(A.BTC, B("BTC"), { ...configOf(btc), feed: f.carol.address })).wait();
      const e = await exec(f, 1n, 1n, [at(A.BTC, E8 / 100n, PRICE.BTC)]);
      expect(e.trades.map((t) => [t.violations, t.position])).to.deep.equal([
        [FillBit.FeedInvalid, E8 / 100n],
      ]);
      expect(e.tripped).to.equal(false);
      expect(await f.ledger.position(A.BTC)).to.equal(E8 / 100n);
    });

    it("flags fills the kill level forbids: opening or flipping under NoNewEntries, growing under ReduceOnly/Flatten", async () => {
      const { f } = await setup();
      await withNav(f);
      const ledgerAddr = await f.ledger.getAddress();
      await (await sig(f, 1n, [A.BTC, A.ETH], [3_000, -2_000])).tx.wait();
      const e1 = await exec(f, 1n, 1n, [at(A.BTC, 2n * E8, PRICE.BTC), at(A.ETH, -10n * E8, PRICE.ETH)]);
      expect(e1.trades.map((t) => t.violations)).to.deep.equal([0, 0]);
      await (await sig(f, 2n, [], [])).tx.wait(); // flat target: small moves stay within tolerance

      const positions = new Map<number, bigint>([
        [A.BTC, 2n * E8],
        [A.ETH, -10n * E8],
      ]);
      const prices = new Map<number, bigint>([
        [A.BTC, PRICE.BTC],
        [A.ETH, PRICE.ETH],
        [A.BNB, PRICE.BNB],
      ]);
      const run = async (execSeq: bigint, kill: KillLevel, legs: Array<[number, bigint, number]>) => {
        const fills = legs.map(([asset, q]) => at(asset, q, prices.get(asset)!));
        const after: bigint[] = [];
        const expected = legs.map(([asset, q, bits]) => {
          const before = positions.get(asset) ?? 0n;
          after.push(before + q);
          const ctx = {
            known: true,
            targetBps: 0,
            navUnits: NAV,
            sizeToleranceBps: 100,
            kill,
            tokenDecimals: TOKEN_DECIMALS,
          };
          expect(
            modelFillViolations(before, q, prices.get(asset)!, { price: Violation.None, listed: true }, ctx),
          ).to.equal(bits);
          positions.set(asset, before + q);
          return bits;
        });
        const e = await exec(f, execSeq, 2n, fills);
        expect(
          e.trades.map((t) => t.violations),
          `exec ${execSeq}`,
        ).to.deep.equal(expected);
        expect(
          e.trades.map((t) => t.position),
          `exec ${execSeq}`,
        ).to.deep.equal(after);
        for (const [a, p] of positions) expect(await f.ledger.position(a)).to.equal(p);
        return e;
      };

      await (await f.policy.setKillLevel(KillLevel.NoNewEntries, B("test"))).wait();
      const e2 = await run(2n, KillLevel.NoNewEntries, [
        [A.BTC, E8 / 10n, 0], // grows the existing long: allowed
        [A.BNB, E8, FillBit.KillSwitch], // opens
        [A.ETH, 14n * E8, FillBit.KillSwitch], // -10 -> +4: flips, though smaller
        [A.BTC, -E8 / 2n, 0], // reduces
      ]);
      expect(e2.tripped).to.equal(true);
      await expect(e2.tx)
        .to.emit(f.policy, "KillLevelChanged")
        .withArgs(KillLevel.NoNewEntries, KillLevel.ReduceOnly, B("fill-breach"), ledgerAddr);

      // The breaker left ReduceOnly in force.
      const e3 = await run(3n, KillLevel.ReduceOnly, [
        [A.BTC, -E8 / 2n, 0],
        [A.BTC, E8 / 10n, FillBit.KillSwitch],
        [A.ETH, -E8, 0], // +4 -> +3
        [A.ETH, -4n * E8, FillBit.KillSwitch], // +3 -> -1: flips
        [A.BNB, -E8, 0], // closes
      ]);
      expect(e3.tripped).to.equal(true);
      await expect(e3.tx).not.to.emit(f.policy, "KillLevelChanged"); // already ReduceOnly

      await (await f.policy.setKillLevel(KillLevel.Flatten, B("test"))).wait();
      const btc = positions.get(A.BTC)!;
      const e4 = await run(4n, KillLevel.Flatten, [
        [A.BTC, E8 / 10n, FillBit.KillSwitch],
        [A.BTC, -(btc + E8 / 10n), 0],
        [A.ETH, E8, 0],
      ]);
      expect(e4.tripped).to.equal(true);
      await expect(e4.tx).not.to.emit(f.policy, "KillLevelChanged"); // a breaker never lowers Flatten
      expect(await f.policy.killLevel()).to.equal(BigInt(KillLevel.Flatten));
      expect(await f.ledger.position(A.BTC)).to.equal(0n);
      expect(await f.ledger.position(A.ETH)).to.equal(0n);
    });
  });

  describe("fills against the model", () => {
    it("agrees with the TypeScript model on 120 seeded random fills across kill levels", async () => {
      const { f } = await setup();
      await withNav(f);
      const rand = seededRandom(0x1ed6e4);
      const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
      const targets = [2_500, -1_500, 1_000, 500]; // BTC, ETH, BNB, SOL
      await (await sig(f, 1n, [A.BTC, A.ETH, A.BNB, A.SOL], targets)).tx.wait();
      const feedPrice = [PRICE.BTC, PRICE.ETH, PRICE.BNB, PRICE.SOL];
      const positions = new Map<number, bigint>();
      let kill: KillLevel = KillLevel.Normal;
      const seen = new Set<number>();
      let fills = 0;
      for (let execSeq = 1n; fills < 120; execSeq++) {
        if (rand() < 0.4) {
          const level = int(0, 3) as KillLevel;
          await (await f.policy.setKillLevel(level, B("random"))).wait();
          kill = level;
        }
        const signalSeq = rand() < 0.85 ? 1n : pick(rand, [0n, 2n]);
        const legs: Fill[] = [];
        const expected: number[] = [];
        const expectedPositions: bigint[] = [];
        for (let i = int(1, 4); i > 0; i--) {
          const asset = rand() < 0.9 ? int(0, 3) : 12;
          const ref = asset === 12 ? E8 : feedPrice[asset]!;
          // Price: at the feed, inside, exactly at or just past the 2% bound, or far off.
          const bound = (ref * 200n) / 10_000n;
          const price = pick(rand, [
            ref,
            ref + bound,
            ref - bound,
            ref + bound + 1n,
            ref - bound - 1n,
            ref + ref / 10n,
          ]);
          // Quantity worth up to about $40k either way, sometimes exactly closing the position.
          const before = positions.get(asset) ?? 0n;
          const usd = BigInt(int(1, 40_000));
          let q = (usd * 10n ** 8n * E8) / price;
          if (rand() < 0.5) q = -q;
          if (before !== 0n && rand() < 0.15) q = -before;
          const listed = asset !== 12;
          const priceView: Violation =
            asset === 12
              ? Violation.AssetNotAllowed
              : (price > ref ? price - ref : ref - price) * 10_000n > ref * 200n
                ? Violation.PriceDeviation
                : Violation.None;
          const ctx = {
            known: signalSeq === 1n,
            targetBps: asset === 12 ? 0 : targets[asset]!,
            navUnits: NAV,
            sizeToleranceBps: 100,
            kill,
            tokenDecimals: TOKEN_DECIMALS,
          };
          expected.push(modelFillViolations(before, q, price, { price: priceView, listed }, ctx));
          positions.set(asset, before + q);
          expectedPositions.push(before + q);
          legs.push(at(asset, q, price));
        }
        const e = await exec(f, execSeq, signalSeq, legs);
        const name = `exec ${execSeq} (kill ${kill}, signal ${signalSeq})`;
        expect(
          e.trades.map((t) => t.violations),
          name,
        ).to.deep.equal(expected);
        expect(
          e.trades.map((t) => t.position),
          name,
        ).to.deep.equal(expectedPositions);
        const any = expected.reduce((m, v) => m | v, 0);
        expect(e.tripped, name).to.equal((any & TRIPPING_BITS) !== 0);
        if (e.tripped && kill < KillLevel.ReduceOnly) kill = KillLevel.ReduceOnly;
        expect(await f.policy.killLevel(), name).to.equal(BigInt(kill));
        for (const v of expected) for (let b = 0; b < 7; b++) if (v & (1 << b)) seen.add(1 << b);
        if (expected.includes(0)) seen.add(0);
        fills += legs.length;
      }
      for (const [a, p] of positions) expect(await f.ledger.position(a)).to.equal(p);
      // Every bit but the feed-health ones (covered above) must have come up, and clean fills too.
      for (const bit of [
        0,
        FillBit.SignalUnknown,
        FillBit.AssetNotListed,
        FillBit.SizeTolerance,
        FillBit.FeedInvalid,
        FillBit.PriceDeviation,
        FillBit.KillSwitch,
      ]) {
        expect(seen.has(bit), `bit ${bit} never produced`).to.equal(true);
      }
      expect(await f.ledger.position(A.BTC)).to.equal(positions.get(A.BTC) ?? 0n);
    });
  });

  describe("hash chain", () => {
    it("rebuilds head() from the events of a mixed history, and a tampered event does not", async () => {
      const { f } = await setup();
      await withNav(f);
      await sig(f, 1n, [A.BTC, A.ETH], [3_000, -2_000]); // accepted
      await sig(f, 2n, [A.BTC], [4_001]); // rejected: weight
      await sig(f, 3n, [A.BTC, A.ETH, A.SOL], [2_000, -2_000, 500]); // accepted
      await exec(f, 1n, 1n, [at(A.BTC, 2n * E8, PRICE.BTC), at(A.ETH, -20n * E8, PRICE.ETH)]);
      const t = await now(f.ethers);
      await sig(f, 4n, [A.BTC], [100], t + 10_000n); // rejected: future timestamp
      await exec(f, 2n, 2n, [at(A.BTC, E8 / 10n, PRICE.BTC)]); // unknown signal: trips ReduceOnly
      await sig(f, 5n, [A.BTC, A.ETH, A.SOL], [2_500, -2_000, 500]); // rejected: grows under ReduceOnly
      await sig(f, 6n, [A.BTC, A.ETH], [1_000, -1_000]); // accepted
      await exec(f, 3n, 3n, [
        at(A.SOL, 100n * E8, PRICE.SOL),
        at(A.BTC, -E8 / 10n, (PRICE.BTC * 101n) / 100n),
        at(A.ETH, 4n * E8, PRICE.ETH),
      ]);

      type Link = { kind: "signal" | "fill"; log: LogDescription; order: [number, number] };
      const links: Link[] = [];
      const logs = [
        ...(await f.ledger.queryFilter(f.ledger.getEvent("SignalAccepted"), 0)),
        ...(await f.ledger.queryFilter(f.ledger.getEvent("SignalRejected"), 0)),
        ...(await f.ledger.queryFilter(f.ledger.getEvent("TradeRecorded"), 0)),
      ];
      for (const l of logs) {
        const log = f.ledger.interface.parseLog(l)!;
        links.push({
          kind: log.name === "TradeRecorded" ? "fill" : "signal",
          log,
          order: [l.blockNumber, l.index],
        });
      }
      links.sort((x, y) => x.order[0] - y.order[0] || x.order[1] - y.order[1]);
      expect(links.filter((l) => l.kind === "signal").length).to.equal(6);
      expect(links.filter((l) => l.kind === "fill").length).to.equal(6);

      const rebuild = (tamper?: (fillIndex: number, x: Fill) => Fill) => {
        let head = ZeroHash;
        let fillIndex = 0;
        const heads: string[] = [];
        for (const l of links) {
          const a = l.log.args;
          if (l.kind === "signal") {
            const reason = l.log.name === "SignalAccepted" ? 0 : Number(a.reason);
            head = signalLink(head, a.sequence as bigint, a.reportHash as string, reason);
          } else {
            const raw = a.getValue("record") as [bigint, bigint, bigint, bigint, string, bigint];
            let x: Fill = {
              asset: Number(raw[0]),
              quantityE8: raw[1],
              priceE8: raw[2],
              feeE8: raw[3],
              orderRef: raw[4],
              timestamp: raw[5],
            };
            if (tamper) x = tamper(fillIndex, x);
            fillIndex++;
            if (!tamper) expect(hashFill(x)).to.equal(a.fillHash);
            head = fillLink(
              head,
              a.executionSequence as bigint,
              a.signalSequence as bigint,
              hashFill(x),
              Number(a.violations),
            );
          }
          heads.push(head);
          if (!tamper) expect(head, `link ${heads.length}`).to.equal(a.head);
        }
        return head;
      };
      const rebuilt = rebuild();
      expect(rebuilt).to.equal(await f.ledger.head());
      // The mix really had both outcomes and flagged fills.
      const reasons = links
        .filter((l) => l.log.name === "SignalRejected")
        .map((l) => Number(l.log.args.reason));
      expect(reasons).to.deep.equal([
        Violation.WeightAboveMax,
        Violation.TimestampOutOfOrder,
        Violation.KillReduceOnly,
      ]);
      const masks = links.filter((l) => l.kind === "fill").map((l) => Number(l.log.args.violations));
      expect(masks).to.deep.equal([0, 0, FillBit.SignalUnknown, FillBit.KillSwitch, 0, 0]);

      // Tampering with one fill's quantity breaks the chain.
      const tampered = rebuild((i, x) => (i === 3 ? { ...x, quantityE8: x.quantityE8 + 1n } : x));
      expect(tampered).to.not.equal(await f.ledger.head());
      const retimed = rebuild((i, x) => (i === 0 ? { ...x, timestamp: x.timestamp + 1n } : x));
      expect(retimed).to.not.equal(await f.ledger.head());
    });
  });
});
