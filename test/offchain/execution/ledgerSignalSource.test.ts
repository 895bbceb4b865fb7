import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ZeroHash } from "ethers";
import type { Log } from "ethers";
import { AssetList } from "../../../offchain/execution/AssetList.js";
import { LedgerSignalSource, TRADE_LEDGER_EVENTS } from "../../../offchain/execution/LedgerSignalSource.js";
import type { LogProvider } from "../../../offchain/execution/LedgerSignalSource.js";
import { OrderStore } from "../../../offchain/execution/OrderStore.js";
import { packTargets } from "../../../offchain/protocol/targets.js";

const LEDGER = "0x00000000000000000000000000000000000000aa";

/** Logs encoded exactly as the TradeLedger's `SignalAccepted` event, served per block range. */
class FakeChain implements LogProvider {
  head = 0;
  readonly logs: Log[] = [];
  readonly ranges: [number, number][] = [];

  emit(block: number, sequence: number, targets: bigint): void {
    const ev = TRADE_LEDGER_EVENTS.getEvent("SignalAccepted")!;
    const signal = [ZeroHash, ZeroHash, ZeroHash, 1_700_000_000n + BigInt(sequence), 1, targets];
    const { data, topics } = TRADE_LEDGER_EVENTS.encodeEventLog(ev, [sequence, ZeroHash, signal, ZeroHash]);
    this.logs.push({ blockNumber: block, data, topics, address: LEDGER } as unknown as Log);
    this.head = Math.max(this.head, block);
  }

  async getBlockNumber(): Promise<number> {
    return this.head;
  }

  async getLogs(f: { fromBlock: number; toBlock: number }): Promise<readonly Log[]> {
    this.ranges.push([f.fromBlock, f.toBlock]);
    return this.logs.filter((l) => l.blockNumber >= f.fromBlock && l.blockNumber <= f.toBlock);
  }
}

describe("LedgerSignalSource: accepted signals from TradeLedger events, resumable", function () {
  let dir: string;
  beforeEach(function () {
    dir = mkdtempSync(join(tmpdir(), "sigil-ledger-"));
  });
  afterEach(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  it("decodes SignalAccepted, pages block ranges, and resumes after a restart without repeats or gaps", async function () {
    const chain = new FakeChain();
    chain.emit(12, 1, packTargets([[0, 2500]]));
    chain.emit(15, 2, packTargets([[1, -300]]));
    let store = OrderStore.inDir(dir);
    let source = new LedgerSignalSource({
      provider: chain,
      ledger: LEDGER,
      fromBlock: 10,
      maxRange: 3,
      store,
    });
    const first = await source.next();
    expect(first.map((s) => s.sequence)).to.deep.equal([1, 2]);
    expect(first[0]!.targets).to.equal(packTargets([[0, 2500]]));
    expect(first[0]!.timestamp).to.equal(1_700_000_001);
    expect(chain.ranges).to.deep.equal([
      [10, 12],
      [13, 15],
    ]);
    await source.ack(first[0]!);
    store.close();

    // Restart: sequence 1 was handled, 2 was not; a new one arrives meanwhile.
    chain.emit(20, 3, packTargets([[0, 1000]]));
    store = OrderStore.inDir(dir);
    source = new LedgerSignalSource({ provider: chain, ledger: LEDGER, fromBlock: 10, store });
    expect((await source.next()).map((s) => s.sequence)).to.deep.equal([2, 3]);
    await source.ack({ sequence: 3, targets: 0n, timestamp: 0 });
    expect(await source.next()).to.deep.equal([]);
    store.close();
  });

  it("maps deployment assets to venue symbols", function () {
    const assets = AssetList.fromDeployment(
      {
        assets: [
          { index: 0, symbol: "BTC" },
          { index: 1, symbol: "ETH/USDT" },
        ],
      },
      "USDT",
    );
    expect(assets.symbolOf(0)).to.equal("BTC/USDT");
    expect(assets.indexOf("ETH/USDT")).to.equal(1);
    expect(() => new AssetList([{ index: 16, symbol: "X/USDT" }])).to.throw(/outside/);
  });
});
