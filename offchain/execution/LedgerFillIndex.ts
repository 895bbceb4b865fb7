import { toBeHex, zeroPadValue } from "ethers";
import type { Fill } from "../protocol/reportTypes.js";
import { fillHash } from "../protocol/signatures.js";
import { TRADE_LEDGER_EVENTS } from "./LedgerSignalSource.js";
import type { LogProvider } from "./LedgerSignalSource.js";

/** Which of a signal's fills the ledger already holds (what the engine consults before reporting). */
export interface RecordedFills {
  /** Hashes (`fillHash`) of those of `fills` already recorded on-chain under `signalSequence`. */
  recorded(signalSequence: bigint, fills: readonly Fill[]): Promise<ReadonlySet<string>>;
}

export interface LedgerFillIndexOptions {
  readonly provider: LogProvider;
  /** The `TradeLedger` address. */
  readonly address: string;
  /** Block the ledger was deployed at (default 0): no fill can be older. */
  readonly fromBlock?: number;
  /** Largest block range per `getLogs` call (default: one call up to the head). */
  readonly maxRange?: number;
}

/**
 * Fills the `TradeLedger` recorded for one signal, read from its `TradeRecorded` events filtered by
 * the indexed `signalSequence` topic: bounded by what one signal caused, never a scan of every fill.
 * A fill is identified by its EIP-712 struct hash (`fillHash`, equal to `ReportTypes.hashFill`).
 * Used by the engine (not to re-send fills a crash left unmarked) and by oracle nodes (not to sign
 * a report that would record a fill twice).
 */
export class LedgerFillIndex implements RecordedFills {
  constructor(private readonly o: LedgerFillIndexOptions) {}

  /** Every fill recorded under `signalSequence`: fill hash → execution sequence that first recorded it. */
  async recordings(signalSequence: bigint): Promise<Map<string, bigint>> {
    const event = TRADE_LEDGER_EVENTS.getEvent("TradeRecorded")!;
    const topics = [event.topicHash, null, zeroPadValue(toBeHex(signalSequence), 32)];
    const head = await this.o.provider.getBlockNumber();
    const step = this.o.maxRange ?? Number.MAX_SAFE_INTEGER;
    const out = new Map<string, bigint>();
    for (let from = this.o.fromBlock ?? 0; from <= head;) {
      const to = Math.min(head, from + step - 1);
      const logs = await this.o.provider.getLogs({
        address: this.o.address,
        topics,
        fromBlock: from,
        toBlock: to,
      });
      for (const log of logs) {
        const parsed = TRADE_LEDGER_EVENTS.parseLog(log);
        if (!parsed || parsed.name !== "TradeRecorded") continue;
        const hash = (parsed.args.getValue("fillHash") as string).toLowerCase();
        if (!out.has(hash)) out.set(hash, parsed.args.getValue("executionSequence") as bigint);
      }
      from = to + 1;
    }
    return out;
  }

  async recorded(signalSequence: bigint, fills: readonly Fill[]): Promise<ReadonlySet<string>> {
    if (fills.length === 0) return new Set();
    const onChain = await this.recordings(signalSequence);
    return new Set(fills.map(fillHash).filter((h) => onChain.has(h.toLowerCase())));
  }
}
