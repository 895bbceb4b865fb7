import { Interface } from "ethers";
import type { Log } from "ethers";
import type { OrderStore } from "./OrderStore.js";
import type { AcceptedSignal, SignalSource } from "./SignalSource.js";

/** The `SignalAccepted` and `TradeRecorded` events of `contracts/ledger/TradeLedger.sol`. */
export const TRADE_LEDGER_EVENTS = new Interface([
  "event SignalAccepted(uint64 indexed sequence, bytes32 indexed reportHash, tuple(bytes32 runHash, bytes32 inputsHash, bytes32 modelHash, uint64 timestamp, uint8 flags, uint256 targets) signal, bytes32 head)",
  "event TradeRecorded(uint64 indexed executionSequence, uint64 indexed signalSequence, uint8 indexed asset, bytes32 fillHash, tuple(uint8 asset, int128 quantityE8, uint64 priceE8, uint64 feeE8, bytes32 orderRef, uint64 timestamp) record, int256 positionE8, uint16 violations, bytes32 head)",
]);

/** The part of an ethers `Provider` this source needs. */
export interface LogProvider {
  getBlockNumber(): Promise<number>;
  getLogs(filter: {
    address: string;
    topics: (string | null)[];
    fromBlock: number;
    toBlock: number;
  }): Promise<readonly Log[]>;
}

export interface LedgerSignalSourceOptions {
  readonly provider: LogProvider;
  readonly ledger: string;
  /** Block the ledger was deployed at (the first scan starts there). */
  readonly fromBlock: number;
  /** Blocks behind the head treated as final (reorg margin; default 0 for local chains). */
  readonly confirmations?: number;
  /** Largest block range per `getLogs` call (RPCs cap it; default 5 000). */
  readonly maxRange?: number;
  readonly store: OrderStore;
  /** Cursor name in the store (default "ledger-signals"). */
  readonly cursor?: string;
}

/**
 * Accepted signals read from the `TradeLedger`'s `SignalAccepted` events. The block and sequence of
 * the last handled signal are persisted; a restarted engine rescans from that block and skips
 * sequences already handled, so it neither misses a signal nor executes one twice.
 */
export class LedgerSignalSource implements SignalSource {
  private readonly name: string;
  /** Scanned in this process (not persisted: unhandled signals must be found again after a restart). */
  private scanned: number | undefined;
  private pending: (AcceptedSignal & { block: number })[] = [];

  constructor(private readonly o: LedgerSignalSourceOptions) {
    this.name = o.cursor ?? "ledger-signals";
  }

  async next(): Promise<AcceptedSignal[]> {
    const head = (await this.o.provider.getBlockNumber()) - (this.o.confirmations ?? 0);
    let from =
      this.scanned === undefined
        ? Number(this.o.store.getCursor(`${this.name}:block`) ?? this.o.fromBlock)
        : this.scanned + 1;
    const topic = TRADE_LEDGER_EVENTS.getEvent("SignalAccepted")!.topicHash;
    const step = this.o.maxRange ?? 5_000;
    const done = this.done();
    while (from <= head) {
      const to = Math.min(head, from + step - 1);
      const logs = await this.o.provider.getLogs({
        address: this.o.ledger,
        topics: [topic],
        fromBlock: from,
        toBlock: to,
      });
      for (const log of logs) {
        const parsed = TRADE_LEDGER_EVENTS.parseLog(log);
        if (!parsed) continue;
        const sequence = Number(parsed.args.getValue("sequence") as bigint);
        if (sequence <= done || this.pending.some((p) => p.sequence === sequence)) continue;
        const signal = parsed.args.getValue("signal") as { targets: bigint; timestamp: bigint };
        this.pending.push({
          sequence,
          targets: signal.targets,
          timestamp: Number(signal.timestamp),
          block: log.blockNumber,
        });
      }
      this.scanned = to;
      from = to + 1;
    }
    this.pending.sort((a, b) => a.sequence - b.sequence);
    return this.pending.map(({ sequence, targets, timestamp }) => ({ sequence, targets, timestamp }));
  }

  async ack(signal: AcceptedSignal): Promise<void> {
    const entry = this.pending.find((p) => p.sequence === signal.sequence);
    if (signal.sequence > this.done()) {
      this.o.store.transaction(() => {
        this.o.store.setCursor(`${this.name}:seq`, String(signal.sequence));
        if (entry) this.o.store.setCursor(`${this.name}:block`, String(entry.block));
      });
    }
    this.pending = this.pending.filter((p) => p.sequence > signal.sequence);
  }

  private done(): number {
    return Number(this.o.store.getCursor(`${this.name}:seq`) ?? 0);
  }
}
