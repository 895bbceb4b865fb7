import type { Address, Hash, Hex, PublicClient } from "viem";
import { oracleRegistryAbi, tradeLedgerAbi } from "../abi/generated.js";
import { verifyChain, type ChainLink, type ChainVerdict } from "../lib/hashChain.js";
import { signersOfTx } from "../lib/signers.js";
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
  txHash: Hash;
  signers: SignerInfo;
}

/** One recovered signer, and whether it is in the registry's current operator set. */
export interface Signer {
  address: Address;
  operator: boolean;
}

/** The co-signers of a report, or why they could not be recovered. */
export type SignerInfo = { ok: true; signers: Signer[] } | { ok: false; error: string };

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
  txHash: Hash;
  signers: SignerInfo;
}

export interface Ledger {
  signals: SignalRow[];
  trades: TradeRow[];
  verdict: ChainVerdict;
  contractHead: Hex;
  links: number;
}

type Ordered<T> = { order: [bigint, number]; item: T };

type TxSigners =
  | { ok: true; stream: "signal" | "execution"; sequence: bigint; signers: Signer[] }
  | { ok: false; error: string };

const pending: { ok: false; error: string } = { ok: false, error: "not read yet" };

/** Signers of each transaction (cached per hash in `signersOfTx`), marked against `operators()`. */
async function signersByTx(
  c: PublicClient,
  hashes: Hash[],
  ledger: Address,
  registry: Address,
  operators: readonly Address[],
): Promise<Map<Hash, TxSigners>> {
  const chainId = c.chain?.id ?? (await c.getChainId());
  const current = new Set(operators.map((o) => o.toLowerCase()));
  const unique = [...new Set(hashes)];
  const found = await Promise.all(
    unique.map(async (h): Promise<TxSigners> => {
      try {
        const r = await signersOfTx(c, h, ledger, registry, chainId);
        if (!r.ok) return r;
        return {
          ok: true,
          stream: r.stream,
          sequence: r.sequence,
          signers: r.signers.map((a) => ({ address: a, operator: current.has(a.toLowerCase()) })),
        };
      } catch (e) {
        return { ok: false, error: e instanceof Error ? e.message : String(e) };
      }
    }),
  );
  return new Map(unique.map((h, i) => [h, found[i]!]));
}

/** The whole trade ledger rebuilt from events, with the hash chain re-verified against `head()`. */
export function useLedger() {
  const { addresses } = useSigil();
  const l = { address: addresses.ledger, abi: tradeLedgerAbi } as const;
  return useChainQuery(["ledger"], async (c): Promise<Ledger> => {
    const fromBlock = addresses.fromBlock;
    const [head, operators, accepted, rejected, trades] = await Promise.all([
      c.readContract({ ...l, functionName: "head" }),
      c.readContract({ address: addresses.registry, abi: oracleRegistryAbi, functionName: "operators" }),
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
        txHash: e.transactionHash,
        signers: pending,
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
        txHash: e.transactionHash,
        signers: pending,
      };
    });
    links.sort((x, y) =>
      x.order[0] === y.order[0] ? x.order[1] - y.order[1] : x.order[0] < y.order[0] ? -1 : 1,
    );
    signals.sort((x, y) => (x.sequence < y.sequence ? -1 : 1));
    const signers = await signersByTx(
      c,
      [...signals, ...tradeRows].map((x) => x.txHash),
      addresses.ledger,
      addresses.registry,
      operators,
    );
    const attach = (txHash: Hash, stream: "signal" | "execution", sequence: bigint): SignerInfo => {
      const r = signers.get(txHash) ?? pending;
      if (!r.ok) return { ok: false, error: r.error };
      // One direct call submits one report: it must be the one the event is about.
      if (r.stream !== stream || r.sequence !== sequence)
        return { ok: false, error: `the transaction carries ${r.stream} report #${r.sequence}` };
      return { ok: true, signers: r.signers };
    };
    for (const x of signals) x.signers = attach(x.txHash, "signal", x.sequence);
    for (const x of tradeRows) x.signers = attach(x.txHash, "execution", x.executionSequence);
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
