import {
  createPublicClient,
  custom,
  type Address,
  type EIP1193Provider,
  type Hex,
  type PublicClient,
} from "viem";
import type { KnownContract } from "./contracts.js";

/** One decoded event log. */
export interface ChainEvent {
  args: Record<string, unknown>;
  transactionHash: Hex;
  blockNumber: bigint;
  logIndex: number;
}

/** The chain reads a proposal review needs (a viem PublicClient behind it, or a fake in tests). */
export interface ChainReader {
  read(contract: KnownContract, functionName: string, args?: readonly unknown[]): Promise<unknown>;
  /** The code at `address` ("0x" or undefined for an account without code). */
  code(address: Address): Promise<Hex | undefined>;
  events(contract: KnownContract, eventName: string, fromBlock: bigint): Promise<ChainEvent[]>;
  transaction(hash: Hex): Promise<{ from: Address; to: Address | null }>;
}

/** A ChainReader over a viem public client. */
export function chainReaderOf(client: PublicClient): ChainReader {
  return {
    read: (c, functionName, args = []) =>
      client.readContract({ address: c.address, abi: c.abi, functionName, args } as Parameters<
        PublicClient["readContract"]
      >[0]),
    code: (address) => client.getCode({ address }),
    events: async (c, eventName, fromBlock) => {
      const logs = await client.getContractEvents({ address: c.address, abi: c.abi, eventName, fromBlock });
      return logs.map((l) => ({
        args: (l as unknown as { args: Record<string, unknown> }).args ?? {},
        transactionHash: l.transactionHash,
        blockNumber: l.blockNumber,
        logIndex: l.logIndex,
      }));
    },
    transaction: async (hash) => {
      const tx = await client.getTransaction({ hash });
      return { from: tx.from, to: tx.to };
    },
  };
}

/** A ChainReader over any EIP-1193 provider (a wallet, or Hardhat's in-process network in tests). */
export function chainReaderOfProvider(provider: {
  request(args: { method: string; params?: readonly unknown[] | object }): Promise<unknown>;
}): ChainReader {
  return chainReaderOf(
    createPublicClient({ transport: custom(provider as EIP1193Provider) }) as unknown as PublicClient,
  );
}
