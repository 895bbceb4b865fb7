import type { Hex } from "viem";
import { tradeLedgerAbi } from "../abi/generated.js";
import { verifyChain, type ChainLink, type ChainVerdict } from "../lib/hashChain.js";
import { useChainQuery } from "./useChainQuery.js";
import { useSigil } from "./useSigil.js";

export interface SignalRow {
  sequence: bigint;
  accepted: boolean;
  reason: number;
  reportHash: Hex;
  runHash: Hex;
  inputsHash: Hex;
  modelHash: Hex;
  timestamp: bigint;
  recomputed: boolean;
  targets: bigint;
  block: bigint;
}

export interface TradeRow {
  executionSequence: bigint;
  signalSequence: bigint;
  asset: number;
  quantityE8: bigint;
  priceE8: bigint;
  feeE8: bigint;
  positionE8: bigint;
  violations: number;
  fillHash: Hex;
  timestamp: bigint;
  block: bigint;
}

export interface Ledger {
  signals: SignalRow[];
  trades: TradeRow[];
  verdict: ChainVerdict;
  contractHead: Hex;
  links: number;
}

type Ordered<T> = { order: [bigint, number]; item: T };

/** The whole trade ledger rebuilt from events, with the hash chain re-verified against `head()`. */
export function useLedger() {
  const { addresses } = useSigil();
  const l = { address: addresses.ledger, abi: tradeLedgerAbi } as const;
  return useChainQuery(["ledger"], async (c): Promise<Ledger> => {
    const fromBlock = addresses.fromBlock;
    const [head, accepted, rejected, trades] = await Promise.all([
      c.readContract({ ...l, functionName: "head" }),
      c.getContractEvents({ ...l, eventName: "SignalAccepted", fromBlock }),
      c.getContractEvents({ ...l, eventName: "SignalRejected", fromBlock }),
      c.getContractEvents({ ...l, eventName: "TradeRecorded", fromBlock }),
    ]);
    const links: Array<Ordered<ChainLink>> = [];
    const signals: SignalRow[] = [];
    for (const e of [...accepted, ...rejected]) {
      const a = e.args;
      const reason = "reason" in a ? Number(a.reason) : 0;
      const s = a.signal!;
      links.push({
        order: [e.blockNumber, e.logIndex],
        item: { kind: "signal", sequence: a.sequence!, reportHash: a.reportHash!, reason, head: a.head! },
      });
      signals.push({
        sequence: a.sequence!,
        accepted: e.eventName === "SignalAccepted",
        reason,
        reportHash: a.reportHash!,
        runHash: s.runHash,
        inputsHash: s.inputsHash,
        modelHash: s.modelHash,
        timestamp: s.timestamp,
        recomputed: (s.flags & 1) === 1,
        targets: s.targets,
        block: e.blockNumber,
      });
    }
    const tradeRows: TradeRow[] = trades.map((e) => {
      const a = e.args;
      links.push({
        order: [e.blockNumber, e.logIndex],
        item: {
          kind: "fill",
          executionSequence: a.executionSequence!,
          signalSequence: a.signalSequence!,
          fillHash: a.fillHash!,
          violations: Number(a.violations),
          head: a.head!,
        },
      });
      const r = a.record!;
      return {
        executionSequence: a.executionSequence!,
        signalSequence: a.signalSequence!,
        asset: Number(a.asset),
        quantityE8: r.quantityE8,
        priceE8: r.priceE8,
        feeE8: r.feeE8,
        positionE8: a.positionE8!,
        violations: Number(a.violations),
        fillHash: a.fillHash!,
        timestamp: r.timestamp,
        block: e.blockNumber,
      };
    });
    links.sort((x, y) =>
      x.order[0] === y.order[0] ? x.order[1] - y.order[1] : x.order[0] < y.order[0] ? -1 : 1,
    );
    signals.sort((x, y) => (x.sequence < y.sequence ? -1 : 1));
    return {
      signals,
      trades: tradeRows,
      verdict: verifyChain(
        links.map((x) => x.item),
        head,
      ),
      contractHead: head,
      links: links.length,
    };
  });
}
