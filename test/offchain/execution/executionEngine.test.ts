import { expect } from "chai";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { keccak256, toUtf8Bytes, Wallet } from "ethers";
import { clientOrderId } from "../../../offchain/execution/clientOrderId.js";
import { HttpReportSink } from "../../../offchain/execution/HttpReportSink.js";
import {
  PROPOSAL_AUTH_HEADERS,
  proposalAuthDomain,
  readProposalAuthHeaders,
  verifyProposalSignature,
} from "../../../offchain/protocol/proposalAuth.js";
import { ProposalSigner } from "../../../offchain/protocol/ProposalSigner.js";
import { Stream } from "../../../offchain/protocol/reportTypes.js";
import { ShadowTradingVenue } from "../../../offchain/execution/ShadowTradingVenue.js";
import { KillLevel } from "../../../offchain/strategy/KillLevel.js";
import { expectClose } from "../../helpers/expectClose.js";
import { makeHarness, signal, VAULT_ADDRESS } from "./harness.js";
import type { Harness } from "./harness.js";

describe("ExecutionEngine: accepted signals → orders → fills → reports", function () {
  let h: Harness;
  afterEach(function () {
    h.cleanup();
  });

  it("sizes target minus current, reports fills in protocol units, acks after a quiet cycle", async function () {
    h = makeHarness();
    h.signals.push(signal(7, { 0: 5000, 1: 3000 }));
    const first = await h.engine.tick();
    expect(first!.placed.map((o) => o.clientOrderId)).to.deep.equal(["sgs7l0a0", "sgs7l1a0"]);
    expect(first!.complete).to.equal(false);
    expectClose(h.ex.balances["BTC"], 0.1, 1e-12);
    expectClose(h.ex.balances["ETH"], 1.2, 1e-12);
    expect(h.sink.executions).to.have.length(1);
    const ex = h.sink.executions[0]!;
    expect(ex.signalSequence).to.equal(7n);
    expect(ex.fills.map((f) => [f.asset, f.quantityE8, f.priceE8, f.feeE8])).to.deep.equal([
      [0, 10_000_000n, 5_000_000_000_000n, 500_000_000n],
      [1, 120_000_000n, 250_000_000_000n, 300_000_000n],
    ]);
    expect(ex.fills[0]!.orderRef).to.equal(keccak256(toUtf8Bytes("sgs7l0a0")));
    expect(ex.fills[0]!.timestamp).to.equal(BigInt(Math.floor(h.clock.now() / 1000)));
    const second = await h.engine.tick();
    // Fees shrank NAV a little: the remaining differences are below the step or min notional.
    expect(second!.placed).to.have.length(0);
    expect(second!.dust).to.deep.equal(["ETH/USDT"]);
    expect(second!.complete).to.equal(true);
    expect(await h.signals.next()).to.deep.equal([]);
    expect(h.sink.executions).to.have.length(1); // nothing reported twice
  });

  it("derives client order ids deterministically and persists the intent before the POST", async function () {
    expect(clientOrderId("sg", 42, 3, 1)).to.equal("sgs42l3a1");
    expect(() => clientOrderId("s-g", 1, 0, 0)).to.throw(/letters/);
    h = makeHarness();
    let seenBeforePost: string | undefined;
    const original = h.ex.createOrder.bind(h.ex);
    h.ex.createOrder = async (...args) => {
      seenBeforePost = h.store.order(String(args[5]!["clientOrderId"]))?.status;
      return original(...args);
    };
    h.signals.push(signal(1, { 0: 2000 }));
    await h.engine.tick();
    expect(seenBeforePost).to.equal("pending");
    expect(h.store.order("sgs1l0a0")!.status).to.equal("closed");
  });

  it("refuses legs that break order or asset limits, and shorts on spot, with typed reasons", async function () {
    h = makeHarness({ cash: 100_000 });
    h.signals.push(signal(1, { 0: 9000, 1: -1000 }));
    const r = await h.engine.tick();
    expect(r!.placed).to.have.length(0);
    const kinds = r!.refusals.map((x) => x.kind).sort();
    expect(kinds).to.deep.equal(["order-notional", "short-not-supported"]);
    const n = r!.refusals.find((x) => x.kind === "order-notional")!;
    expect(n).to.include({ symbol: "BTC/USDT", limit: 8_000 });
    expect(h.ex.calls["createOrder"] ?? 0).to.equal(0);
  });

  it("partial fills: position is the sum of fills, the rest is re-sized next cycle, dust is not chased", async function () {
    h = makeHarness();
    h.ex.liquidity["BTC/USDT"] = 0.06;
    h.signals.push(signal(3, { 0: 5000 }));
    await h.engine.tick();
    expect(h.store.order("sgs3l0a0")!.status).to.equal("canceled");
    expectClose(h.store.order("sgs3l0a0")!.filled, 0.06, 1e-12);
    delete h.ex.liquidity["BTC/USDT"];
    const second = await h.engine.tick();
    expect(second!.placed.map((o) => o.clientOrderId)).to.deep.equal(["sgs3l0a1"]);
    expectClose(second!.placed[0]!.quantity, 0.0399, 1e-9); // target 0.0999 (NAV after fees) − 0.06
    const third = await h.engine.tick();
    expect(third!.complete).to.equal(true);
    const reported = h.sink.executions.flatMap((e) => e.fills).reduce((s, f) => s + f.quantityE8, 0n);
    expect(reported).to.equal(9_990_000n);
    expectClose(h.ex.balances["BTC"], 0.0999, 1e-12);
  });

  it("gives a leg up after maxAttemptsPerLeg instead of chasing it forever", async function () {
    h = makeHarness({ maxAttemptsPerLeg: 2 });
    h.ex.liquidity["BTC/USDT"] = 0.01;
    h.signals.push(signal(3, { 0: 5000 }));
    await h.engine.tick();
    await h.engine.tick();
    const r = await h.engine.tick();
    expect(r!.refusals).to.deep.include({ kind: "attempts-exhausted", symbol: "BTC/USDT", attempts: 2 });
    expect(r!.complete).to.equal(true);
    expect(h.ex.calls["createOrder"]).to.equal(2);
  });

  it("cancels and replaces a stale limit order at a fresh price", async function () {
    h = makeHarness({ orderType: "limit", staleOrderMs: 30_000 });
    h.signals.push(signal(2, { 1: 5000 }));
    await h.engine.tick();
    expect(h.store.order("sgs2l1a0")!.status).to.equal("open");
    h.ex.fillOpen("ETH/USDT", 0.5); // half fills at 2500
    h.clock.advance(10_000);
    const waiting = await h.engine.tick();
    expect(waiting!.working).to.deep.equal(["sgs2l1a0"]);
    h.ex.prices["ETH/USDT"] = 2_400;
    h.clock.advance(30_000);
    const replaced = await h.engine.tick();
    expect(h.store.order("sgs2l1a0")!.status).to.equal("canceled");
    expect(replaced!.placed.map((o) => [o.clientOrderId, o.limitPrice])).to.deep.equal([["sgs2l1a1", 2_400]]);
    expectClose(h.store.order("sgs2l1a0")!.filled, 1, 1e-12);
  });

  it("shadow mode places nothing and records what the book would have filled", async function () {
    h = makeHarness({
      venue: ({ store, venue }) => new ShadowTradingVenue(venue, store, { cash: 10_000, positions: {} }),
    });
    h.signals.push(signal(5, { 0: 5000 }));
    const r = await h.engine.tick();
    expect(r!.placed).to.have.length(1);
    expect(h.ex.calls["createOrder"] ?? 0).to.equal(0);
    const [s] = h.store.shadowFills();
    expect(s).to.include({ clientOrderId: "sgs5l0a0", symbol: "BTC/USDT", side: "buy" });
    expectClose(s!.filledQuantity, 0.1, 1e-12);
    expectClose(s!.averagePrice, 50_000 * 1.0001, 1e-6); // 0.1 fits in the first ask level
    expect(h.sink.executions).to.have.length(0); // shadow fills never become on-chain reports
    expect((await h.engine.tick())!.complete).to.equal(true);
  });

  it("retries a failed report next tick and posts JSON to an HTTP sink, each attempt signed by the engine", async function () {
    h = makeHarness();
    h.sink.failNext = 1;
    h.signals.push(signal(1, { 0: 2000 }));
    await h.engine.tick();
    expect(h.sink.executions).to.have.length(0);
    await h.engine.tick();
    expect(h.sink.executions).to.have.length(1);
    const bodies: { url: string; body: string; headers: IncomingHttpHeaders }[] = [];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        bodies.push({ url: req.url!, body, headers: req.headers });
        res.writeHead(bodies.length === 1 ? 503 : 200).end("{}");
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const engine = new Wallet(keccak256(toUtf8Bytes("sink-test-engine")));
      const node = new Wallet(keccak256(toUtf8Bytes("sink-test-node")));
      const domain = proposalAuthDomain(31337n, "0x" + "11".repeat(20));
      const sink = new HttpReportSink({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        signer: new ProposalSigner(engine, domain),
        audience: node.address,
        headers: { [PROPOSAL_AUTH_HEADERS.signature]: "0x00" }, // cannot replace the envelope's
      });
      let failed: unknown;
      await sink.submitExecution(h.sink.executions[0]!).catch((e: unknown) => (failed = e));
      expect(failed).to.have.property("retryable", true);
      await sink.submitExecution(h.sink.executions[0]!);
      expect(bodies[1]!.url).to.equal("/execution");
      expect(JSON.parse(bodies[1]!.body)).to.deep.include({ signalSequence: "1" });
      // Each attempt is signed by the engine for that node, over the exact bytes, with a new nonce.
      for (const b of bodies) {
        const read = readProposalAuthHeaders((n) => b.headers[n]);
        expect(read.ok, JSON.stringify(b.headers)).to.equal(true);
        if (!read.ok) continue;
        expect(read.auth.proposer).to.equal(engine.address);
        expect(read.auth.audience).to.equal(node.address);
        expect(verifyProposalSignature(domain, Stream.Execution, toUtf8Bytes(b.body), read.auth)).to.equal(
          true,
        );
        expect(verifyProposalSignature(domain, Stream.Nav, toUtf8Bytes(b.body), read.auth)).to.equal(false);
      }
      expect(bodies[0]!.headers[PROPOSAL_AUTH_HEADERS.nonce]).to.not.equal(
        bodies[1]!.headers[PROPOSAL_AUTH_HEADERS.nonce],
      );
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it("Flatten raised after a restart, with no new signal, still closes every position at market", async function () {
    h = makeHarness({ orderType: "limit" });
    h.signals.push(signal(4, { 0: 3000, 1: 3000 }));
    await h.engine.tick();
    h.ex.fillOpen("BTC/USDT");
    h.ex.fillOpen("ETH/USDT");
    await h.engine.tick();
    const engine = h.restart();
    h.kill.level = KillLevel.Flatten;
    const r = await engine.tick();
    expect(r!.placed.map((o) => [o.symbol, o.side, o.type, o.reason])).to.deep.equal([
      ["BTC/USDT", "sell", "market", "kill-switch"],
      ["ETH/USDT", "sell", "market", "kill-switch"],
    ]);
    expect(h.ex.balances["BTC"]).to.equal(0);
    expect(h.ex.balances["ETH"]).to.equal(0);
  });

  it("epoch end: venue equity marked at venue prices becomes a NAV payload", async function () {
    h = makeHarness();
    h.signals.push(signal(1, { 0: 5000 }));
    await h.engine.tick();
    h.ex.prices["BTC/USDT"] = 60_000;
    const nav = await h.engine.reportNav(3);
    // 10 000 − 5 000 − 5 fee + 0.1 · 60 000
    expect(nav.venueEquity).to.equal(10_995_000_000n);
    expect(nav.epoch).to.equal(3n);
    expect(nav.vault).to.equal(VAULT_ADDRESS);
    expect([nav.custodySent, nav.custodyReturned]).to.deep.equal([0n, 0n]);
    expect(h.sink.navs).to.deep.equal([nav]);
  });

  it("epoch end: the NAV payload carries the custody transfers the venue's ledger shows, across pages", async function () {
    h = makeHarness();
    // 150 custody credits of 100.5 and 120 debits of 0.25 (more than one 100-bill page each).
    for (let i = 0; i < 150; i++) {
      h.ex.custody("in", 100.5);
      if (i < 120) h.ex.custody("out", 0.25);
      if (i % 7 === 0) h.clock.advance(1_000);
    }
    const nav = await h.engine.reportNav(4);
    expect(nav.custodySent).to.equal(15_075_000_000n);
    expect(nav.custodyReturned).to.equal(30_000_000n);
    expect(nav.venueEquity).to.equal(25_045_000_000n); // 10 000 + 15 075 − 30
  });

  it("epoch end: refuses to value for a NAV report without a vault to name", async function () {
    h = makeHarness({ vault: undefined });
    let err: unknown;
    await h.engine.reportNav(1).catch((e: unknown) => (err = e));
    expect(String(err)).to.match(/no vault configured/);
  });
});
