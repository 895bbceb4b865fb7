import { Transaction } from "ethers";
import { DevChainError } from "./DevChainError.js";

/** A transaction as `eth_getTransactionByHash` / `eth_getBlockByNumber(n, true)` return it. */
export interface RpcTransaction {
  readonly hash: string;
  readonly type?: string;
  readonly chainId?: string;
  readonly nonce: string;
  readonly to: string | null;
  readonly value: string;
  readonly input: string;
  readonly gas: string;
  readonly gasPrice?: string;
  readonly maxFeePerGas?: string;
  readonly maxPriorityFeePerGas?: string;
  readonly accessList?: ReadonlyArray<{ address: string; storageKeys: readonly string[] }>;
  readonly v?: string;
  readonly yParity?: string;
  readonly r: string;
  readonly s: string;
}

/**
 * The signed raw bytes of a mined transaction, rebuilt from its JSON-RPC fields (EDR has no
 * `eth_getRawTransactionByHash`). Checked: the bytes must hash to the transaction's hash, so a
 * transaction that cannot be re-broadcast (an impersonated sender, a blob transaction) is an
 * error here rather than a silently different chain after a replay.
 */
export function rawTransactionOf(t: RpcTransaction): string {
  const type = t.type === undefined ? 0 : Number(t.type);
  if (type !== 0 && type !== 1 && type !== 2)
    throw new DevChainError(`transaction ${t.hash} has type ${type}: only types 0, 1 and 2 can be journaled`);
  let tx: Transaction;
  try {
    tx = Transaction.from({
      type,
      ...(t.chainId === undefined ? {} : { chainId: BigInt(t.chainId) }),
      nonce: Number(t.nonce),
      to: t.to,
      value: BigInt(t.value),
      data: t.input,
      gasLimit: BigInt(t.gas),
      ...(type === 2
        ? { maxFeePerGas: BigInt(t.maxFeePerGas!), maxPriorityFeePerGas: BigInt(t.maxPriorityFeePerGas!) }
        : { gasPrice: BigInt(t.gasPrice!) }),
      ...(type === 0
        ? {}
        : { accessList: (t.accessList ?? []).map((a) => ({ ...a, storageKeys: [...a.storageKeys] })) }),
      signature: {
        r: t.r,
        s: t.s,
        ...(type === 0 ? { v: Number(t.v) } : { yParity: Number(t.yParity ?? t.v) as 0 | 1 }),
      },
    });
  } catch (e) {
    throw new DevChainError(`transaction ${t.hash} cannot be re-encoded: ${(e as Error).message}`, {
      hint: "only transactions signed by their sender can be journaled (no impersonated accounts)",
      cause: e,
    });
  }
  if (tx.hash !== t.hash)
    throw new DevChainError(
      `transaction ${t.hash} re-encodes to ${tx.hash}: its signature is not its own (impersonated sender?)`,
      { hint: "only transactions signed by their sender can be journaled (no impersonated accounts)" },
    );
  return tx.serialized;
}
