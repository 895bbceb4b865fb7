import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { ChainJournal } from "./ChainJournal.js";
import { DevChainError } from "./DevChainError.js";
import { jsonRpc, type JsonRpcRequest } from "./jsonRpc.js";
import { rawTransactionOf, type RpcTransaction } from "./rawTransaction.js";

/** Calls that can mine blocks: the new blocks are journaled before the caller gets its answer. */
const MINING = new Set(["eth_sendTransaction", "eth_sendRawTransaction", "evm_mine", "hardhat_mine"]);
/** State set without a block: journaled as ops and replayed in order between blocks. */
const OPS = new Set([
  "hardhat_setBalance",
  "hardhat_setCode",
  "hardhat_setNonce",
  "hardhat_setStorageAt",
  "hardhat_setNextBlockBaseFeePerGas",
  "hardhat_setCoinbase",
  "hardhat_setPrevRandao",
  "evm_setBlockGasLimit",
]);
/** History rewrites and unsigned senders: a journal of signed blocks cannot represent them. */
const REFUSED = new Set([
  "evm_snapshot",
  "evm_revert",
  "hardhat_reset",
  "hardhat_impersonateAccount",
  "hardhat_stopImpersonatingAccount",
  "hardhat_dropTransaction",
  "hardhat_dropAllTransactions",
  "debug_setHead",
]);

export interface JournalingRpcProxyOptions {
  /** The chain's own JSON-RPC URL (a hardhat node). */
  readonly upstream: string;
  readonly journal: ChainJournal;
  readonly host?: string;
  /** 0 (default) picks a free port. */
  readonly port?: number;
  /** Also journal blocks mined outside any request (interval mining), every this many ms (default 1000). */
  readonly pollMs?: number;
  /** Journal failures (disk full, a transaction that cannot be re-encoded). */
  readonly onError?: (error: Error) => void;
}

interface RpcBlock {
  readonly number: string;
  readonly timestamp: string;
  readonly stateRoot: string;
  readonly transactions: readonly RpcTransaction[];
}

/**
 * A JSON-RPC front for the local chain that writes every block (its timestamp and signed
 * transactions) and every state-setting call to a `ChainJournal` before it answers, so that a
 * restarted chain can be rebuilt by `replayJournal`. Reads pass straight through; requests that
 * change state are serialised, which keeps the journal in the chain's own order.
 */
export class JournalingRpcProxy {
  private queue: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private failure: Error | undefined;

  private constructor(
    private readonly o: JournalingRpcProxyOptions,
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(o: JournalingRpcProxyOptions): Promise<JournalingRpcProxy> {
    // The handler needs the proxy, the proxy needs the listening server: assigned once, below.
    // eslint-disable-next-line prefer-const
    let proxy!: JournalingRpcProxy;
    const server = createServer((req, res) => void proxy.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(o.port ?? 0, o.host ?? "127.0.0.1", () => resolve());
    });
    const { address, port } = server.address() as AddressInfo;
    proxy = new JournalingRpcProxy(o, server, `http://${address}:${port}`);
    await proxy.sync();
    proxy.timer = setInterval(() => void proxy.sync().catch(() => undefined), o.pollMs ?? 1_000);
    proxy.timer.unref();
    return proxy;
  }

  /** Journals every block mined since the last one journaled; returns the last block journaled. */
  sync(): Promise<number> {
    return this.serial(() => this.syncNow());
  }

  /** Stops accepting requests, journals what is left, closes the journal. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await new Promise<void>((r) => {
      this.server.close(() => r());
      this.server.closeAllConnections();
    });
    try {
      await this.sync();
    } finally {
      this.o.journal.close();
    }
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async syncNow(): Promise<number> {
    const j = this.o.journal;
    const head = Number(await jsonRpc<string>(this.o.upstream, "eth_blockNumber"));
    if (head < j.lastBlock)
      throw this.fail(
        new DevChainError(
          `the chain is at block ${head} but the journal already holds block ${j.lastBlock}`,
          {
            hint: "the chain behind the proxy was restarted without a replay; restart the local system",
          },
        ),
      );
    for (let n = j.lastBlock + 1; n <= head; n++) {
      const b = await jsonRpc<RpcBlock>(this.o.upstream, "eth_getBlockByNumber", [
        "0x" + n.toString(16),
        true,
      ]);
      try {
        j.appendBlock({
          number: n,
          timestamp: Number(b.timestamp),
          stateRoot: b.stateRoot,
          txs: b.transactions.map(rawTransactionOf),
        });
      } catch (e) {
        throw this.fail(e as Error);
      }
    }
    return j.lastBlock;
  }

  private fail(e: Error): Error {
    this.failure ??= e;
    this.o.onError?.(e);
    return e;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.method !== "POST") return reply(405, { error: "JSON-RPC over POST only" });
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    let body: JsonRpcRequest | JsonRpcRequest[];
    try {
      body = JSON.parse(text) as JsonRpcRequest | JsonRpcRequest[];
    } catch {
      return reply(200, { jsonrpc: "2.0", id: null, error: { code: -32700, message: "parse error" } });
    }
    const calls = Array.isArray(body) ? body : [body];
    const errorFor = (c: JsonRpcRequest, message: string) => ({
      jsonrpc: "2.0",
      id: c.id ?? null,
      error: { code: -32000, message },
    });
    // Once the journal has failed, state-changing calls stop: a chain ahead of its journal
    // could not be rebuilt. Reads still work so that clients can see what happened.
    const changing = calls.filter((c) => MINING.has(c.method) || OPS.has(c.method));
    if (this.failure && changing.length > 0) {
      const msg = `local chain journal failed (${this.failure.message}); state changes are refused`;
      return reply(200, Array.isArray(body) ? calls.map((c) => errorFor(c, msg)) : errorFor(calls[0]!, msg));
    }
    const refused = calls.find((c) => REFUSED.has(c.method));
    if (refused) {
      const msg = `${refused.method} is not available on the journaled local chain (a restart could not replay it)`;
      return reply(200, Array.isArray(body) ? calls.map((c) => errorFor(c, msg)) : errorFor(calls[0]!, msg));
    }
    if (Array.isArray(body) && calls.some((c) => OPS.has(c.method))) {
      const msg = "send state-setting hardhat_/evm_ calls one at a time, not in a batch";
      return reply(
        200,
        calls.map((c) => errorFor(c, msg)),
      );
    }
    try {
      if (changing.length === 0) return reply(200, await this.forward(text));
      const answer = await this.serial(async () => {
        if (OPS.has(calls[0]!.method)) await this.syncNow();
        const out = await this.forward(text);
        const op = calls[0]!;
        if (OPS.has(op.method) && !(out as { error?: unknown }).error) {
          try {
            this.o.journal.appendOp(op.method, op.params ?? []);
          } catch (e) {
            throw this.fail(e as Error);
          }
        }
        await this.syncNow();
        return out;
      });
      reply(200, answer);
    } catch (e) {
      const msg = `local chain proxy: ${(e as Error).message}`;
      reply(200, Array.isArray(body) ? calls.map((c) => errorFor(c, msg)) : errorFor(calls[0]!, msg));
    }
  }

  private async forward(text: string): Promise<unknown> {
    const r = await fetch(this.o.upstream, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: text,
    });
    return r.json();
  }
}
