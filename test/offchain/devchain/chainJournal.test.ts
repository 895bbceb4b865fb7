import type { ChildProcess } from "node:child_process";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { JsonRpcProvider, Wallet, parseEther } from "ethers";
import { network } from "hardhat";
import { ChainJournal, readJournal } from "../../../offchain/devchain/ChainJournal.js";
import { DevChainError } from "../../../offchain/devchain/DevChainError.js";
import { genesisOf } from "../../../offchain/devchain/genesisOf.js";
import { jsonRpc } from "../../../offchain/devchain/jsonRpc.js";
import { startLocalNode } from "../../../offchain/devchain/localNode.js";
import { JournalingRpcProxy } from "../../../offchain/devchain/JournalingRpcProxy.js";
import { replayJournal } from "../../../offchain/devchain/replayJournal.js";
import { MockStable__factory } from "../../../types/ethers-contracts/index.js";

/** A local chain with its genesis pinned to `genesisTime`. */
const startNode = (genesisTime: number) => startLocalNode({ genesisTime });

function stop(c: ChildProcess): Promise<void> {
  return new Promise((r) => {
    if (c.exitCode !== null || c.signalCode !== null) return r();
    c.once("exit", () => r());
    c.kill("SIGKILL");
  });
}

interface Latest {
  number: string;
  stateRoot: string;
  timestamp: string;
}

describe("devchain: journaled local chain, replayed after a restart", function () {
  this.timeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), "sigil-devchain-"));
  const path = join(dir, "chain.jsonl");
  const genesisTime = Math.floor(Date.now() / 1000) - 3_600;
  const nodes: ChildProcess[] = [];
  let before: {
    head: Latest;
    token: string;
    supply: bigint;
    stranger: string;
    strangerBalance: bigint;
    burner: string;
    burnerBalance: bigint;
  };

  after(async () => {
    await Promise.all(nodes.map(stop));
    rmSync(dir, { recursive: true, force: true });
  });

  it("journals every block and state-setting call before answering, and refuses what it cannot replay", async () => {
    const a = await startNode(genesisTime);
    nodes.push(a.child);
    const journal = ChainJournal.create(path, await genesisOf(a.url));
    const proxy = await JournalingRpcProxy.start({ upstream: a.url, journal });
    const conn = await network.create({ network: "localhost", override: { url: proxy.url } });
    const [admin, holder] = await conn.ethers.getSigners();
    const token = await new MockStable__factory(admin).deploy();
    await token.waitForDeployment();
    await (await token.mint(await holder!.getAddress(), 1_000_000n)).wait();
    // A locally signed (raw) transaction from a key the node does not hold.
    const burner = Wallet.createRandom();
    await (await admin!.sendTransaction({ to: burner.address, value: parseEther("1") })).wait();
    const provider = new JsonRpcProvider(proxy.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
    await (
      await burner.connect(provider).sendTransaction({ to: await holder!.getAddress(), value: 12_345n })
    ).wait();
    // A state op and an empty block at a chosen time.
    const stranger = Wallet.createRandom().address;
    await jsonRpc(proxy.url, "hardhat_setBalance", [stranger, "0x1234"]);
    const head0 = await jsonRpc<Latest>(proxy.url, "eth_getBlockByNumber", ["latest", false]);
    await jsonRpc(proxy.url, "evm_mine", [Number(head0.timestamp) + 100]);

    // Each answered call is already on disk: the journal matches the chain without a further sync.
    const j = readJournal(path);
    const head = await jsonRpc<Latest>(a.url, "eth_getBlockByNumber", ["latest", false]);
    expect(j.lastBlock).to.equal(Number(head.number));
    expect(j.entries.filter((e) => e.kind === "op")).to.have.length(1);
    expect(
      j.entries.filter((e) => e.kind === "block").flatMap((e) => (e.kind === "block" ? e.txs : [])),
    ).to.have.length(4);

    for (const m of ["evm_snapshot", "hardhat_impersonateAccount"]) {
      const err = await jsonRpc(proxy.url, m, m === "evm_snapshot" ? [] : [stranger]).catch(
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(DevChainError);
      expect((err as Error).message).to.match(/not available on the journaled local chain/);
    }
    before = {
      head,
      token: await token.getAddress(),
      supply: await token.totalSupply(),
      stranger,
      strangerBalance: await provider.getBalance(stranger),
      burner: burner.address,
      burnerBalance: await provider.getBalance(burner.address),
    };
    provider.destroy();
    await conn.provider.close();
    await proxy.close();
    await stop(a.child);
  });

  it("a fresh node with the same genesis replays it block for block, state root for state root", async () => {
    // A torn last line (the proxy died mid-append) is dropped; nothing a client saw is lost.
    appendFileSync(path, '{"kind":"block","numb');
    const b = await startNode(genesisTime);
    nodes.push(b.child);
    const { journal, contents } = ChainJournal.open(path);
    expect(contents.tornTail).to.equal(true);
    const r = await replayJournal(b.url, contents);
    expect(r.head).to.equal(Number(before.head.number));
    expect(r.transactions).to.equal(4);
    expect(r.ops).to.equal(1);
    const head = await jsonRpc<Latest>(b.url, "eth_getBlockByNumber", ["latest", false]);
    expect(head.stateRoot).to.equal(before.head.stateRoot);
    expect(head.timestamp).to.equal(before.head.timestamp);

    // The same contract at the same address, and the chain goes on through a new proxy.
    const proxy = await JournalingRpcProxy.start({ upstream: b.url, journal });
    const conn = await network.create({ network: "localhost", override: { url: proxy.url } });
    const [admin] = await conn.ethers.getSigners();
    const token = MockStable__factory.connect(before.token, admin);
    expect(await token.totalSupply()).to.equal(before.supply);
    expect(await conn.ethers.provider.getBalance(before.burner)).to.equal(before.burnerBalance);
    expect(await conn.ethers.provider.getBalance(before.stranger)).to.equal(0x1234n);
    expect(before.strangerBalance).to.equal(0x1234n);
    await (await token.mint(before.burner, 5n)).wait();
    await conn.provider.close();
    await proxy.close();
    expect(readJournal(path).lastBlock).to.equal(Number(before.head.number) + 1);
    expect(readJournal(path).tornTail).to.equal(false);
  });

  it("refuses a target chain with another genesis, and stops at the first block that diverges", async () => {
    const other = await startNode(genesisTime + 1);
    nodes.push(other.child);
    const wrongGenesis = await replayJournal(other.url, readJournal(path)).catch((e: unknown) => e);
    expect(wrongGenesis).to.be.instanceOf(DevChainError);
    expect((wrongGenesis as Error).message).to.match(/genesis/);

    const lines = readFileSync(path, "utf8").trimEnd().split("\n");
    const i = lines.findIndex((l) => l.includes('"kind":"block"'));
    const tampered = { ...(JSON.parse(lines[i]!) as object), stateRoot: "0x" + "ab".repeat(32) };
    lines[i] = JSON.stringify(tampered);
    const bad = join(dir, "tampered.jsonl");
    writeFileSync(bad, lines.join("\n") + "\n");
    const c = await startNode(genesisTime);
    nodes.push(c.child);
    const diverged = await replayJournal(c.url, readJournal(bad)).catch((e: unknown) => e);
    expect(diverged).to.be.instanceOf(DevChainError);
    expect((diverged as Error).message).to.match(/diverged at block 1/);

    lines[i] = "not json";
    writeFileSync(bad, lines.join("\n") + "\n");
    expect(() => readJournal(bad)).to.throw(DevChainError, /line 2: not JSON/);
  });
});
