import type { JournalHeader } from "./ChainJournal.js";
import { jsonRpc } from "./jsonRpc.js";

/** The header a new journal of the chain at `url` starts with: chain id and genesis block. */
export async function genesisOf(url: string): Promise<Omit<JournalHeader, "kind" | "version">> {
  const chainId = Number(await jsonRpc<string>(url, "eth_chainId"));
  const g = await jsonRpc<{ timestamp: string; stateRoot: string }>(url, "eth_getBlockByNumber", [
    "0x0",
    false,
  ]);
  return { chainId, genesisTime: Number(g.timestamp), genesisStateRoot: g.stateRoot };
}
