import { expect } from "chai";
import {
  AbiCoder,
  Signature,
  Wallet,
  ZeroAddress,
  concat,
  dataSlice,
  keccak256,
  toBeHex,
  toUtf8Bytes,
  zeroPadValue,
  type BaseContract,
  type BaseContractMethod,
  type ContractRunner,
  type ContractTransactionResponse,
} from "ethers";
import { network } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import {
  Stream,
  type NavReport,
  type ReportDomain,
  type SignalReport,
} from "../../offchain/protocol/reportTypes.js";
import { payloadStructHash, reportStructHash, signReport } from "../../offchain/protocol/signatures.js";
import { USD, deployFixture, fund, makeSignal, settle, type Fixture } from "../helpers/sigilFixture.js";

const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const GOVERNANCE_ROLE = keccak256(toUtf8Bytes("GOVERNANCE_ROLE"));
const BPS = 10_000n;
const DAY = 86_400n;

interface BondState {
  active: bigint;
  unbonding: bigint;
  unlockAt: bigint;
}

interface ParamsArg {
  slashBps: number | bigint;
  proverRewardBps: number | bigint;
  unbondDelay: number | bigint;
  treasury: string;
}

interface ReportHeader {
  stream: number;
  configDigest: string;
  sequence: bigint;
  deadline: bigint;
  payloadHash: string;
}

/** The OperatorBonds ABI as the tests use it (no generated typings in this project). */
interface Bonds extends BaseContract {
  connect(runner: ContractRunner | null): Bonds;
  GOVERNANCE_ROLE(): Promise<string>;
  bondToken(): Promise<string>;
  rewardToken(): Promise<string>;
  registry(): Promise<string>;
  bond(amount: bigint): Promise<ContractTransactionResponse>;
  requestUnbond(amount: bigint): Promise<ContractTransactionResponse>;
  withdraw(): Promise<ContractTransactionResponse>;
  proveEquivocation: BaseContractMethod<
    [ReportHeader, string, ReportHeader, string],
    string,
    ContractTransactionResponse
  >;
  distributeRewards(): Promise<ContractTransactionResponse>;
  claimRewards: BaseContractMethod<[], bigint, ContractTransactionResponse>;
  setParams(p: ParamsArg): Promise<ContractTransactionResponse>;
  bondOf(operator: string): Promise<BondState>;
  rewardsOf(operator: string): Promise<bigint>;
  params(): Promise<{ slashBps: bigint; proverRewardBps: bigint; unbondDelay: bigint; treasury: string }>;
  hasRole(role: string, account: string): Promise<boolean>;
}

interface Token extends BaseContract {
  connect(runner: ContractRunner | null): Token;
  mint(to: string, amount: bigint): Promise<ContractTransactionResponse>;
  approve(spender: string, amount: bigint): Promise<ContractTransactionResponse>;
  transfer(to: string, amount: bigint): Promise<ContractTransactionResponse>;
  balanceOf(account: string): Promise<bigint>;
}

interface Vault extends Token {
  connect(runner: ContractRunner | null): Vault;
  requestDeposit(assets: bigint, controller: string): Promise<ContractTransactionResponse>;
  claimDeposit(receiver: string): Promise<ContractTransactionResponse>;
}

interface Registry extends BaseContract {
  configVersion(): Promise<bigint>;
  configDigest(): Promise<string>;
  threshold(): Promise<bigint>;
  operators(): Promise<string[]>;
  isOperator(account: string): Promise<boolean>;
}

interface Setup {
  f: Fixture;
  bonds: Bonds;
  token: Token;
  vault: Vault;
  registry: Registry;
  bondsAddress: string;
  /** Operators sorted by address, connected to the provider, with ETH for gas. */
  ops: Wallet[];
  prover: HardhatEthersSigner;
  treasury: string;
  time: {
    setNextBlockTimestamp(t: bigint): Promise<void>;
    latest(): Promise<number>;
    increase(seconds: bigint): Promise<number>;
  };
}

async function setup(): Promise<Setup> {
  const { ethers, networkHelpers } = await network.create();
  const f = await deployFixture(ethers);
  const bonds = f.bonds as unknown as Bonds;
  const token = f.asset as unknown as Token;
  const bondsAddress = await bonds.getAddress();
  const ops = [...f.operators]
    .sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1))
    .map((w) => w.connect(ethers.provider));
  for (const w of ops) await networkHelpers.setBalance(w.address, 10n ** 20n);
  return {
    f,
    bonds,
    token,
    vault: f.vault as unknown as Vault,
    registry: f.registry as unknown as Registry,
    bondsAddress,
    ops,
    prover: f.alice,
    treasury: f.options.treasury,
    time: {
      setNextBlockTimestamp: (t: bigint) => networkHelpers.time.setNextBlockTimestamp(t),
      latest: () => networkHelpers.time.latest(),
      increase: (seconds: bigint) => networkHelpers.time.increase(seconds),
    },
  };
}

async function bondAs(s: Setup, who: Wallet | HardhatEthersSigner, amount: bigint): Promise<void> {
  await (await s.token.mint(who.address, amount)).wait();
  await (await s.token.connect(who).approve(s.bondsAddress, amount)).wait();
  await (await s.bonds.connect(who).bond(amount)).wait();
}

function signalReportAt(configDigest: string, sequence: bigint, weightsBps: number[]): SignalReport {
  return {
    configDigest,
    sequence,
    deadline: 4_000_000_000n,
    signal: makeSignal([0, 1], weightsBps, 1_700_000_000n),
  };
}

function signalHeader(r: SignalReport): ReportHeader {
  return {
    stream: Stream.Signal,
    configDigest: r.configDigest,
    sequence: r.sequence,
    deadline: r.deadline,
    payloadHash: payloadStructHash(Stream.Signal, r.signal),
  };
}

function navHeader(r: NavReport): ReportHeader {
  return {
    stream: Stream.Nav,
    configDigest: r.configDigest,
    sequence: r.sequence,
    deadline: r.deadline,
    payloadHash: payloadStructHash(Stream.Nav, r.nav),
  };
}

interface Proof {
  a: ReportHeader;
  sigA: string;
  b: ReportHeader;
  sigB: string;
  hashA: string;
  hashB: string;
}

/** `signer` signs two different signal reports (weights differ) with the given sequences. */
async function signalProof(
  domain: ReportDomain,
  configDigest: string,
  signerA: Wallet,
  seqA = 7n,
  seqB = seqA,
  signerB = signerA,
): Promise<Proof> {
  const ra = signalReportAt(configDigest, seqA, [3000, -2000]);
  const rb = signalReportAt(configDigest, seqB, [1000, 2000]);
  return {
    a: signalHeader(ra),
    sigA: (await signReport(signerA, Stream.Signal, domain, ra)).signature,
    b: signalHeader(rb),
    sigB: (await signReport(signerB, Stream.Signal, domain, rb)).signature,
    hashA: reportStructHash(Stream.Signal, ra),
    hashB: reportStructHash(Stream.Signal, rb),
  };
}

function submit(s: Setup, p: Proof, from: HardhatEthersSigner = s.prover) {
  return s.bonds.connect(from).proveEquivocation(p.a, p.sigA, p.b, p.sigB);
}

/** Registry config digest: keccak(abi.encode(chainId, registry, version, threshold, keccak(ops as words))). */
function configDigestOf(s: Setup, version: number, threshold: number, operators: string[]): string {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ["uint256", "address", "uint32", "uint8", "bytes32"],
      [
        s.f.domain.chainId,
        s.f.domain.verifyingContract,
        version,
        threshold,
        keccak256(concat(operators.map((a) => zeroPadValue(a, 32)))),
      ],
    ),
  );
}

function paramsTuple(p: ParamsArg): [bigint, bigint, bigint, string] {
  return [BigInt(p.slashBps), BigInt(p.proverRewardBps), BigInt(p.unbondDelay), p.treasury];
}

describe("OperatorBonds", () => {
  describe("constructor", () => {
    it("constructor: wires tokens, registry, roles and params", async () => {
      const s = await setup();
      expect(await s.bonds.bondToken()).to.equal(await s.token.getAddress());
      expect(await s.bonds.rewardToken()).to.equal(await s.vault.getAddress());
      expect(await s.bonds.registry()).to.equal(await s.registry.getAddress());
      expect(await s.bonds.GOVERNANCE_ROLE()).to.equal(GOVERNANCE_ROLE);
      expect(await s.bonds.hasRole(GOVERNANCE_ROLE, s.f.deployer.address)).to.equal(true);
      const p = await s.bonds.params();
      expect(p.slashBps).to.equal(10_000n);
      expect(p.proverRewardBps).to.equal(1_000n);
      expect(p.unbondDelay).to.equal(7n * DAY);
      expect(p.treasury).to.equal(s.treasury);
    });

    it("constructor: rejects invalid params", async () => {
      const s = await setup();
      const factory = await s.f.ethers.getContractFactory("OperatorBonds");
      const a = s.f.deployer.address;
      const args = [a, a, a, a] as const;
      await expect(
        factory.deploy(...args, { slashBps: 1, proverRewardBps: 1, unbondDelay: 1, treasury: ZeroAddress }),
      ).to.be.revertedWithCustomError(factory, "OperatorBondsInvalidParams");
    });
  });

  describe("bond", () => {
    it("bond: reverts on zero", async () => {
      const s = await setup();
      await expect(s.bonds.connect(s.ops[0]!).bond(0n)).to.be.revertedWithCustomError(
        s.bonds,
        "OperatorBondsZeroAmount",
      );
    });

    it("bond: pulls the tokens, accumulates the active bond, emits Bonded", async () => {
      const s = await setup();
      const op = s.ops[0]!;
      await (await s.token.mint(op.address, USD(1_500))).wait();
      await (await s.token.connect(op).approve(s.bondsAddress, USD(1_500))).wait();
      await expect(s.bonds.connect(op).bond(USD(1_000)))
        .to.emit(s.bonds, "Bonded")
        .withArgs(op.address, USD(1_000), USD(1_000));
      await expect(s.bonds.connect(op).bond(USD(500)))
        .to.emit(s.bonds, "Bonded")
        .withArgs(op.address, USD(500), USD(1_500));
      expect(await s.token.balanceOf(op.address)).to.equal(0n);
      expect(await s.token.balanceOf(s.bondsAddress)).to.equal(USD(1_500));
      const b = await s.bonds.bondOf(op.address);
      expect([b.active, b.unbonding, b.unlockAt]).to.deep.equal([USD(1_500), 0n, 0n]);
    });

    it("bond: reverts without allowance", async () => {
      const s = await setup();
      const op = s.ops[0]!;
      await (await s.token.mint(op.address, USD(10))).wait();
      await expect(s.bonds.connect(op).bond(USD(10)))
        .to.be.revertedWithCustomError(s.token, "ERC20InsufficientAllowance")
        .withArgs(s.bondsAddress, 0n, USD(10));
    });

    it("bond: reverts when the amount does not fit 128 bits", async () => {
      const s = await setup();
      const tooBig = 1n << 128n;
      await expect(s.bonds.connect(s.ops[0]!).bond(tooBig))
        .to.be.revertedWithCustomError(s.bonds, "SafeCastOverflowedUintDowncast")
        .withArgs(128n, tooBig);
    });
  });

  describe("requestUnbond", () => {
    it("requestUnbond: reverts on zero", async () => {
      const s = await setup();
      await expect(s.bonds.connect(s.ops[0]!).requestUnbond(0n)).to.be.revertedWithCustomError(
        s.bonds,
        "OperatorBondsZeroAmount",
      );
    });

    it("requestUnbond: reverts when asking for more than the active bond", async () => {
      const s = await setup();
      const op = s.ops[0]!;
      await expect(s.bonds.connect(op).requestUnbond(1n))
        .to.be.revertedWithCustomError(s.bonds, "OperatorBondsInsufficientBond")
        .withArgs(1n, 0n);
      await bondAs(s, op, USD(100));
      await expect(s.bonds.connect(op).requestUnbond(USD(100) + 1n))
        .to.be.revertedWithCustomError(s.bonds, "OperatorBondsInsufficientBond")
        .withArgs(USD(100) + 1n, USD(100));
    });

    it("requestUnbond: moves active to unbonding with unlockAt = now + delay, emits UnbondRequested", async () => {
      const s = await setup();
      const op = s.ops[0]!;
      await bondAs(s, op, USD(100));
      const t = BigInt(await s.time.latest()) + 100n;
      await s.time.setNextBlockTimestamp(t);
      await expect(s.bonds.connect(op).requestUnbond(USD(30)))
        .to.emit(s.bonds, "UnbondRequested")
        .withArgs(op.address, USD(30), t + 7n * DAY);
      const b = await s.bonds.bondOf(op.address);
      expect([b.active, b.unbonding, b.unlockAt]).to.deep.equal([USD(70), USD(30), t + 7n * DAY]);
    });

    it("requestUnbond: a second request adds up and restarts the delay for the whole unbonding amount", async () => {
      const s = await setup();
      const op = s.ops[0]!;
      await bondAs(s, op, USD(100));
      const t1 = BigInt(await s.time.latest()) + 10n;
      await s.time.setNextBlockTimestamp(t1);
      await (await s.bonds.connect(op).requestUnbond(USD(30))).wait();
      const t2 = t1 + 3n * DAY;
      await s.time.setNextBlockTimestamp(t2);
      await (await s.bonds.connect(op).requestUnbond(USD(20))).wait();
      const b = await s.bonds.bondOf(op.address);
      expect([b.active, b.unbonding, b.unlockAt]).to.deep.equal([USD(50), USD(50), t2 + 7n * DAY]);
    });
  });

  describe("withdraw", () => {
    it("withdraw: reverts when nothing is unbonding", async () => {
      const s = await setup();
      const op = s.ops[0]!;
      await expect(s.bonds.connect(op).withdraw()).to.be.revertedWithCustomError(
        s.bonds,
        "OperatorBondsZeroAmount",
      );
      await bondAs(s, op, USD(100));
      await expect(s.bonds.connect(op).withdraw()).to.be.revertedWithCustomError(
        s.bonds,
        "OperatorBondsZeroAmount",
      );
    });

    it("withdraw: locked until unlockAt, then pays out the unbonding amount once", async () => {
      const s = await setup();
      const op = s.ops[0]!;
      await bondAs(s, op, USD(100));
      const t = BigInt(await s.time.latest()) + 10n;
      await s.time.setNextBlockTimestamp(t);
      await (await s.bonds.connect(op).requestUnbond(USD(40))).wait();
      const unlockAt = t + 7n * DAY;

      await s.time.setNextBlockTimestamp(unlockAt - 1n);
      await expect(s.bonds.connect(op).withdraw())
        .to.be.revertedWithCustomError(s.bonds, "OperatorBondsStillLocked")
        .withArgs(unlockAt);

      await s.time.setNextBlockTimestamp(unlockAt);
      await expect(s.bonds.connect(op).withdraw())
        .to.emit(s.bonds, "Withdrawn")
        .withArgs(op.address, USD(40));
      expect(await s.token.balanceOf(op.address)).to.equal(USD(40));
      expect(await s.token.balanceOf(s.bondsAddress)).to.equal(USD(60));
      const b = await s.bonds.bondOf(op.address);
      expect([b.active, b.unbonding]).to.deep.equal([USD(60), 0n]);
      await expect(s.bonds.connect(op).withdraw()).to.be.revertedWithCustomError(
        s.bonds,
        "OperatorBondsZeroAmount",
      );
    });
  });

  describe("proveEquivocation", () => {
    it("proveEquivocation: the header rebuilds the report struct hash", async () => {
      // Sanity for the helpers below: hashReport(header) must equal the TS struct hash of the full report.
      const s = await setup();
      const r = signalReportAt(await s.registry.configDigest(), 7n, [3000, -2000]);
      const h = signalHeader(r);
      const typehash = keccak256(
        toUtf8Bytes(
          "SignalReport(bytes32 configDigest,uint64 sequence,uint64 deadline,Signal signal)" +
            "Signal(bytes32 runHash,bytes32 inputsHash,bytes32 modelHash,uint64 timestamp,uint8 flags,uint256 targets)",
        ),
      );
      const rebuilt = keccak256(
        AbiCoder.defaultAbiCoder().encode(
          ["bytes32", "bytes32", "uint64", "uint64", "bytes32"],
          [typehash, h.configDigest, h.sequence, h.deadline, h.payloadHash],
        ),
      );
      expect(rebuilt).to.equal(reportStructHash(Stream.Signal, r));
    });

    it("proveEquivocation: slashes the whole bond, pays prover and treasury exactly, removes the operator", async () => {
      const s = await setup();
      const op = s.ops[1]!;
      await bondAs(s, op, USD(1_000));
      const digest = await s.registry.configDigest();
      const p = await signalProof(s.f.domain, digest, op);
      const proverBefore = await s.token.balanceOf(s.prover.address);
      const treasuryBefore = await s.token.balanceOf(s.treasury);
      // slashBps 100%, prover reward 10% of the slashed amount.
      const slashed = USD(1_000);
      const reward = (slashed * 1_000n) / BPS;
      const remaining = s.ops.filter((w) => w !== op).map((w) => w.address);

      const tx = submit(s, p);
      await expect(tx)
        .to.emit(s.bonds, "Slashed")
        .withArgs(op.address, s.prover.address, Stream.Signal, 7n, p.hashA, p.hashB, slashed, reward);
      await expect(tx).to.emit(s.registry, "OperatorRemoved").withArgs(op.address, 2n);
      await expect(tx)
        .to.emit(s.registry, "ConfigSet")
        .withArgs(2n, configDigestOf(s, 2, 2, remaining), remaining, 2n);

      expect(await s.token.balanceOf(s.prover.address)).to.equal(proverBefore + USD(100));
      expect(await s.token.balanceOf(s.treasury)).to.equal(treasuryBefore + USD(900));
      expect(await s.token.balanceOf(s.bondsAddress)).to.equal(0n);
      const b = await s.bonds.bondOf(op.address);
      expect([b.active, b.unbonding]).to.deep.equal([0n, 0n]);
      expect(await s.registry.isOperator(op.address)).to.equal(false);
      expect(await s.registry.configVersion()).to.equal(2n);
      expect(await s.registry.threshold()).to.equal(2n);
      expect(await s.registry.operators()).to.deep.equal(remaining);
    });

    it("proveEquivocation: returns the operator (static call) and any account may prove", async () => {
      const s = await setup();
      const op = s.ops[0]!;
      await bondAs(s, op, USD(10));
      const p = await signalProof(s.f.domain, await s.registry.configDigest(), op);
      const stranger = s.f.others[0]!;
      const who = await s.bonds.connect(stranger).proveEquivocation.staticCall(p.a, p.sigA, p.b, p.sigB);
      expect(who).to.equal(op.address);
      await expect(submit(s, p, stranger))
        .to.emit(s.bonds, "Slashed")
        .withArgs(op.address, stranger.address, Stream.Signal, 7n, p.hashA, p.hashB, USD(10), USD(1));
    });

    it("proveEquivocation: partial slash takes the active bond first, then the unbonding part", async () => {
      const s = await setup();
      const op = s.ops[2]!;
      await (
        await s.bonds.setParams({
          slashBps: 5_000,
          proverRewardBps: 2_500,
          unbondDelay: 7n * DAY,
          treasury: s.treasury,
        })
      ).wait();
      await bondAs(s, op, USD(1_000));
      await (await s.bonds.connect(op).requestUnbond(USD(800))).wait();
      // active 200, unbonding 800: slash 50% of 1000 = 500 → 200 from active, 300 from unbonding.
      const p = await signalProof(s.f.domain, await s.registry.configDigest(), op);
      const treasuryBefore = await s.token.balanceOf(s.treasury);
      await expect(submit(s, p))
        .to.emit(s.bonds, "Slashed")
        .withArgs(op.address, s.prover.address, Stream.Signal, 7n, p.hashA, p.hashB, USD(500), USD(125));
      const b = await s.bonds.bondOf(op.address);
      expect([b.active, b.unbonding]).to.deep.equal([0n, USD(500)]);
      expect(await s.token.balanceOf(s.prover.address)).to.equal(USD(125));
      expect(await s.token.balanceOf(s.treasury)).to.equal(treasuryBefore + USD(375));
      expect(await s.token.balanceOf(s.bondsAddress)).to.equal(USD(500));
    });

    it("proveEquivocation: slashes an operator whose whole bond is unbonding", async () => {
      const s = await setup();
      const op = s.ops[0]!;
      await bondAs(s, op, USD(300));
      await (await s.bonds.connect(op).requestUnbond(USD(300))).wait();
      const p = await signalProof(s.f.domain, await s.registry.configDigest(), op);
      await expect(submit(s, p))
        .to.emit(s.bonds, "Slashed")
        .withArgs(op.address, s.prover.address, Stream.Signal, 7n, p.hashA, p.hashB, USD(300), USD(30));
      const b = await s.bonds.bondOf(op.address);
      expect([b.active, b.unbonding]).to.deep.equal([0n, 0n]);
      await expect(s.bonds.connect(op).withdraw()).to.be.revertedWithCustomError(
        s.bonds,
        "OperatorBondsZeroAmount",
      );
    });

    it("proveEquivocation: prover reward 0 sends everything to the treasury", async () => {
      const s = await setup();
      const op = s.ops[0]!;
      await (
        await s.bonds.setParams({
          slashBps: 10_000,
          proverRewardBps: 0,
          unbondDelay: 1n,
          treasury: s.treasury,
        })
      ).wait();
      await bondAs(s, op, USD(50));
      const treasuryBefore = await s.token.balanceOf(s.treasury);
      const p = await signalProof(s.f.domain, await s.registry.configDigest(), op);
      await expect(submit(s, p))
        .to.emit(s.bonds, "Slashed")
        .withArgs(op.address, s.prover.address, Stream.Signal, 7n, p.hashA, p.hashB, USD(50), 0n);
      expect(await s.token.balanceOf(s.prover.address)).to.equal(0n);
      expect(await s.token.balanceOf(s.treasury)).to.equal(treasuryBefore + USD(50));
    });

    it("proveEquivocation: works on the NAV stream too", async () => {
      const s = await setup();
      const op = s.ops[0]!;
      await bondAs(s, op, USD(200));
      const digest = await s.registry.configDigest();
      const base: NavReport = {
        configDigest: digest,
        sequence: 3n,
        deadline: 4_000_000_000n,
        nav: {
          epoch: 2n,
          vault: await s.vault.getAddress(),
          venueEquity: USD(1_000_000),
          custodySent: USD(800_000),
          custodyReturned: 0n,
          timestamp: 1_700_000_000n,
          venueSnapshotHash: keccak256("0x01"),
        },
      };
      const other: NavReport = { ...base, nav: { ...base.nav, venueEquity: USD(1_000_001) } };
      const sigA = (await signReport(op, Stream.Nav, s.f.domain, base)).signature;
      const sigB = (await signReport(op, Stream.Nav, s.f.domain, other)).signature;
      await expect(s.bonds.connect(s.prover).proveEquivocation(navHeader(base), sigA, navHeader(other), sigB))
        .to.emit(s.bonds, "Slashed")
        .withArgs(
          op.address,
          s.prover.address,
          Stream.Nav,
          3n,
          reportStructHash(Stream.Nav, base),
          reportStructHash(Stream.Nav, other),
          USD(200),
          USD(20),
        );
    });

    it("proveEquivocation: slashes a bonded signer that is no longer an operator without touching the registry", async () => {
      const s = await setup();
      const outsider = new Wallet(keccak256(toUtf8Bytes("bonded-outsider")), s.f.ethers.provider);
      await (await s.f.deployer.sendTransaction({ to: outsider.address, value: 10n ** 18n })).wait();
      await bondAs(s, outsider, USD(10));
      const p = await signalProof(s.f.domain, await s.registry.configDigest(), outsider);
      const tx = submit(s, p);
      await expect(tx).to.emit(s.bonds, "Slashed");
      await expect(tx).to.not.emit(s.registry, "OperatorRemoved");
      expect(await s.registry.configVersion()).to.equal(1n);
    });

    it("proveEquivocation: reverts on different sequences", async () => {
      const s = await setup();
      const op = s.ops[0]!;
      await bondAs(s, op, USD(10));
      const p = await signalProof(s.f.domain, await s.registry.configDigest(), op, 7n, 8n);
      await expect(submit(s, p)).to.be.revertedWithCustomError(s.bonds, "OperatorBondsNotEquivocation");
    });

    it("proveEquivocation: reverts on different streams with the same sequence", async () => {
      const s = await setup();
      const op = s.ops[0]!;
      await bondAs(s, op, USD(10));
      const digest = await s.registry.configDigest();
      const sig = signalReportAt(digest, 3n, [100, 200]);
      const nav: NavReport = {
        configDigest: digest,
        sequence: 3n,
        deadline: 4_000_000_000n,
        nav: {
          epoch: 1n,
          vault: await s.vault.getAddress(),
          venueEquity: 5n,
          custodySent: 0n,
          custodyReturned: 0n,
          timestamp: 1_700_000_000n,
          venueSnapshotHash: keccak256("0x02"),
        },
      };
      const sigA = (await signReport(op, Stream.Signal, s.f.domain, sig)).signature;
      const sigB = (await signReport(op, Stream.Nav, s.f.domain, nav)).signature;
      await expect(
        s.bonds.connect(s.prover).proveEquivocation(signalHeader(sig), sigA, navHeader(nav), sigB),
      ).to.be.revertedWithCustomError(s.bonds, "OperatorBondsNotEquivocation");
    });

    it("proveEquivocation: re-signing a sequence under a new config is not equivocation (no slash cascade)", async () => {
      const s = await setup();
      const [x, y, z] = s.ops as [Wallet, Wallet, Wallet];
      for (const w of s.ops) await bondAs(s, w, USD(100));
      // x and y sign signal #7 under the current config; before it is submitted, x is proven to have
      // equivocated elsewhere and removed, which installs a new config digest.
      const oldDigest = await s.registry.configDigest();
      const inFlight = signalReportAt(oldDigest, 7n, [3000, -2000]);
      const ySigOld = (await signReport(y, Stream.Signal, s.f.domain, inFlight)).signature;
      await (await submit(s, await signalProof(s.f.domain, oldDigest, x, 3n))).wait();
      const newDigest = await s.registry.configDigest();
      expect(newDigest).to.not.equal(oldDigest);
      // The old report can never verify again, so y and z honestly re-sign #7 under the new digest.
      const reSigned: SignalReport = { ...inFlight, configDigest: newDigest };
      const ySigNew = (await signReport(y, Stream.Signal, s.f.domain, reSigned)).signature;
      await expect(
        s.bonds
          .connect(s.prover)
          .proveEquivocation(signalHeader(inFlight), ySigOld, signalHeader(reSigned), ySigNew),
      ).to.be.revertedWithCustomError(s.bonds, "OperatorBondsNotEquivocation");
      expect((await s.bonds.bondOf(y.address)).active).to.equal(USD(100));
      expect(await s.registry.isOperator(y.address)).to.equal(true);
      expect(await s.registry.isOperator(z.address)).to.equal(true);
    });

    it("proveEquivocation: reverts on two identical reports (even with both signatures valid)", async () => {
      const s = await setup();
      const op = s.ops[0]!;
      await bondAs(s, op, USD(10));
      const r = signalReportAt(await s.registry.configDigest(), 7n, [3000, -2000]);
      const sig = (await signReport(op, Stream.Signal, s.f.domain, r)).signature;
      await expect(
        s.bonds.connect(s.prover).proveEquivocation(signalHeader(r), sig, signalHeader(r), sig),
      ).to.be.revertedWithCustomError(s.bonds, "OperatorBondsNotEquivocation");
    });

    it("proveEquivocation: reverts when the two reports were signed by different operators", async () => {
      const s = await setup();
      const [x, y] = [s.ops[0]!, s.ops[1]!];
      await bondAs(s, x, USD(10));
      await bondAs(s, y, USD(10));
      const p = await signalProof(s.f.domain, await s.registry.configDigest(), x, 7n, 7n, y);
      await expect(submit(s, p))
        .to.be.revertedWithCustomError(s.bonds, "OperatorBondsSignersDiffer")
        .withArgs(x.address, y.address);
    });

    it("proveEquivocation: a signature for another report recovers someone else (SignersDiffer)", async () => {
      const s = await setup();
      const op = s.ops[0]!;
      await bondAs(s, op, USD(10));
      const p = await signalProof(s.f.domain, await s.registry.configDigest(), op);
      // Swap the signatures: each now recovers to an unrelated address over the other digest.
      const tx = s.bonds.connect(s.prover).proveEquivocation(p.a, p.sigB, p.b, p.sigA);
      await expect(tx).to.be.revertedWithCustomError(s.bonds, "OperatorBondsSignersDiffer");
    });

    it("proveEquivocation: reverts on an invalid signature (short, high-s, bad v)", async () => {
      const s = await setup();
      const op = s.ops[0]!;
      await bondAs(s, op, USD(10));
      const p = await signalProof(s.f.domain, await s.registry.configDigest(), op);
      const short = dataSlice(p.sigB, 0, 64);
      await expect(s.bonds.proveEquivocation(p.a, p.sigA, p.b, short)).to.be.revertedWithCustomError(
        s.bonds,
        "OperatorBondsInvalidSignature",
      );
      const sig = Signature.from(p.sigA);
      const highS = concat([
        sig.r,
        toBeHex(SECP256K1_N - BigInt(sig.s), 32),
        toBeHex(sig.v === 27 ? 28 : 27, 1),
      ]);
      await expect(s.bonds.proveEquivocation(p.a, highS, p.b, p.sigB)).to.be.revertedWithCustomError(
        s.bonds,
        "OperatorBondsInvalidSignature",
      );
      const badV = concat([sig.r, sig.s, "0x1d"]);
      await expect(s.bonds.proveEquivocation(p.a, badV, p.b, p.sigB)).to.be.revertedWithCustomError(
        s.bonds,
        "OperatorBondsInvalidSignature",
      );
    });

    it("proveEquivocation: reverts on an unknown stream", async () => {
      const s = await setup();
      const op = s.ops[0]!;
      await bondAs(s, op, USD(10));
      const p = await signalProof(s.f.domain, await s.registry.configDigest(), op);
      await expect(s.bonds.proveEquivocation({ ...p.a, stream: 3 }, p.sigA, { ...p.b, stream: 3 }, p.sigB))
        .to.be.revertedWithCustomError(s.bonds, "ReportTypesUnknownStream")
        .withArgs(3n);
    });

    it("proveEquivocation: reverts with NothingToSlash for an operator without a bond (and leaves it in place)", async () => {
      const s = await setup();
      const op = s.ops[0]!;
      const p = await signalProof(s.f.domain, await s.registry.configDigest(), op);
      await expect(submit(s, p))
        .to.be.revertedWithCustomError(s.bonds, "OperatorBondsNothingToSlash")
        .withArgs(op.address);
      expect(await s.registry.isOperator(op.address)).to.equal(true);
    });

    it("proveEquivocation: reverts with NothingToSlash on a second proof after a full slash", async () => {
      const s = await setup();
      const op = s.ops[0]!;
      await bondAs(s, op, USD(10));
      const digest = await s.registry.configDigest();
      await (await submit(s, await signalProof(s.f.domain, digest, op, 7n))).wait();
      // Another equivocation by the same (now removed) operator at another sequence.
      await expect(submit(s, await signalProof(s.f.domain, digest, op, 9n)))
        .to.be.revertedWithCustomError(s.bonds, "OperatorBondsNothingToSlash")
        .withArgs(op.address);
    });

    it("proveEquivocation: the same offence cannot be proven twice to slash again (partial slash)", async () => {
      const s = await setup();
      const op = s.ops[0]!;
      await (
        await s.bonds.setParams({
          slashBps: 5_000,
          proverRewardBps: 1_000,
          unbondDelay: 1n,
          treasury: s.treasury,
        })
      ).wait();
      await bondAs(s, op, USD(1_000));
      const digest = await s.registry.configDigest();
      const p = await signalProof(s.f.domain, digest, op, 7n);
      await (await submit(s, p)).wait();
      expect((await s.bonds.bondOf(op.address)).active).to.equal(USD(500));
      // Replaying the proof, swapping its halves, or a third conflicting report at the same
      // stream and sequence is the same offence: the 50% penalty must not be applied again.
      await expect(submit(s, p))
        .to.be.revertedWithCustomError(s.bonds, "OperatorBondsAlreadySlashed")
        .withArgs(op.address, Stream.Signal, 7n);
      await expect(s.bonds.connect(s.prover).proveEquivocation(p.b, p.sigB, p.a, p.sigA))
        .to.be.revertedWithCustomError(s.bonds, "OperatorBondsAlreadySlashed")
        .withArgs(op.address, Stream.Signal, 7n);
      const third = signalReportAt(digest, 7n, [0, 0]);
      const sigThird = (await signReport(op, Stream.Signal, s.f.domain, third)).signature;
      await expect(s.bonds.connect(s.prover).proveEquivocation(p.a, p.sigA, signalHeader(third), sigThird))
        .to.be.revertedWithCustomError(s.bonds, "OperatorBondsAlreadySlashed")
        .withArgs(op.address, Stream.Signal, 7n);
      expect((await s.bonds.bondOf(op.address)).active).to.equal(USD(500));
      // A distinct offence (another sequence) is still punishable: 50% of the remaining 500.
      const q = await signalProof(s.f.domain, digest, op, 8n);
      await expect(submit(s, q))
        .to.emit(s.bonds, "Slashed")
        .withArgs(op.address, s.prover.address, Stream.Signal, 8n, q.hashA, q.hashB, USD(250), USD(25));
    });

    it("proveEquivocation: a slash rounding to zero reverts with NothingToSlash", async () => {
      const s = await setup();
      const op = s.ops[0]!;
      await (
        await s.bonds.setParams({ slashBps: 1, proverRewardBps: 0, unbondDelay: 1n, treasury: s.treasury })
      ).wait();
      await bondAs(s, op, 9_999n); // 9_999 * 1 / 10_000 = 0
      const p = await signalProof(s.f.domain, await s.registry.configDigest(), op);
      await expect(submit(s, p))
        .to.be.revertedWithCustomError(s.bonds, "OperatorBondsNothingToSlash")
        .withArgs(op.address);
    });
  });

  describe("rewards", () => {
    /** Alice deposits through the vault and ends up holding vault shares. */
    async function aliceShares(s: Setup): Promise<bigint> {
      await (await settle(s.f)).wait();
      await fund(s.f, s.f.alice, USD(10_000));
      await (await s.vault.connect(s.f.alice).requestDeposit(USD(10_000), s.f.alice.address)).wait();
      await (await settle(s.f)).wait();
      await (await s.vault.connect(s.f.alice).claimDeposit(s.f.alice.address)).wait();
      return s.vault.balanceOf(s.f.alice.address);
    }

    it("distributeRewards: does nothing when no reward tokens arrived", async () => {
      const s = await setup();
      await bondAs(s, s.ops[0]!, USD(1));
      await expect(s.bonds.distributeRewards()).to.not.emit(s.bonds, "RewardsDistributed");
      expect(await s.bonds.rewardsOf(s.ops[0]!.address)).to.equal(0n);
    });

    it("distributeRewards: splits fresh shares equally among bonded current operators, dust carried over", async () => {
      const s = await setup();
      const shares = await aliceShares(s);
      expect(shares > 1_000n).to.equal(true);
      const [a, b, c] = s.ops as [Wallet, Wallet, Wallet];
      await bondAs(s, a, USD(1));
      await bondAs(s, b, USD(1));
      await bondAs(s, c, USD(1));
      // c unbonds everything: not eligible. A bonded non-operator is not eligible either.
      await (await s.bonds.connect(c).requestUnbond(USD(1))).wait();
      await bondAs(s, s.f.bob, USD(5));

      await (await s.vault.connect(s.f.alice).transfer(s.bondsAddress, 1_001n)).wait();
      await expect(s.bonds.distributeRewards()).to.emit(s.bonds, "RewardsDistributed").withArgs(1_000n, 2n);
      expect(await s.bonds.rewardsOf(a.address)).to.equal(500n);
      expect(await s.bonds.rewardsOf(b.address)).to.equal(500n);
      expect(await s.bonds.rewardsOf(c.address)).to.equal(0n);
      expect(await s.bonds.rewardsOf(s.f.bob.address)).to.equal(0n);

      // The 1 of dust is not enough for two operators: nobody is credited.
      await (await s.bonds.distributeRewards()).wait();
      expect(await s.bonds.rewardsOf(a.address)).to.equal(500n);
      expect(await s.bonds.rewardsOf(b.address)).to.equal(500n);

      // 9 more arrive: fresh = 1 dust + 9 = 10 → 5 each.
      await (await s.vault.connect(s.f.alice).transfer(s.bondsAddress, 9n)).wait();
      await expect(s.bonds.distributeRewards()).to.emit(s.bonds, "RewardsDistributed").withArgs(10n, 2n);
      expect(await s.bonds.rewardsOf(a.address)).to.equal(505n);
      expect(await s.bonds.rewardsOf(b.address)).to.equal(505n);
    });

    it("distributeRewards: with no bonded operator the tokens wait for the next distribution", async () => {
      const s = await setup();
      await aliceShares(s);
      await (await s.vault.connect(s.f.alice).transfer(s.bondsAddress, 300n)).wait();
      await expect(s.bonds.distributeRewards()).to.not.emit(s.bonds, "RewardsDistributed");
      await bondAs(s, s.ops[1]!, USD(1));
      await expect(s.bonds.distributeRewards()).to.emit(s.bonds, "RewardsDistributed").withArgs(300n, 1n);
      expect(await s.bonds.rewardsOf(s.ops[1]!.address)).to.equal(300n);
    });

    it("distributeRewards: a slashed (removed) operator gets no further rewards", async () => {
      const s = await setup();
      await aliceShares(s);
      for (const w of s.ops) await bondAs(s, w, USD(10));
      await (
        await s.bonds.setParams({
          slashBps: 5_000,
          proverRewardBps: 0,
          unbondDelay: 1n,
          treasury: s.treasury,
        })
      ).wait();
      const cheat = s.ops[0]!;
      await (await submit(s, await signalProof(s.f.domain, await s.registry.configDigest(), cheat))).wait();
      expect((await s.bonds.bondOf(cheat.address)).active).to.equal(USD(5));
      await (await s.vault.connect(s.f.alice).transfer(s.bondsAddress, 600n)).wait();
      await expect(s.bonds.distributeRewards()).to.emit(s.bonds, "RewardsDistributed").withArgs(600n, 2n);
      expect(await s.bonds.rewardsOf(cheat.address)).to.equal(0n);
      expect(await s.bonds.rewardsOf(s.ops[1]!.address)).to.equal(300n);
      expect(await s.bonds.rewardsOf(s.ops[2]!.address)).to.equal(300n);
    });

    it("distributeRewards: vault fee shares minted at settlement reach operators", async () => {
      const s = await setup();
      await aliceShares(s);
      for (const w of s.ops) await bondAs(s, w, USD(1));
      const before = await s.vault.balanceOf(s.bondsAddress);
      // 30 days later the management fee has accrued; the operator share is minted to the bonds contract.
      await s.time.increase(30n * DAY);
      await (await settle(s.f)).wait();
      const minted = (await s.vault.balanceOf(s.bondsAddress)) - before;
      expect(minted > 0n).to.equal(true);
      const total = before + minted;
      const each = total / 3n;
      await expect(s.bonds.distributeRewards())
        .to.emit(s.bonds, "RewardsDistributed")
        .withArgs(each * 3n, 3n);
      for (const w of s.ops) expect(await s.bonds.rewardsOf(w.address)).to.equal(each);
    });

    it("claimRewards: pays the credited shares once, emits RewardsClaimed, keeps accounting straight", async () => {
      const s = await setup();
      await aliceShares(s);
      const [a, b] = [s.ops[0]!, s.ops[1]!];
      await bondAs(s, a, USD(1));
      await bondAs(s, b, USD(1));
      await (await s.vault.connect(s.f.alice).transfer(s.bondsAddress, 1_000n)).wait();
      await (await s.bonds.distributeRewards()).wait();

      await expect(s.bonds.connect(a).claimRewards())
        .to.emit(s.bonds, "RewardsClaimed")
        .withArgs(a.address, 500n);
      expect(await s.vault.balanceOf(a.address)).to.equal(500n);
      expect(await s.vault.balanceOf(s.bondsAddress)).to.equal(500n);
      expect(await s.bonds.rewardsOf(a.address)).to.equal(0n);
      await expect(s.bonds.connect(a).claimRewards())
        .to.be.revertedWithCustomError(s.bonds, "OperatorBondsNothingToClaim")
        .withArgs(a.address);
      // b's unclaimed 500 are not fresh tokens: nothing to distribute.
      await expect(s.bonds.distributeRewards()).to.not.emit(s.bonds, "RewardsDistributed");
      const claimed = await s.bonds.connect(b).claimRewards.staticCall();
      expect(claimed).to.equal(500n);
      await (await s.bonds.connect(b).claimRewards()).wait();
      expect(await s.vault.balanceOf(s.bondsAddress)).to.equal(0n);
    });

    it("claimRewards: reverts with NothingToClaim for an account with no rewards", async () => {
      const s = await setup();
      await expect(s.bonds.connect(s.f.bob).claimRewards())
        .to.be.revertedWithCustomError(s.bonds, "OperatorBondsNothingToClaim")
        .withArgs(s.f.bob.address);
    });
  });

  describe("setParams", () => {
    it("setParams: stores the params and emits ParamsSet", async () => {
      const s = await setup();
      const p = {
        slashBps: 2_500,
        proverRewardBps: 10_000,
        unbondDelay: 3n * DAY,
        treasury: s.f.carol.address,
      };
      await expect(s.bonds.setParams(p)).to.emit(s.bonds, "ParamsSet").withArgs(paramsTuple(p));
      const got = await s.bonds.params();
      expect([got.slashBps, got.proverRewardBps, got.unbondDelay, got.treasury]).to.deep.equal(
        paramsTuple(p),
      );
    });

    it("setParams: reverts on slashBps or proverRewardBps above 100% and on a zero treasury", async () => {
      const s = await setup();
      const ok = { slashBps: 10_000, proverRewardBps: 10_000, unbondDelay: 0n, treasury: s.treasury };
      await (await s.bonds.setParams(ok)).wait();
      for (const bad of [
        { ...ok, slashBps: 10_001 },
        { ...ok, proverRewardBps: 10_001 },
        { ...ok, treasury: ZeroAddress },
      ]) {
        await expect(s.bonds.setParams(bad)).to.be.revertedWithCustomError(
          s.bonds,
          "OperatorBondsInvalidParams",
        );
      }
    });

    it("setParams: reverts for a caller without GOVERNANCE_ROLE", async () => {
      const s = await setup();
      await expect(
        s.bonds
          .connect(s.f.bob)
          .setParams({ slashBps: 1, proverRewardBps: 1, unbondDelay: 1n, treasury: s.f.bob.address }),
      )
        .to.be.revertedWithCustomError(s.bonds, "AccessControlUnauthorizedAccount")
        .withArgs(s.f.bob.address, GOVERNANCE_ROLE);
    });

    it("setParams: a new unbond delay applies to later requests", async () => {
      const s = await setup();
      const op = s.ops[0]!;
      await (
        await s.bonds.setParams({
          slashBps: 10_000,
          proverRewardBps: 0,
          unbondDelay: 60n,
          treasury: s.treasury,
        })
      ).wait();
      await bondAs(s, op, USD(1));
      const t = BigInt(await s.time.latest()) + 5n;
      await s.time.setNextBlockTimestamp(t);
      await expect(s.bonds.connect(op).requestUnbond(USD(1)))
        .to.emit(s.bonds, "UnbondRequested")
        .withArgs(op.address, USD(1), t + 60n);
    });
  });
});
