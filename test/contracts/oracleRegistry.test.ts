import { expect } from "chai";
import { packTargets } from "../../offchain/protocol/targets.js";
import {
  AbiCoder,
  Signature,
  TypedDataEncoder,
  Wallet,
  ZeroAddress,
  concat,
  dataLength,
  dataSlice,
  getAddress,
  getBytes,
  hexlify,
  keccak256,
  recoverAddress,
  toBeHex,
  toUtf8Bytes,
  zeroPadValue,
  type BaseContract,
  type ContractRunner,
  type ContractTransactionResponse,
} from "ethers";
import { network } from "hardhat";
import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import {
  Stream,
  reportDomain,
  type ReportDomain,
  type SignalReport,
} from "../../offchain/protocol/reportTypes.js";
import { reportDigest, reportStructHash, signReport } from "../../offchain/protocol/signatures.js";
import { cosign, makeSignal, operatorWallets } from "../helpers/sigilFixture.js";

/** secp256k1 group order, for building high-s (malleable) signatures. */
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

const GOVERNANCE_ROLE = keccak256(toUtf8Bytes("GOVERNANCE_ROLE"));
const SLASHER_ROLE = keccak256(toUtf8Bytes("SLASHER_ROLE"));
const DEFAULT_ADMIN_ROLE = `0x${"00".repeat(32)}`;

function byAddress<T extends { address: string }>(list: T[]): T[] {
  return [...list].sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1));
}

/** Config digest as the design defines it: keccak(abi.encode(chainId, registry, version, threshold, keccak(ops as words))). */
function expectedConfigDigest(
  chainId: bigint,
  registry: string,
  version: number,
  threshold: number,
  operators: string[],
): string {
  const opsHash = keccak256(concat(operators.map((a) => zeroPadValue(a, 32))));
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ["uint256", "address", "uint32", "uint8", "bytes32"],
      [chainId, registry, version, threshold, opsHash],
    ),
  );
}

/** The registry's ABI as the tests use it (no generated typings in this project). */
interface Registry extends BaseContract {
  connect(runner: ContractRunner | null): Registry;
  GOVERNANCE_ROLE(): Promise<string>;
  SLASHER_ROLE(): Promise<string>;
  MAX_OPERATORS(): Promise<bigint>;
  hasRole(role: string, account: string): Promise<boolean>;
  grantRole(role: string, account: string): Promise<ContractTransactionResponse>;
  setConfig(operators: string[], threshold: number): Promise<ContractTransactionResponse>;
  removeOperator(operator: string): Promise<ContractTransactionResponse>;
  verify(structHash: string, configDigest: string, signatures: string): Promise<bigint>;
  configDigest(): Promise<string>;
  operators(): Promise<string[]>;
  threshold(): Promise<bigint>;
  configVersion(): Promise<bigint>;
  isOperator(account: string): Promise<boolean>;
  hashTypedData(structHash: string): Promise<string>;
  domainSeparator(): Promise<string>;
  eip712Domain(): Promise<{
    fields: string;
    name: string;
    version: string;
    chainId: bigint;
    verifyingContract: string;
  }>;
  supportsInterface(interfaceId: string): Promise<boolean>;
}

interface Setup {
  ethers: HardhatEthers;
  registry: Registry;
  admin: HardhatEthersSigner;
  stranger: HardhatEthersSigner;
  slasher: HardhatEthersSigner;
  chainId: bigint;
  address: string;
  domain: ReportDomain;
}

async function deployRegistry(): Promise<Setup> {
  const { ethers } = await network.create();
  const [admin, stranger, slasher] = await ethers.getSigners();
  const registry = (await ethers.deployContract("OracleRegistry", [admin!.address])) as unknown as Registry;
  await registry.waitForDeployment();
  const address = await registry.getAddress();
  const chainId = (await ethers.provider.getNetwork()).chainId;
  return {
    ethers,
    registry,
    admin: admin!,
    stranger: stranger!,
    slasher: slasher!,
    chainId,
    address,
    domain: reportDomain(chainId, address),
  };
}

/** Deploy and install `n` deterministic operators with `threshold`; returns the wallets sorted by address. */
async function deployWithOperators(n: number, threshold: number): Promise<Setup & { ops: Wallet[] }> {
  const s = await deployRegistry();
  const ops = byAddress(operatorWallets(n));
  await (
    await s.registry.setConfig(
      ops.map((w) => w.address),
      threshold,
    )
  ).wait();
  return { ...s, ops };
}

function report(configDigest: string, sequence = 1n): SignalReport {
  return {
    configDigest,
    sequence,
    deadline: 1_900_000_000n,
    signal: makeSignal([0, 3], [2500, -1200], 1_800_000_000n),
  };
}

function bitmapOf(indices: number[]): bigint {
  return indices.reduce((acc, i) => acc | (1n << BigInt(i)), 0n);
}

describe("OracleRegistry", () => {
  describe("constructor", () => {
    it("constructor: grants admin and governance to the admin, nothing else", async () => {
      const { registry, admin, stranger } = await deployRegistry();
      expect(await registry.GOVERNANCE_ROLE()).to.equal(GOVERNANCE_ROLE);
      expect(await registry.SLASHER_ROLE()).to.equal(SLASHER_ROLE);
      expect(await registry.MAX_OPERATORS()).to.equal(31n);
      expect(await registry.hasRole(DEFAULT_ADMIN_ROLE, admin.address)).to.equal(true);
      expect(await registry.hasRole(GOVERNANCE_ROLE, admin.address)).to.equal(true);
      expect(await registry.hasRole(SLASHER_ROLE, admin.address)).to.equal(false);
      expect(await registry.hasRole(GOVERNANCE_ROLE, stranger.address)).to.equal(false);
      expect(await registry.hasRole(DEFAULT_ADMIN_ROLE, stranger.address)).to.equal(false);
    });

    it("constructor: starts with no configuration (version 0, threshold 0, no operators)", async () => {
      const { registry, stranger } = await deployRegistry();
      expect(await registry.configVersion()).to.equal(0n);
      expect(await registry.threshold()).to.equal(0n);
      expect(await registry.operators()).to.deep.equal([]);
      expect(await registry.isOperator(stranger.address)).to.equal(false);
    });

    it("configDigest: before any configuration, hashes version 0, threshold 0 and no operators", async () => {
      const { registry } = await deployRegistry();
      const network_ = await registry.runner!.provider!.getNetwork();
      const expected = keccak256(
        AbiCoder.defaultAbiCoder().encode(
          ["uint256", "address", "uint32", "uint8", "bytes32"],
          [network_.chainId, await registry.getAddress(), 0, 0, keccak256("0x")],
        ),
      );
      expect(await registry.configDigest()).to.equal(expected);
      expect(await registry.operators()).to.deep.equal([]);
    });

    it("verify: reverts with NoQuorum before any configuration (threshold 0 verifies nothing)", async () => {
      const { registry } = await deployRegistry();
      await expect(registry.verify(keccak256("0x01"), keccak256("0x02"), "0x")).to.be.revertedWithCustomError(
        registry,
        "OracleRegistryNoQuorum",
      );
    });

    it("removeOperator: reverts with NotOperator before any configuration", async () => {
      const { registry, admin, slasher } = await deployRegistry();
      await (await registry.connect(admin).grantRole(SLASHER_ROLE, slasher.address)).wait();
      await expect(registry.connect(slasher).removeOperator(slasher.address))
        .to.be.revertedWithCustomError(registry, "OracleRegistryNotOperator")
        .withArgs(slasher.address);
    });
  });

  describe("setConfig", () => {
    it("setConfig: installs sorted operators and threshold, emits ConfigSet with the digest", async () => {
      const s = await deployRegistry();
      const ops = byAddress(operatorWallets(3)).map((w) => w.address);
      const digest = expectedConfigDigest(s.chainId, s.address, 1, 2, ops);
      await expect(s.registry.setConfig(ops, 2))
        .to.emit(s.registry, "ConfigSet")
        .withArgs(1n, digest, ops, 2n);
      expect(await s.registry.configDigest()).to.equal(digest);
      expect(await s.registry.configVersion()).to.equal(1n);
      expect(await s.registry.threshold()).to.equal(2n);
      expect(await s.registry.operators()).to.deep.equal(ops);
    });

    it("setConfig: increments the version at every change and changes the digest even for the same set", async () => {
      const s = await deployRegistry();
      const ops = byAddress(operatorWallets(5)).map((w) => w.address);
      await (await s.registry.setConfig(ops, 3)).wait();
      const d1 = await s.registry.configDigest();
      await expect(s.registry.setConfig(ops, 3))
        .to.emit(s.registry, "ConfigSet")
        .withArgs(2n, expectedConfigDigest(s.chainId, s.address, 2, 3, ops), ops, 3n);
      const d2 = await s.registry.configDigest();
      expect(d2).to.not.equal(d1);
      const three = ops.slice(1, 4);
      await (await s.registry.setConfig(three, 2)).wait();
      expect(await s.registry.configVersion()).to.equal(3n);
      expect(await s.registry.configDigest()).to.equal(
        expectedConfigDigest(s.chainId, s.address, 3, 2, three),
      );
      expect(await s.registry.operators()).to.deep.equal(three);
    });

    it("setConfig: the digest binds the threshold (same operators, other threshold)", async () => {
      const s = await deployRegistry();
      const ops = byAddress(operatorWallets(5)).map((w) => w.address);
      await (await s.registry.setConfig(ops, 4)).wait();
      expect(await s.registry.configDigest()).to.equal(expectedConfigDigest(s.chainId, s.address, 1, 4, ops));
      expect(await s.registry.configDigest()).to.not.equal(
        expectedConfigDigest(s.chainId, s.address, 1, 3, ops),
      );
    });

    it("setConfig: reverts for a caller without GOVERNANCE_ROLE", async () => {
      const s = await deployRegistry();
      const ops = byAddress(operatorWallets(3)).map((w) => w.address);
      await expect(s.registry.connect(s.stranger).setConfig(ops, 2))
        .to.be.revertedWithCustomError(s.registry, "AccessControlUnauthorizedAccount")
        .withArgs(s.stranger.address, GOVERNANCE_ROLE);
    });

    it("setConfig: reverts on an unsorted operator list", async () => {
      const s = await deployRegistry();
      const ops = byAddress(operatorWallets(3)).map((w) => w.address);
      const unsorted = [ops[1]!, ops[0]!, ops[2]!];
      await expect(s.registry.setConfig(unsorted, 2)).to.be.revertedWithCustomError(
        s.registry,
        "OracleRegistryInvalidOperators",
      );
      await expect(s.registry.setConfig([...ops].reverse(), 2)).to.be.revertedWithCustomError(
        s.registry,
        "OracleRegistryInvalidOperators",
      );
    });

    it("setConfig: reverts on a duplicated operator", async () => {
      const s = await deployRegistry();
      const ops = byAddress(operatorWallets(3)).map((w) => w.address);
      await expect(s.registry.setConfig([ops[0]!, ops[1]!, ops[1]!], 2)).to.be.revertedWithCustomError(
        s.registry,
        "OracleRegistryInvalidOperators",
      );
    });

    it("setConfig: reverts when the zero address is an operator", async () => {
      const s = await deployRegistry();
      const ops = byAddress(operatorWallets(2)).map((w) => w.address);
      await expect(s.registry.setConfig([ZeroAddress, ...ops], 2)).to.be.revertedWithCustomError(
        s.registry,
        "OracleRegistryInvalidOperators",
      );
      await expect(s.registry.setConfig([ZeroAddress], 1)).to.be.revertedWithCustomError(
        s.registry,
        "OracleRegistryInvalidOperators",
      );
    });

    it("setConfig: reverts on an empty operator list", async () => {
      const s = await deployRegistry();
      await expect(s.registry.setConfig([], 0)).to.be.revertedWithCustomError(
        s.registry,
        "OracleRegistryInvalidOperators",
      );
      await expect(s.registry.setConfig([], 1)).to.be.revertedWithCustomError(
        s.registry,
        "OracleRegistryInvalidOperators",
      );
    });

    it("setConfig: accepts 31 operators and reverts on 32", async () => {
      const s = await deployRegistry();
      const ops32 = byAddress(operatorWallets(32)).map((w) => w.address);
      await expect(s.registry.setConfig(ops32, 17)).to.be.revertedWithCustomError(
        s.registry,
        "OracleRegistryInvalidOperators",
      );
      const ops31 = ops32.slice(0, 31);
      await expect(s.registry.setConfig(ops31, 16))
        .to.emit(s.registry, "ConfigSet")
        .withArgs(1n, expectedConfigDigest(s.chainId, s.address, 1, 16, ops31), ops31, 16n);
      expect(await s.registry.operators()).to.deep.equal(ops31);
    });

    it("setConfig: reverts on threshold 0", async () => {
      const s = await deployRegistry();
      const ops = byAddress(operatorWallets(3)).map((w) => w.address);
      await expect(s.registry.setConfig(ops, 0))
        .to.be.revertedWithCustomError(s.registry, "OracleRegistryInvalidThreshold")
        .withArgs(0n, 3n);
    });

    it("setConfig: reverts on a threshold above the operator count", async () => {
      const s = await deployRegistry();
      const ops = byAddress(operatorWallets(3)).map((w) => w.address);
      await expect(s.registry.setConfig(ops, 4))
        .to.be.revertedWithCustomError(s.registry, "OracleRegistryInvalidThreshold")
        .withArgs(4n, 3n);
    });

    it("setConfig: reverts on a threshold that is not a strict majority", async () => {
      const s = await deployRegistry();
      const ops = byAddress(operatorWallets(16)).map((w) => w.address);
      await expect(s.registry.setConfig(ops.slice(0, 4), 2))
        .to.be.revertedWithCustomError(s.registry, "OracleRegistryInvalidThreshold")
        .withArgs(2n, 4n);
      await expect(s.registry.setConfig(ops.slice(0, 2), 1))
        .to.be.revertedWithCustomError(s.registry, "OracleRegistryInvalidThreshold")
        .withArgs(1n, 2n);
      await expect(s.registry.setConfig(ops, 8))
        .to.be.revertedWithCustomError(s.registry, "OracleRegistryInvalidThreshold")
        .withArgs(8n, 16n);
      // The smallest strict majorities are accepted.
      await (await s.registry.setConfig(ops, 9)).wait();
      await (await s.registry.setConfig(ops.slice(0, 1), 1)).wait();
      await (await s.registry.setConfig(ops.slice(0, 2), 2)).wait();
      await (await s.registry.setConfig(ops.slice(0, 5), 3)).wait();
      expect(await s.registry.configVersion()).to.equal(4n);
      expect(await s.registry.threshold()).to.equal(3n);
    });

    it("setConfig: a failed call leaves the previous configuration in place", async () => {
      const s = await deployWithOperators(3, 2);
      const before = await s.registry.configDigest();
      await expect(
        s.registry.setConfig(
          s.ops.map((w) => w.address),
          1,
        ),
      ).to.be.revertedWithCustomError(s.registry, "OracleRegistryInvalidThreshold");
      expect(await s.registry.configDigest()).to.equal(before);
      expect(await s.registry.configVersion()).to.equal(1n);
    });
  });

  describe("verify", () => {
    async function expectQuorum(n: number, t: number, signerIndices: number[]): Promise<void> {
      const s = await deployWithOperators(n, t);
      const r = report(await s.registry.configDigest());
      const sigs = await cosign(
        Stream.Signal,
        s.domain,
        r,
        signerIndices.map((i) => s.ops[i]!),
      );
      expect(await s.registry.verify(reportStructHash(Stream.Signal, r), r.configDigest, sigs)).to.equal(
        bitmapOf(signerIndices),
      );
    }

    it("verify: accepts 2-of-3 and returns the signer bitmap", async () => {
      await expectQuorum(3, 2, [0, 2]);
    });

    it("verify: accepts all 3 of a 2-of-3 set", async () => {
      await expectQuorum(3, 2, [0, 1, 2]);
    });

    it("verify: accepts 3-of-5", async () => {
      await expectQuorum(5, 3, [1, 3, 4]);
    });

    it("verify: accepts 11-of-16 with a non-contiguous signer set", async () => {
      await expectQuorum(16, 11, [0, 1, 3, 4, 6, 7, 9, 10, 12, 13, 15]);
    });

    it("verify: accepts 16-of-31", async () => {
      await expectQuorum(
        31,
        16,
        Array.from({ length: 16 }, (_, i) => 2 * i - (i === 15 ? 1 : 0)),
      );
    });

    it("verify: ATTACK forged signature by a non-operator", async () => {
      const s = await deployWithOperators(3, 2);
      const r = report(await s.registry.configDigest());
      const outsider = new Wallet(keccak256(toUtf8Bytes("not-an-operator")));
      const signers = byAddress([s.ops[0]!, outsider]);
      const sigs = await cosign(Stream.Signal, s.domain, r, signers);
      const outsiderIndex = signers.indexOf(outsider);
      await expect(s.registry.verify(reportStructHash(Stream.Signal, r), r.configDigest, sigs))
        .to.be.revertedWithCustomError(s.registry, "OracleRegistryUnexpectedSigner")
        .withArgs(BigInt(outsiderIndex), outsider.address);
    });

    it("verify: ATTACK the same operator's signature twice", async () => {
      const s = await deployWithOperators(3, 2);
      const r = report(await s.registry.configDigest());
      const one = await signReport(s.ops[1]!, Stream.Signal, s.domain, r);
      const sigs = concat([one.signature, one.signature]);
      await expect(s.registry.verify(reportStructHash(Stream.Signal, r), r.configDigest, sigs))
        .to.be.revertedWithCustomError(s.registry, "OracleRegistryUnexpectedSigner")
        .withArgs(1n, s.ops[1]!.address);
    });

    it("verify: ATTACK the same signature twice among a full quorum (3 signatures, 2 distinct)", async () => {
      const s = await deployWithOperators(5, 3);
      const r = report(await s.registry.configDigest());
      const a = await signReport(s.ops[0]!, Stream.Signal, s.domain, r);
      const b = await signReport(s.ops[2]!, Stream.Signal, s.domain, r);
      const sigs = concat([a.signature, b.signature, b.signature]);
      await expect(s.registry.verify(reportStructHash(Stream.Signal, r), r.configDigest, sigs))
        .to.be.revertedWithCustomError(s.registry, "OracleRegistryUnexpectedSigner")
        .withArgs(2n, s.ops[2]!.address);
    });

    it("verify: ATTACK signatures in descending signer order", async () => {
      const s = await deployWithOperators(3, 2);
      const r = report(await s.registry.configDigest());
      const a = await signReport(s.ops[0]!, Stream.Signal, s.domain, r);
      const c = await signReport(s.ops[2]!, Stream.Signal, s.domain, r);
      const sigs = concat([c.signature, a.signature]);
      await expect(s.registry.verify(reportStructHash(Stream.Signal, r), r.configDigest, sigs))
        .to.be.revertedWithCustomError(s.registry, "OracleRegistryUnexpectedSigner")
        .withArgs(1n, s.ops[0]!.address);
    });

    it("verify: ATTACK more signatures than operators (a fourth, repeated, signature at 3 of 3)", async () => {
      const s = await deployWithOperators(3, 3);
      const r = report(await s.registry.configDigest());
      const all = await cosign(Stream.Signal, s.domain, r, s.ops);
      const extra = concat([all, dataSlice(all, 130, 195)]);
      await expect(s.registry.verify(reportStructHash(Stream.Signal, r), r.configDigest, extra))
        .to.be.revertedWithCustomError(s.registry, "OracleRegistryUnexpectedSigner")
        .withArgs(3n, s.ops[2]!.address);
      expect(await s.registry.verify(reportStructHash(Stream.Signal, r), r.configDigest, all)).to.equal(7n);
    });

    it("verify: ATTACK too few signatures (1 of a 2-of-3, and none)", async () => {
      const s = await deployWithOperators(3, 2);
      const r = report(await s.registry.configDigest());
      const sigs = await cosign(Stream.Signal, s.domain, r, [s.ops[0]!]);
      const structHash = reportStructHash(Stream.Signal, r);
      await expect(s.registry.verify(structHash, r.configDigest, sigs))
        .to.be.revertedWithCustomError(s.registry, "OracleRegistryTooFewSignatures")
        .withArgs(1n, 2n);
      await expect(s.registry.verify(structHash, r.configDigest, "0x"))
        .to.be.revertedWithCustomError(s.registry, "OracleRegistryTooFewSignatures")
        .withArgs(0n, 2n);
    });

    it("verify: ATTACK 10 of an 11-of-16", async () => {
      const s = await deployWithOperators(16, 11);
      const r = report(await s.registry.configDigest());
      const sigs = await cosign(Stream.Signal, s.domain, r, s.ops.slice(0, 10));
      await expect(s.registry.verify(reportStructHash(Stream.Signal, r), r.configDigest, sigs))
        .to.be.revertedWithCustomError(s.registry, "OracleRegistryTooFewSignatures")
        .withArgs(10n, 11n);
    });

    it("verify: ATTACK malformed signature length", async () => {
      const s = await deployWithOperators(3, 2);
      const r = report(await s.registry.configDigest());
      const sigs = await cosign(Stream.Signal, s.domain, r, [s.ops[0]!, s.ops[1]!]);
      const structHash = reportStructHash(Stream.Signal, r);
      const truncated = dataSlice(sigs, 0, 129);
      await expect(s.registry.verify(structHash, r.configDigest, truncated))
        .to.be.revertedWithCustomError(s.registry, "OracleRegistryMalformedSignatures")
        .withArgs(129n);
      const padded = concat([sigs, "0x00"]);
      await expect(s.registry.verify(structHash, r.configDigest, padded))
        .to.be.revertedWithCustomError(s.registry, "OracleRegistryMalformedSignatures")
        .withArgs(131n);
      // A 64-byte (ERC-2098 compact) signature is not accepted either.
      const compact = Signature.from(dataSlice(sigs, 0, 65)).compactSerialized;
      expect(dataLength(compact)).to.equal(64);
      await expect(s.registry.verify(structHash, r.configDigest, compact))
        .to.be.revertedWithCustomError(s.registry, "OracleRegistryMalformedSignatures")
        .withArgs(64n);
    });

    it("verify: ATTACK malleable high-s signature", async () => {
      const s = await deployWithOperators(3, 2);
      const r = report(await s.registry.configDigest());
      const structHash = reportStructHash(Stream.Signal, r);
      const a = await signReport(s.ops[0]!, Stream.Signal, s.domain, r);
      const b = await signReport(s.ops[1]!, Stream.Signal, s.domain, r);
      const sig = Signature.from(b.signature);
      const highS = toBeHex(SECP256K1_N - BigInt(sig.s), 32);
      const flippedV = sig.v === 27 ? 28 : 27;
      const malleable = concat([sig.r, highS, toBeHex(flippedV, 1)]);
      // The malleable form still recovers to the operator through the raw ecrecover precompile, so
      // only the registry's low-s check can reject it.
      const digest = reportDigest(Stream.Signal, s.domain, r);
      const raw = await s.ethers.provider.call({
        to: "0x0000000000000000000000000000000000000001",
        data: AbiCoder.defaultAbiCoder().encode(
          ["bytes32", "uint8", "bytes32", "bytes32"],
          [digest, flippedV, sig.r, highS],
        ),
      });
      expect(getAddress(dataSlice(raw, 12))).to.equal(s.ops[1]!.address);
      await expect(s.registry.verify(structHash, r.configDigest, concat([a.signature, malleable])))
        .to.be.revertedWithCustomError(s.registry, "OracleRegistryInvalidSignature")
        .withArgs(1n);
    });

    it("verify: ATTACK invalid v (0, 1 and 29) and zero r", async () => {
      const s = await deployWithOperators(3, 2);
      const r = report(await s.registry.configDigest());
      const structHash = reportStructHash(Stream.Signal, r);
      const a = await signReport(s.ops[0]!, Stream.Signal, s.domain, r);
      const b = await signReport(s.ops[1]!, Stream.Signal, s.domain, r);
      const bytes = getBytes(b.signature);
      for (const v of [0, 1, 29]) {
        const bad = new Uint8Array(bytes);
        bad[64] = v;
        await expect(s.registry.verify(structHash, r.configDigest, concat([a.signature, hexlify(bad)])))
          .to.be.revertedWithCustomError(s.registry, "OracleRegistryInvalidSignature")
          .withArgs(1n);
      }
      const zeroR = new Uint8Array(bytes);
      zeroR.fill(0, 0, 32);
      await expect(s.registry.verify(structHash, r.configDigest, concat([hexlify(zeroR), a.signature])))
        .to.be.revertedWithCustomError(s.registry, "OracleRegistryInvalidSignature")
        .withArgs(0n);
    });

    it("verify: ATTACK replay of a report signed under an old config digest", async () => {
      const s = await deployWithOperators(3, 2);
      const oldDigest = await s.registry.configDigest();
      const r = report(oldDigest);
      const sigs = await cosign(Stream.Signal, s.domain, r, [s.ops[0]!, s.ops[1]!]);
      const structHash = reportStructHash(Stream.Signal, r);
      expect(await s.registry.verify(structHash, oldDigest, sigs)).to.equal(bitmapOf([0, 1]));
      // Governance reinstalls the very same operators and threshold: the version moves on.
      await (
        await s.registry.setConfig(
          s.ops.map((w) => w.address),
          2,
        )
      ).wait();
      const newDigest = expectedConfigDigest(
        s.chainId,
        s.address,
        2,
        2,
        s.ops.map((w) => w.address),
      );
      await expect(s.registry.verify(structHash, oldDigest, sigs))
        .to.be.revertedWithCustomError(s.registry, "OracleRegistryConfigDigestMismatch")
        .withArgs(newDigest, oldDigest);
    });

    it("verify: ATTACK report signed for another chain id recovers a non-operator", async () => {
      const s = await deployWithOperators(3, 2);
      const r = report(await s.registry.configDigest());
      const otherChain = reportDomain(s.chainId + 1n, s.address);
      const signers = [s.ops[0]!, s.ops[1]!];
      const sigs = await cosign(Stream.Signal, otherChain, r, signers);
      // The registry hashes under its own chain id, so the first signature recovers an unrelated address.
      const first = dataSlice(sigs, 0, 65);
      const recovered = recoverAddress(reportDigest(Stream.Signal, s.domain, r), first);
      expect(recovered).to.not.equal(s.ops[0]!.address);
      expect(recovered).to.not.equal(s.ops[1]!.address);
      await expect(s.registry.verify(reportStructHash(Stream.Signal, r), r.configDigest, sigs))
        .to.be.revertedWithCustomError(s.registry, "OracleRegistryUnexpectedSigner")
        .withArgs(0n, recovered);
    });

    it("verify: ATTACK report signed for another registry address recovers a non-operator", async () => {
      const s = await deployWithOperators(3, 2);
      const r = report(await s.registry.configDigest());
      const otherRegistry = reportDomain(s.chainId, s.stranger.address);
      const sigs = await cosign(Stream.Signal, otherRegistry, r, [s.ops[0]!, s.ops[1]!]);
      const recovered = recoverAddress(reportDigest(Stream.Signal, s.domain, r), dataSlice(sigs, 0, 65));
      await expect(s.registry.verify(reportStructHash(Stream.Signal, r), r.configDigest, sigs))
        .to.be.revertedWithCustomError(s.registry, "OracleRegistryUnexpectedSigner")
        .withArgs(0n, recovered);
    });

    it("verify: ATTACK wrong configDigest field in the report", async () => {
      const s = await deployWithOperators(3, 2);
      const current = await s.registry.configDigest();
      const wrong = keccak256(toUtf8Bytes("some other configuration"));
      const r = report(wrong);
      const sigs = await cosign(Stream.Signal, s.domain, r, [s.ops[0]!, s.ops[1]!]);
      await expect(s.registry.verify(reportStructHash(Stream.Signal, r), wrong, sigs))
        .to.be.revertedWithCustomError(s.registry, "OracleRegistryConfigDigestMismatch")
        .withArgs(current, wrong);
    });

    it("verify: ATTACK signatures over a different struct hash recover non-operators", async () => {
      const s = await deployWithOperators(3, 2);
      const r = report(await s.registry.configDigest());
      const sigs = await cosign(Stream.Signal, s.domain, r, [s.ops[0]!, s.ops[1]!]);
      const tampered: SignalReport = {
        ...r,
        signal: {
          ...r.signal,
          targets: packTargets([
            [0, 2500],
            [1, 1200],
          ]),
        },
      };
      const tamperedHash = reportStructHash(Stream.Signal, tampered);
      const recovered = recoverAddress(
        reportDigest(Stream.Signal, s.domain, tampered),
        dataSlice(sigs, 0, 65),
      );
      await expect(s.registry.verify(tamperedHash, r.configDigest, sigs))
        .to.be.revertedWithCustomError(s.registry, "OracleRegistryUnexpectedSigner")
        .withArgs(0n, recovered);
    });

    it("verify: checks the digest before recovering signatures (garbage signatures, wrong digest)", async () => {
      const s = await deployWithOperators(3, 2);
      const current = await s.registry.configDigest();
      const wrong = keccak256("0x1234");
      const garbage = hexlify(new Uint8Array(130));
      await expect(s.registry.verify(keccak256("0x01"), wrong, garbage))
        .to.be.revertedWithCustomError(s.registry, "OracleRegistryConfigDigestMismatch")
        .withArgs(current, wrong);
    });
  });

  describe("removeOperator", () => {
    async function withSlasher(n: number, t: number) {
      const s = await deployWithOperators(n, t);
      await (await s.registry.grantRole(SLASHER_ROLE, s.slasher.address)).wait();
      return s;
    }

    it("removeOperator: reverts for a caller without SLASHER_ROLE (even governance)", async () => {
      const s = await deployWithOperators(3, 2);
      await expect(s.registry.connect(s.stranger).removeOperator(s.ops[0]!.address))
        .to.be.revertedWithCustomError(s.registry, "AccessControlUnauthorizedAccount")
        .withArgs(s.stranger.address, SLASHER_ROLE);
      await expect(s.registry.connect(s.admin).removeOperator(s.ops[0]!.address))
        .to.be.revertedWithCustomError(s.registry, "AccessControlUnauthorizedAccount")
        .withArgs(s.admin.address, SLASHER_ROLE);
    });

    it("removeOperator: reverts for an address that is not an operator", async () => {
      const s = await withSlasher(3, 2);
      await expect(s.registry.connect(s.slasher).removeOperator(s.stranger.address))
        .to.be.revertedWithCustomError(s.registry, "OracleRegistryNotOperator")
        .withArgs(s.stranger.address);
      await expect(s.registry.connect(s.slasher).removeOperator(ZeroAddress))
        .to.be.revertedWithCustomError(s.registry, "OracleRegistryNotOperator")
        .withArgs(ZeroAddress);
      expect(await s.registry.configVersion()).to.equal(1n);
    });

    it("removeOperator: keeps the threshold when it still fits, bumps the version, emits both events", async () => {
      const s = await withSlasher(5, 3);
      const victim = s.ops[2]!.address;
      const remaining = s.ops.filter((w) => w.address !== victim).map((w) => w.address);
      const digest = expectedConfigDigest(s.chainId, s.address, 2, 3, remaining);
      const tx = s.registry.connect(s.slasher).removeOperator(victim);
      await expect(tx).to.emit(s.registry, "ConfigSet").withArgs(2n, digest, remaining, 3n);
      await expect(tx).to.emit(s.registry, "OperatorRemoved").withArgs(victim, 2n);
      expect(await s.registry.threshold()).to.equal(3n);
      expect(await s.registry.configVersion()).to.equal(2n);
      expect(await s.registry.operators()).to.deep.equal(remaining);
      expect(await s.registry.isOperator(victim)).to.equal(false);
      expect(await s.registry.configDigest()).to.equal(digest);
    });

    it("removeOperator: keeps 2 of 3 → 2 of 2", async () => {
      const s = await withSlasher(3, 2);
      await (await s.registry.connect(s.slasher).removeOperator(s.ops[0]!.address)).wait();
      expect(await s.registry.threshold()).to.equal(2n);
      expect(await s.registry.operators()).to.deep.equal([s.ops[1]!.address, s.ops[2]!.address]);
    });

    it("removeOperator: lowers the threshold only when it would exceed the remaining count (3-of-3 → 2-of-2)", async () => {
      const s = await withSlasher(3, 3);
      const victim = s.ops[1]!.address;
      const remaining = [s.ops[0]!.address, s.ops[2]!.address];
      await expect(s.registry.connect(s.slasher).removeOperator(victim))
        .to.emit(s.registry, "ConfigSet")
        .withArgs(2n, expectedConfigDigest(s.chainId, s.address, 2, 2, remaining), remaining, 2n);
      expect(await s.registry.threshold()).to.equal(2n);
    });

    it("removeOperator: the remaining operators verify under the new digest, old reports die", async () => {
      const s = await withSlasher(3, 2);
      const oldDigest = await s.registry.configDigest();
      const old = report(oldDigest);
      const oldSigs = await cosign(Stream.Signal, s.domain, old, [s.ops[1]!, s.ops[2]!]);
      await (await s.registry.connect(s.slasher).removeOperator(s.ops[0]!.address)).wait();
      const newDigest = await s.registry.configDigest();
      await expect(s.registry.verify(reportStructHash(Stream.Signal, old), oldDigest, oldSigs))
        .to.be.revertedWithCustomError(s.registry, "OracleRegistryConfigDigestMismatch")
        .withArgs(newDigest, oldDigest);
      const fresh = report(newDigest, 2n);
      const sigs = await cosign(Stream.Signal, s.domain, fresh, [s.ops[1]!, s.ops[2]!]);
      // ops[1] and ops[2] are now at indices 0 and 1.
      expect(await s.registry.verify(reportStructHash(Stream.Signal, fresh), newDigest, sigs)).to.equal(3n);
      // The removed operator is no longer accepted.
      const withRemoved = await cosign(Stream.Signal, s.domain, fresh, [s.ops[0]!, s.ops[1]!]);
      await expect(s.registry.verify(reportStructHash(Stream.Signal, fresh), newDigest, withRemoved))
        .to.be.revertedWithCustomError(s.registry, "OracleRegistryUnexpectedSigner")
        .withArgs(0n, s.ops[0]!.address);
    });

    it("removeOperator: removing the last operator leaves an empty set that halts verification", async () => {
      const s = await withSlasher(2, 2);
      await (await s.registry.connect(s.slasher).removeOperator(s.ops[0]!.address)).wait();
      expect(await s.registry.threshold()).to.equal(1n);
      const last = s.ops[1]!;
      const digest1 = await s.registry.configDigest();
      const r = report(digest1);
      const sig = await cosign(Stream.Signal, s.domain, r, [last]);
      expect(await s.registry.verify(reportStructHash(Stream.Signal, r), digest1, sig)).to.equal(1n);

      const emptyDigest = expectedConfigDigest(s.chainId, s.address, 3, 0, []);
      const tx = s.registry.connect(s.slasher).removeOperator(last.address);
      await expect(tx).to.emit(s.registry, "ConfigSet").withArgs(3n, emptyDigest, [], 0n);
      await expect(tx).to.emit(s.registry, "OperatorRemoved").withArgs(last.address, 3n);
      expect(await s.registry.operators()).to.deep.equal([]);
      expect(await s.registry.threshold()).to.equal(0n);
      expect(await s.registry.configVersion()).to.equal(3n);
      expect(await s.registry.configDigest()).to.equal(emptyDigest);
      expect(await s.registry.isOperator(last.address)).to.equal(false);

      await expect(
        s.registry.verify(reportStructHash(Stream.Signal, r), digest1, sig),
      ).to.be.revertedWithCustomError(s.registry, "OracleRegistryNoQuorum");
      // Even a report claiming the empty set's digest with no signatures is refused.
      await expect(
        s.registry.verify(reportStructHash(Stream.Signal, r), emptyDigest, "0x"),
      ).to.be.revertedWithCustomError(s.registry, "OracleRegistryNoQuorum");
      // Nothing left to remove.
      await expect(s.registry.connect(s.slasher).removeOperator(last.address))
        .to.be.revertedWithCustomError(s.registry, "OracleRegistryNotOperator")
        .withArgs(last.address);

      // Governance can install a new set, and verification resumes.
      await (
        await s.registry.setConfig(
          s.ops.map((w) => w.address),
          2,
        )
      ).wait();
      expect(await s.registry.configVersion()).to.equal(4n);
      const r2 = report(await s.registry.configDigest(), 2n);
      const sigs2 = await cosign(Stream.Signal, s.domain, r2, s.ops);
      expect(await s.registry.verify(reportStructHash(Stream.Signal, r2), r2.configDigest, sigs2)).to.equal(
        3n,
      );
    });
  });

  describe("views", () => {
    it("operators: returned sorted ascending whatever order the wallets were made in", async () => {
      const s = await deployWithOperators(7, 4);
      const list: string[] = await s.registry.operators();
      expect(list).to.deep.equal(s.ops.map((w) => w.address));
      for (let i = 1; i < list.length; i++) expect(BigInt(list[i]!) > BigInt(list[i - 1]!)).to.equal(true);
    });

    it("isOperator: true for each operator, false otherwise", async () => {
      const s = await deployWithOperators(4, 3);
      for (const w of s.ops) expect(await s.registry.isOperator(w.address)).to.equal(true);
      expect(await s.registry.isOperator(s.admin.address)).to.equal(false);
      expect(await s.registry.isOperator(ZeroAddress)).to.equal(false);
    });

    it("threshold and configVersion: reflect the installed configuration", async () => {
      const s = await deployWithOperators(4, 3);
      expect(await s.registry.threshold()).to.equal(3n);
      expect(await s.registry.configVersion()).to.equal(1n);
    });

    it("hashTypedData: equals the ethers TypedDataEncoder digest of the report", async () => {
      const s = await deployWithOperators(3, 2);
      const r = report(await s.registry.configDigest());
      const structHash = reportStructHash(Stream.Signal, r);
      const expected = keccak256(concat(["0x1901", TypedDataEncoder.hashDomain(s.domain), structHash]));
      expect(await s.registry.hashTypedData(structHash)).to.equal(expected);
      expect(await s.registry.hashTypedData(structHash)).to.equal(reportDigest(Stream.Signal, s.domain, r));
    });

    it("domainSeparator: equals the EIP-712 domain hash (name, version, chain id, registry)", async () => {
      const s = await deployRegistry();
      const typeHash = keccak256(
        toUtf8Bytes("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
      );
      const expected = keccak256(
        AbiCoder.defaultAbiCoder().encode(
          ["bytes32", "bytes32", "bytes32", "uint256", "address"],
          [
            typeHash,
            keccak256(toUtf8Bytes("Sigil Oracle")),
            keccak256(toUtf8Bytes("1")),
            s.chainId,
            s.address,
          ],
        ),
      );
      expect(await s.registry.domainSeparator()).to.equal(expected);
      expect(await s.registry.domainSeparator()).to.equal(TypedDataEncoder.hashDomain(s.domain));
    });

    it("eip712Domain: reports the domain fields (ERC-5267)", async () => {
      const s = await deployRegistry();
      const d = await s.registry.eip712Domain();
      expect(d.fields).to.equal("0x0f");
      expect(d.name).to.equal("Sigil Oracle");
      expect(d.version).to.equal("1");
      expect(d.chainId).to.equal(s.chainId);
      expect(d.verifyingContract).to.equal(s.address);
    });

    it("supportsInterface: AccessControl and ERC-165", async () => {
      const s = await deployRegistry();
      expect(await s.registry.supportsInterface("0x7965db0b")).to.equal(true); // IAccessControl
      expect(await s.registry.supportsInterface("0x01ffc9a7")).to.equal(true); // IERC165
      expect(await s.registry.supportsInterface("0xffffffff")).to.equal(false);
    });
  });
});
