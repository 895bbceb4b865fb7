import type { JournalContents } from "./ChainJournal.js";
import { DevChainError } from "./DevChainError.js";
import { jsonRpc } from "./jsonRpc.js";

interface RpcBlockHeader {
  readonly number: string;
  readonly timestamp: string;
  readonly stateRoot: string;
  readonly transactions: readonly string[];
}

export interface ReplayResult {
  readonly blocks: number;
  readonly transactions: number;
  readonly ops: number;
  /** Chain head after the replay. */
  readonly head: number;
  readonly ms: number;
}

/**
 * Rebuilds a journaled chain on a fresh node started with the same genesis (chain id, accounts,
 * `initialDate` = the journal's genesis time): every block is re-mined with its original
 * timestamp and transactions, and its state root must come out equal to the journaled one, so a
 * replay either reproduces the chain exactly or stops with the first block where it diverged.
 */
export async function replayJournal(
  url: string,
  journal: JournalContents,
  onProgress?: (block: number, of: number) => void,
): Promise<ReplayResult> {
  const started = Date.now();
  const { header } = journal;
  const fresh =
    "start the chain with SIGIL_GENESIS_TIME set to the journal's genesis time, with no blocks yet";
  const chainId = Number(await jsonRpc<string>(url, "eth_chainId"));
  if (chainId !== header.chainId)
    throw new DevChainError(`replay target has chain id ${chainId}, the journal ${header.chainId}`, {
      hint: fresh,
    });
  const genesis = await jsonRpc<RpcBlockHeader>(url, "eth_getBlockByNumber", ["0x0", false]);
  if (Number(genesis.timestamp) !== header.genesisTime || genesis.stateRoot !== header.genesisStateRoot)
    throw new DevChainError(
      `replay target's genesis (time ${Number(genesis.timestamp)}, root ${genesis.stateRoot}) differs from the journal's (time ${header.genesisTime}, root ${header.genesisStateRoot})`,
      { hint: fresh },
    );
  const head = Number(await jsonRpc<string>(url, "eth_blockNumber"));
  if (head !== 0) throw new DevChainError(`replay target already has ${head} blocks`, { hint: fresh });

  let blocks = 0;
  let transactions = 0;
  let ops = 0;
  // Mined one journaled block at a time, at its own timestamp.
  await jsonRpc(url, "evm_setAutomine", [false]);
  try {
    for (const e of journal.entries) {
      if (e.kind === "op") {
        await jsonRpc(url, e.method, [...e.params]);
        ops++;
        continue;
      }
      const hashes: string[] = [];
      for (const raw of e.txs) hashes.push(await jsonRpc<string>(url, "eth_sendRawTransaction", [raw]));
      await jsonRpc(url, "evm_mine", [e.timestamp]);
      const mined = await jsonRpc<RpcBlockHeader>(url, "eth_getBlockByNumber", ["latest", false]);
      const diverged =
        Number(mined.number) !== e.number
          ? `mined block ${Number(mined.number)}`
          : mined.stateRoot !== e.stateRoot
            ? `state root ${mined.stateRoot}, journal ${e.stateRoot}`
            : mined.transactions.join() !== hashes.join()
              ? `transactions ${mined.transactions.join(",")}, journal ${hashes.join(",")}`
              : undefined;
      if (diverged)
        throw new DevChainError(`replay diverged at block ${e.number}: ${diverged}`, {
          hint: "the journal does not describe this chain (different genesis accounts or hardhat version?); start fresh",
        });
      blocks++;
      transactions += e.txs.length;
      onProgress?.(e.number, journal.lastBlock);
    }
  } finally {
    await jsonRpc(url, "evm_setAutomine", [true]);
  }
  return { blocks, transactions, ops, head: journal.lastBlock, ms: Date.now() - started };
}
