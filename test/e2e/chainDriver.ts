/** Drives the oracle side of the local chain for the e2e test: co-signed NAV, signal and execution reports. */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  Contract,
  HDNodeWallet,
  JsonRpcProvider,
  encodeBytes32String,
  keccak256,
  toUtf8Bytes,
  type InterfaceAbi,
} from "ethers";
import { Stream, reportDomain, type ReportDomain } from "../../offchain/protocol/reportTypes.js";
import { packSignatures, signReport } from "../../offchain/protocol/signatures.js";
import { packTargets } from "../../offchain/protocol/targets.js";

const MNEMONIC = "test test test test test test test test test test test junk";

/** Hardhat's default account `i` (the local deploy uses 1..3 as operators, 4 guardian, 5 custodian). */
export function hardhatAccount(i: number): HDNodeWallet {
  return HDNodeWallet.fromPhrase(MNEMONIC, undefined, `m/44'/60'/0'/0/${i}`);
}

async function abiOf(root: string, path: string): Promise<InterfaceAbi> {
  return (
    JSON.parse(await readFile(join(root, "artifacts/contracts", path), "utf8")) as { abi: InterfaceAbi }
  ).abi;
}

export class ChainDriver {
  private constructor(
    readonly provider: JsonRpcProvider,
    readonly vault: Contract,
    readonly ledger: Contract,
    readonly registry: Contract,
    readonly asset: Contract,
    readonly governor: Contract,
    readonly domain: ReportDomain,
    private readonly operators: HDNodeWallet[],
  ) {}

  static async connect(
    root: string,
    rpcUrl: string,
    contracts: Record<string, { address: string }>,
    asset: string,
  ) {
    const provider = new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true, cacheTimeout: -1 });
    const submitter = await provider.getSigner(0);
    const at = async (name: string, path: string) =>
      new Contract(contracts[name]!.address, await abiOf(root, path), submitter);
    const registry = await at("OracleRegistry", "oracle/OracleRegistry.sol/OracleRegistry.json");
    const network = await provider.getNetwork();
    return new ChainDriver(
      provider,
      await at("SigilVault", "vault/SigilVault.sol/SigilVault.json"),
      await at("TradeLedger", "ledger/TradeLedger.sol/TradeLedger.json"),
      registry,
      new Contract(asset, await abiOf(root, "mocks/MockStable.sol/MockStable.json"), submitter),
      await at("SigilGovernor", "governance/SigilGovernor.sol/SigilGovernor.json"),
      reportDomain(network.chainId, await registry.getAddress()),
      [hardhatAccount(1), hardhatAccount(2)],
    );
  }

  async now(): Promise<bigint> {
    return BigInt((await this.provider.getBlock("latest"))!.timestamp);
  }

  private async sign<S extends Stream>(
    stream: S,
    report: Parameters<typeof signReport<S>>[3],
  ): Promise<string> {
    return packSignatures(
      await Promise.all(this.operators.map((w) => signReport(w, stream, this.domain, report))),
    );
  }

  /**
   * Settle the open epoch with `venueEquity` (default: the booked venue equity, i.e. no P&L), valued
   * by a venue that has seen every custody move; the clock first moves to the epoch's cut-off.
   */
  async settle(venueEquity?: bigint): Promise<void> {
    const book = new Contract(
      (await this.vault.getFunction("epochBook")()) as string,
      ["function epochState() view returns (uint64 epoch, uint64 cutoff)"],
      this.provider,
    );
    const [, cutoff] = (await book.getFunction("epochState")()) as [bigint, bigint];
    if ((await this.now()) < cutoff) {
      await this.provider.send("evm_setNextBlockTimestamp", [`0x${cutoff.toString(16)}`]);
      await this.provider.send("evm_mine", []);
    }
    const t = await this.now();
    const [custodySent, custodyReturned] = (await this.vault.getFunction("custodyTotals")()) as [
      bigint,
      bigint,
    ];
    const booked = (await this.vault.getFunction("offchainEquity")()) as bigint;
    const report = {
      configDigest: (await this.registry.getFunction("configDigest")()) as string,
      sequence: ((await this.vault.getFunction("navSequence")()) as bigint) + 1n,
      deadline: t + 600n,
      nav: {
        epoch: (await this.vault.getFunction("currentEpoch")()) as bigint,
        vault: await this.vault.getAddress(),
        venueEquity: venueEquity ?? (booked > 0n ? booked : 0n),
        custodySent,
        custodyReturned,
        timestamp: t,
        venueSnapshotHash: encodeBytes32String(`snapshot-${t}`),
      },
    };
    await (await this.vault.getFunction("settle")(report, await this.sign(Stream.Nav, report))).wait();
  }

  /** The custodian (account 5) moves `assets` to the venue. */
  async sendToVenue(assets: bigint): Promise<void> {
    const custodian = await this.provider.getSigner(5);
    await (
      await (this.vault.connect(custodian) as Contract).getFunction("sendToVenue")(
        assets,
        encodeBytes32String("venue-deposit"),
      )
    ).wait();
  }

  async submitSignal(sequence: bigint, weights: Array<readonly [number, number]>): Promise<void> {
    const t = await this.now();
    const report = {
      configDigest: (await this.registry.getFunction("configDigest")()) as string,
      sequence,
      deadline: t + 600n,
      signal: {
        runHash: keccak256(toUtf8Bytes(`e2e-run-${sequence}`)),
        inputsHash: keccak256(toUtf8Bytes(`e2e-inputs-${sequence}`)),
        modelHash: keccak256(toUtf8Bytes("e2e-model-v1")),
        timestamp: t,
        flags: 1,
        targets: packTargets(weights),
      },
    };
    await (
      await this.ledger.getFunction("submitSignal")(report, await this.sign(Stream.Signal, report))
    ).wait();
  }

  async submitExecution(
    sequence: bigint,
    signalSequence: bigint,
    asset: number,
    quantityE8: bigint,
    priceE8: bigint,
  ) {
    const t = await this.now();
    const report = {
      configDigest: (await this.registry.getFunction("configDigest")()) as string,
      sequence,
      deadline: t + 600n,
      execution: {
        signalSequence,
        fills: [
          {
            asset,
            quantityE8,
            priceE8,
            feeE8: 0n,
            orderRef: keccak256(toUtf8Bytes(`e2e-order-${sequence}`)),
            timestamp: t,
          },
        ],
      },
    };
    await (
      await this.ledger.getFunction("submitExecution")(report, await this.sign(Stream.Execution, report))
    ).wait();
  }

  /** Hardhat account `from` (unlocked on the node) proposes `actions` with `description`. */
  async propose(
    from: number,
    actions: Array<{ target: string; value?: bigint; data: string }>,
    description: string,
  ): Promise<void> {
    const signer = await this.provider.getSigner(from);
    await (
      await (this.governor.connect(signer) as Contract).getFunction("propose")(
        actions.map((a) => a.target),
        actions.map((a) => a.value ?? 0n),
        actions.map((a) => a.data),
        description,
      )
    ).wait();
  }

  async mine(blocks: number): Promise<void> {
    await this.provider.send("hardhat_mine", [`0x${blocks.toString(16)}`]);
  }

  async increaseTime(seconds: number): Promise<void> {
    await this.provider.send("evm_increaseTime", [seconds]);
    await this.mine(1);
  }
}
