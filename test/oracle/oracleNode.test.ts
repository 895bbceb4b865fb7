import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import { proposalPath } from "../../offchain/protocol/proposalAuth.js";
import { Stream } from "../../offchain/protocol/reportTypes.js";
import { fillHash, packSignatures, reportDigest, signReport } from "../../offchain/protocol/signatures.js";
import { reportDomain } from "../../offchain/protocol/reportTypes.js";
import { packTargets } from "../../offchain/protocol/targets.js";
import { priceToE8 } from "../../offchain/protocol/units.js";
import { SignatureGossip } from "../../oracle/gossip/SignatureGossip.js";
import type { OracleNode } from "../../oracle/node/OracleNode.js";
import { reportToJson } from "../../oracle/proposals/reportSchemas.js";
import type { DecisionRecomputer } from "../../oracle/recompute/DecisionRecomputer.js";
import {
  metricValue,
  NATS_URL,
  startOracleHarness,
  waitFor,
  type OracleHarness,
} from "./helpers/oracleHarness.js";

// Proposal bodies and JSON answers are poked field by field (to break exactly one check each).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = Record<string, any>;

describe("oracle nodes (in-process, 2-of-3 over NATS)", function () {
  this.timeout(120_000);
  let h: OracleHarness;
  let nodes: OracleNode[]; // nodes[i] runs sorted operator i

  before(async () => {
    h = await startOracleHarness();
    nodes = [];
    for (let i = 0; i < 3; i++) nodes.push(await h.startNode(h.keystoreIndexOf(i)));
  });
  after(async () => {
    await h?.close();
  });

  const ledgerSeq = async () => (await h.contracts.ledger.sequences())[0];
  const nextSignalSeq = async () => (await ledgerSeq()) + 1n;
  const accepted = async (seq: bigint) =>
    (await h.contracts.ledger.queryFilter(h.contracts.ledger.filters.SignalAccepted(seq))).length;

  it("signs a signal proposal on every node, gathers 2-of-3 over NATS and gets it accepted on-chain", async () => {
    const seq = await nextSignalSeq();
    const { body } = await h.signalProposal(seq, [
      [0, 2_000],
      [1, 1_500],
    ]);
    const res = await h.proposeTo(nodes, Stream.Signal, body);
    for (const r of res) expect(r.status, JSON.stringify(r.body)).to.equal(200);
    await waitFor(async () => (await ledgerSeq()) >= seq);
    expect(await accepted(seq)).to.equal(1);
    expect(await h.contracts.ledger.currentTargets()).to.equal(
      packTargets([
        [0, 2_000],
        [1, 1_500],
      ]),
    );
    const leader = nodes[Number(seq % 3n)]!;
    await waitFor(
      async () => (await metricValue(leader, "oracle_reports_submitted_total", { outcome: "mined" })) === 1,
    );
    for (const n of nodes)
      expect(await metricValue(n, "oracle_reports_signed_total", { stream: "signal" })).to.equal(1);
  });

  it("still submits with one node down: the next node in line takes over from a missing leader", async () => {
    const seq = await nextSignalSeq();
    const leaderIndex = Number(seq % 3n);
    const up = nodes.filter((_, i) => i !== leaderIndex);
    const { body } = await h.signalProposal(seq, [[2, 1_000]]);
    // The leader gets no proposal (as if down); the other two sign and the next in line submits.
    const res = await h.proposeTo(up, Stream.Signal, body);
    for (const r of res) expect(r.status).to.equal(200);
    await waitFor(async () => (await ledgerSeq()) >= seq);
    expect(await accepted(seq)).to.equal(1);
    const next = nodes[(leaderIndex + 1) % 3]!;
    await waitFor(
      async () =>
        (await metricValue(next, "oracle_reports_submitted_total", { stream: "signal", outcome: "mined" })) >=
        1,
    );
    // The third node, later in line, finds it on-chain and sends nothing.
    const last = nodes[(leaderIndex + 2) % 3]!;
    await waitFor(
      async () =>
        (await metricValue(last, "oracle_reports_submitted_total", {
          stream: "signal",
          outcome: "already_done",
        })) >= 1,
    );
  });

  it("ignores a rogue operator's garbage and different-decision signatures; the honest quorum lands", async () => {
    const seq = await nextSignalSeq();
    const leaderIndex = Number(seq % 3n);
    const rogueIndex = (leaderIndex + 2) % 3; // not the leader, not the next in line
    const honest = nodes.filter((_, i) => i !== rogueIndex);
    const rogue = h.walletAt(rogueIndex);
    const { report, body } = await h.signalProposal(seq, [[3, 500]]);
    const other = { ...report, signal: { ...report.signal, targets: packTargets([[3, 4_000]]) } };
    const domain = reportDomain(BigInt(h.deployment.chainId), h.sigilDeployment.registry);
    const gossip = await SignatureGossip.connect([NATS_URL], h.deploymentId, "rogue");
    try {
      const conflicting = await signReport(rogue, Stream.Signal, domain, other);
      const rogueOnReal = await signReport(rogue, Stream.Signal, domain, report);
      const garbage = "0x" + "11".repeat(64) + "1b";
      gossip.publish({
        v: 1,
        stream: Stream.Signal,
        sequence: seq.toString(),
        report: reportToJson(report),
        signer: rogue.address,
        signature: garbage,
      });
      gossip.publish({
        v: 1,
        stream: Stream.Signal,
        sequence: seq.toString(),
        report: reportToJson(other),
        signer: rogue.address,
        signature: conflicting.signature,
      });
      gossip.publish({
        v: 1,
        stream: Stream.Signal,
        sequence: seq.toString(),
        report: { nonsense: true },
        signer: rogue.address,
        signature: garbage,
      });
      gossip.publish({
        v: 1,
        stream: Stream.Signal,
        sequence: seq.toString(),
        report: reportToJson(report),
        signer: rogue.address,
        signature: rogueOnReal.signature,
      });
      await gossip.flush();
      const leader = nodes[leaderIndex]!;
      await waitFor(
        async () =>
          (await metricValue(leader, "oracle_signatures_ignored_total", { reason: "bad_signature" })) >= 1,
      );
      await waitFor(
        async () =>
          (await metricValue(leader, "oracle_signatures_ignored_total", { reason: "malformed" })) >= 1,
      );

      const res = await h.proposeTo(honest, Stream.Signal, body);
      for (const r of res) expect(r.status).to.equal(200);
      await waitFor(async () => (await ledgerSeq()) >= seq);
      expect(await accepted(seq)).to.equal(1);
      expect(
        await metricValue(leader, "oracle_signatures_ignored_total", { reason: "conflicting_payload" }),
      ).to.be.greaterThan(0);
      // Signing both is slashable equivocation: every node sees it.
      expect(await metricValue(leader, "oracle_equivocations_seen_total")).to.equal(1);

      // Packed with an honest signature, the rogue's signature over another decision fails on-chain.
      const honestSig = { signer: String(res[0]!.body.signer), signature: String(res[0]!.body.signature) };
      const mixed = packSignatures([honestSig, { signer: rogue.address, signature: conflicting.signature }]);
      const next = { ...report, sequence: seq + 1n };
      await expect(h.contracts.ledger.submitSignal.staticCall(next, mixed)).to.be.revert(h.ethers);
      expect(reportDigest(Stream.Signal, domain, other)).to.not.equal(
        reportDigest(Stream.Signal, domain, report),
      );
    } finally {
      await gossip.close();
    }
  });

  it("refuses proposals that fail a check, with a typed reason, and counts each", async () => {
    const n = nodes[0]!;
    const seq = await nextSignalSeq();
    const cases: Array<[string, (b: Loose) => void, number]> = [
      ["schema", (b) => (b.report.extra = 1), 400],
      ["config_digest", (b) => (b.report.configDigest = "0x" + "ab".repeat(32)), 422],
      ["stale_sequence", (b) => (b.report.sequence = "1"), 422],
      ["deadline_too_far", (b) => (b.report.deadline = String(Math.floor(Date.now() / 1000) + 86_400)), 422],
      [
        "timestamp_too_old",
        (b) => (b.report.signal.timestamp = String(Math.floor(Date.now() / 1000) - 7_200)),
        422,
      ],
      ["feed_deviation", (b) => (b.context.referencePrices[0].priceE8 = "4000000000000"), 422],
      ["reference_price_missing", (b) => (b.context.referencePrices = []), 422],
      ["risk_policy", (b) => (b.report.signal.targets = packTargets([[0, 5_000]]).toString()), 422],
      ["recompute_unavailable", (b) => (b.report.signal.flags = 1), 422],
    ];
    for (const [reason, mutate, status] of cases) {
      const { body } = await h.signalProposal(seq, [[0, 1_000]]);
      mutate(body as Loose);
      const r = await h.post(n, Stream.Signal, body);
      expect(r.status, reason).to.equal(status);
      expect(r.body.refused, reason).to.equal(reason);
      expect(await metricValue(n, "oracle_reports_refused_total", { reason })).to.equal(1);
    }
    // The venue's ticker disagrees with the reference price (while the feed agrees).
    h.venue.prices.set(0, 40_000n * 10n ** 8n);
    try {
      const { body } = await h.signalProposal(seq, [[0, 1_000]]);
      const r = await h.post(n, Stream.Signal, body);
      expect(r.body.refused).to.equal("ticker_deviation");
    } finally {
      h.venue.prices.set(0, 42_000n * 10n ** 8n);
    }
    expect(await ledgerSeq()).to.equal(seq - 1n);
  });

  it("re-computes signals where a recomputer is configured: signs a match, refuses a mismatch", async () => {
    const seq = await nextSignalSeq();
    const weights: Array<[number, number]> = [[1, 2_500]];
    let answer = packTargets(weights);
    const recomputer: DecisionRecomputer = {
      recompute: async () => ({ kind: "deterministic", targets: answer }),
    };
    const node = await h.startNode(h.keystoreIndexOf(0), {
      dataDir: `${h.dir}/recompute-node`,
      recomputer,
      deploymentId: "isolated-recompute",
    });
    try {
      const { body } = await h.signalProposal(seq, weights, { flags: 1 });
      answer = packTargets([[1, 2_400]]);
      const bad = await h.post(node, Stream.Signal, body);
      expect(bad.body.refused).to.equal("recompute_mismatch");
      answer = packTargets(weights);
      const good = await h.post(node, Stream.Signal, body);
      expect(good.status).to.equal(200);
    } finally {
      await node.stop();
    }
  });

  it("never signs a conflicting payload for a sequence it signed before a restart", async () => {
    const seq = (await nextSignalSeq()) + 5n; // far ahead, so nothing submits it in between
    const idx = 1;
    const dataDir = `${h.dir}/restart-node`;
    const first = await h.startNode(h.keystoreIndexOf(idx), { dataDir, deploymentId: "isolated-restart" });
    const { body, report } = await h.signalProposal(seq, [[0, 1_000]]);
    const signed = await h.post(first, Stream.Signal, body);
    expect(signed.status).to.equal(200);
    await first.stop();

    const second = await h.startNode(h.keystoreIndexOf(idx), { dataDir, deploymentId: "isolated-restart" });
    try {
      const conflicting = await h.signalProposal(seq, [[0, 1_200]]);
      const refused = await h.post(second, Stream.Signal, conflicting.body);
      expect(refused.status).to.equal(409);
      expect(refused.body.refused).to.equal("equivocation");
      // The identical report is re-signed idempotently: the same signature as before the restart.
      const again = await h.post(second, Stream.Signal, {
        ...body,
        report: reportToJson(report),
      });
      expect(again.status).to.equal(200);
      expect(again.body.signature).to.equal(signed.body.signature);
      // The same payload with a later deadline restates it (not slashable): signed anew.
      const later = { ...report, deadline: report.deadline + 30n };
      const restated = await h.post(second, Stream.Signal, {
        ...body,
        report: reportToJson(later),
      });
      expect(restated.status).to.equal(200);
      expect(restated.body.signature).to.not.equal(signed.body.signature);
    } finally {
      await second.stop();
    }
  });

  it("loses nothing and duplicates nothing while the RPC endpoint is down, then back", async () => {
    const seq = await nextSignalSeq();
    const leader = nodes[Number(seq % 3n)]!;
    const { body } = await h.signalProposal(seq, [[0, 1_000]], { deadlineIn: 300n });
    const submittedBy = (n: OracleNode) =>
      metricValue(n, "oracle_reports_submitted_total", { stream: "signal" });
    const submittedBefore = await Promise.all(nodes.map(submittedBy));
    let minedBefore = 0;
    for (const n of nodes)
      minedBefore += await metricValue(n, "oracle_reports_submitted_total", {
        stream: "signal",
        outcome: "mined",
      });
    // Checks can read the chain; every transaction path fails, as if the endpoint died after signing.
    for (const m of ["eth_estimateGas", "eth_sendRawTransaction", "eth_getTransactionCount"])
      h.proxy.blocked.add(m);
    try {
      const res = await h.proposeTo(nodes, Stream.Signal, body);
      for (const r of res) expect(r.status).to.equal(200);
      await waitFor(async () => (await metricValue(leader, "oracle_submit_retries_total")) >= 2);
      h.proxy.down = true; // now nothing answers at all
      const before = await metricValue(leader, "oracle_submit_retries_total");
      await waitFor(async () => (await metricValue(leader, "oracle_submit_retries_total")) > before + 1);
      expect((await h.contracts.ledger.sequences())[0]).to.equal(seq - 1n);
    } finally {
      h.proxy.down = false;
      h.proxy.blocked.clear();
    }
    await waitFor(async () => (await ledgerSeq()) >= seq);
    // Every node in line eventually sees it done; exactly one acceptance, exactly one transaction mined.
    for (const [i, n] of nodes.entries()) {
      await waitFor(async () => (await submittedBy(n)) >= submittedBefore[i]! + 1);
    }
    expect(await accepted(seq)).to.equal(1);
    let mined = 0;
    for (const n of nodes)
      mined += await metricValue(n, "oracle_reports_submitted_total", { stream: "signal", outcome: "mined" });
    expect(mined).to.equal(minedBefore + 1);
    for (const n of nodes) expect(await metricValue(n, "oracle_submit_failures_total")).to.equal(0);
  });

  it("lands an earlier sequence first when a later one is ready sooner (none skipped)", async () => {
    // Separate nodes with a long fall-over so only the leaders act; the transaction path is blocked
    // while both reports gather their quorums, then released.
    const group: OracleNode[] = [];
    for (let i = 0; i < 3; i++) {
      group.push(
        await h.startNode(h.keystoreIndexOf(i), {
          dataDir: `${h.dir}/ordering-${i}`,
          deploymentId: "isolated-ordering",
          failoverMs: 10_000,
        }),
      );
    }
    try {
      const k = await nextSignalSeq();
      const leaderK = group[Number(k % 3n)]!;
      h.proxy.blocked.add("eth_sendRawTransaction");
      try {
        const first = await h.signalProposal(k, [[0, 1_000]]);
        for (const r of await h.proposeTo(group, Stream.Signal, first.body)) expect(r.status).to.equal(200);
        await waitFor(async () => (await metricValue(leaderK, "oracle_submit_retries_total")) >= 1);
        const second = await h.signalProposal(k + 1n, [[0, 1_100]]);
        for (const r of await h.proposeTo(group, Stream.Signal, second.body)) expect(r.status).to.equal(200);
        await new Promise((r) => setTimeout(r, 300)); // let the second leader reach its guard
      } finally {
        h.proxy.blocked.clear();
      }
      await waitFor(async () => (await ledgerSeq()) >= k + 1n);
      expect(await accepted(k)).to.equal(1);
      expect(await accepted(k + 1n)).to.equal(1);
    } finally {
      await Promise.all(group.map((n) => n.stop()));
    }
  });

  it("carries a NAV report end to end against the venue's equity", async () => {
    const seq = (await h.contracts.vault.navSequence()) + 1n;
    const epoch = await h.contracts.vault.currentEpoch();
    const { body } = await h.navProposal(seq, 0n);
    const res = await h.proposeTo(nodes, Stream.Nav, body);
    for (const r of res) expect(r.status, JSON.stringify(r.body)).to.equal(200);
    await waitFor(async () => (await h.contracts.vault.navSequence()) >= seq);
    expect(await h.contracts.vault.currentEpoch()).to.equal(epoch + 1n);

    h.venue.equityValue = 5_000n * 10n ** 6n;
    const wrong = await h.navProposal(seq + 1n, 4_000n * 10n ** 6n);
    const r = await h.post(nodes[0]!, Stream.Nav, wrong.body);
    expect(r.body.refused).to.equal("equity_mismatch");
    h.venue.equityValue = 0n;
  });

  it("refuses a NAV report the vault would revert or the venue does not back: another vault, custody the ledger does not show, a valuation before the cut-off", async () => {
    const seq = (await h.contracts.vault.navSequence()) + 1n;
    const reasons = async (mutate: (nav: Record<string, unknown>) => void) => {
      const { body } = await h.navProposal(seq, 0n);
      mutate((body.report as { nav: Record<string, unknown> }).nav);
      const r = await h.post(nodes[0]!, Stream.Nav, body);
      expect(r.status, JSON.stringify(r.body)).to.equal(422);
      return r.body.refused;
    };
    expect(await reasons((n) => (n.vault = "0x000000000000000000000000000000000000dEaD"))).to.equal(
      "wrong_vault",
    );
    // The venue's ledger shows no custody; a report claiming some is not backed by it.
    expect(await reasons((n) => (n.custodyReturned = "5000000"))).to.equal("custody_mismatch");
    // More credited than the vault ever sent: the vault would revert it, the node refuses first.
    expect(await reasons((n) => (n.custodySent = "1"))).to.equal("custody_mismatch");
    const [, cutoff] = await (
      await h.ethers.getContractAt("EpochBook", await h.contracts.vault.epochBook())
    ).epochState();
    expect(await reasons((n) => (n.timestamp = (cutoff - 1n).toString()))).to.be.oneOf([
      "valued_before_cutoff",
      "timestamp_too_old",
      "timestamp_out_of_order",
    ]);
    expect(await h.contracts.vault.navSequence(), "nothing landed").to.equal(seq - 1n);
  });

  it("carries an execution report end to end against the venue's fills", async () => {
    const signalSeq = (await h.contracts.ledger.sequences())[2]; // last accepted signal
    const seq = (await h.contracts.ledger.sequences())[1] + 1n;
    const { body } = await h.executionProposal(seq, signalSeq, [
      { asset: 3, quantityE8: 10n ** 8n, orderId: `o-${seq}` },
    ]);
    const res = await h.proposeTo(nodes, Stream.Execution, body);
    for (const r of res) expect(r.status, JSON.stringify(r.body)).to.equal(200);
    await waitFor(async () => (await h.contracts.ledger.sequences())[1] >= seq);
    const recorded = await h.contracts.ledger.queryFilter(h.contracts.ledger.filters.TradeRecorded(seq));
    expect(recorded.length).to.equal(1);

    // A fill the venue does not know is refused.
    const bogus = await h.executionProposal(seq + 1n, signalSeq, [
      { asset: 3, quantityE8: 10n ** 8n, orderId: `x-${seq}` },
    ]);
    h.venue.fills.delete(`venue-x-${seq}`);
    const r = await h.post(nodes[0]!, Stream.Execution, bogus.body);
    expect(r.body.refused).to.equal("fill_mismatch");
  });

  it("refuses an execution report that would record a fill again, or carries one fill twice", async () => {
    const signalSeq = (await h.contracts.ledger.sequences())[2];
    const seq = (await h.contracts.ledger.sequences())[1] + 1n;
    const landed = await h.executionProposal(seq, signalSeq, [
      { asset: 3, quantityE8: 2n * 10n ** 8n, orderId: `d-${seq}` },
    ]);
    for (const r of await h.proposeTo(nodes, Stream.Execution, landed.body))
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
    await waitFor(async () => (await h.contracts.ledger.sequences())[1] >= seq);

    // The engine crashed before marking it and re-sends it (plus a new fill) under the next sequence.
    const fresh = await h.executionProposal(seq + 1n, signalSeq, [
      { asset: 3, quantityE8: 10n ** 8n, orderId: `e-${seq}` },
    ]);
    const again = {
      ...fresh.report,
      execution: {
        signalSequence: signalSeq,
        fills: [...fresh.report.execution.fills, ...landed.report.execution.fills],
      },
    };
    const body = {
      report: reportToJson(again),
      context: { orders: [...fresh.body.context.orders, ...landed.body.context.orders] },
    };
    const n = nodes[1]!;
    const r = await h.post(n, Stream.Execution, body);
    expect(r.status).to.equal(422);
    expect(r.body.refused).to.equal("fill_already_recorded");
    expect(String(r.body.detail)).to.include("fill 1").and.include(`execution ${seq}`);
    expect(
      await metricValue(n, "oracle_reports_refused_total", { reason: "fill_already_recorded" }),
    ).to.equal(1);

    // The same fill twice in one report.
    const twice = await h.executionProposal(seq + 1n, signalSeq, [
      { asset: 3, quantityE8: 10n ** 8n, orderId: `t-${seq}` },
      { asset: 3, quantityE8: 10n ** 8n, orderId: `t-${seq}` },
    ]);
    const d = await h.post(n, Stream.Execution, twice.body);
    expect(d.body.refused).to.equal("duplicate_fill");
    expect(String(d.body.detail)).to.include("fill 1 repeats fill 0");
    expect(await metricValue(n, "oracle_reports_refused_total", { reason: "duplicate_fill" })).to.equal(1);

    // Neither was signed: the fill was recorded once, and the new fill still goes through on its own.
    expect(
      (await h.contracts.ledger.queryFilter(h.contracts.ledger.filters.TradeRecorded(undefined, signalSeq)))
        .map((e) => e.args.fillHash)
        .filter((x) => x === fillHash(landed.report.execution.fills[0]!)),
    ).to.have.length(1);
    for (const res of await h.proposeTo(nodes, Stream.Execution, fresh.body))
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
    await waitFor(async () => (await h.contracts.ledger.sequences())[1] >= seq + 1n);
  });

  it("checks fills trade by trade: an order filled in several trades, identical trades merged, no trade claimed twice", async () => {
    const signalSeq = (await h.contracts.ledger.sequences())[2];
    const seq = (await h.contracts.ledger.sequences())[1] + 1n;
    // Header fields and a fill time from the harness (its own order is not part of what is sent).
    const base = await h.executionProposal(seq, signalSeq, [
      { asset: 3, quantityE8: 10n ** 8n, orderId: `h-${seq}` },
    ]);
    const ts = base.report.execution.fills[0]!.timestamp;
    const trade = (order: string, quantityE8: bigint, price: number, feeE8: bigint, timestamp = ts) => ({
      venueOrderId: `venue-${order}`,
      clientOrderId: `client-${order}`,
      asset: 3,
      quantityE8,
      priceE8: priceToE8(price),
      feeE8,
      timestamp,
    });
    type Trade = ReturnType<typeof trade>;
    const body = (fills: Trade[]) => ({
      report: reportToJson({
        ...base.report,
        execution: {
          signalSequence: signalSeq,
          fills: fills.map((t) => ({
            asset: t.asset,
            quantityE8: t.quantityE8,
            priceE8: t.priceE8,
            feeE8: t.feeE8,
            orderRef: keccak256(toUtf8Bytes(t.clientOrderId)),
            timestamp: t.timestamp,
          })),
        },
      }),
      context: {
        orders: fills.map((t) => ({ venueOrderId: t.venueOrderId, clientOrderId: t.clientOrderId })),
      },
    });
    // Order A: a market order that walked three levels of the book (three trades, three prices).
    const a = `a-${seq}`;
    const walked = [
      trade(a, 10n ** 8n, 100, 100_000n),
      trade(a, 2n * 10n ** 8n, 100.01, 200_020n),
      trade(a, 5n * 10n ** 7n, 100.02, 50_010n),
    ];
    // Order B: three trades identical in every field (the engine reports them as one fill with
    // quantity and fee tripled), and one more at the same price and second.
    const b = `b-${seq}`;
    const same = trade(b, 10n ** 7n, 100, 10_000n);
    const other = trade(b, 2n * 10n ** 7n, 100, 20_000n);
    h.venue.fills.set(`venue-${a}`, walked);
    h.venue.fills.set(`venue-${b}`, [same, { ...same }, other, { ...same }]);
    const merged = { ...same, quantityE8: 3n * same.quantityE8, feeE8: 3n * same.feeE8 };

    const n = nodes[2]!;
    const refusal = async (fills: Trade[]) => {
      const r = await h.post(n, Stream.Execution, body(fills));
      expect(r.status, JSON.stringify(r.body)).to.equal(422);
      expect(r.body.refused).to.equal("fill_mismatch");
      return String(r.body.detail);
    };
    // A fill whose quantity, price, fee or time differs from every trade of its order.
    const changed: Array<[string, Partial<Trade>]> = [
      ["quantity", { quantityE8: 2n * 10n ** 8n + 1n }],
      ["price", { priceE8: priceToE8(100.03) }],
      ["fee", { feeE8: 200_021n }],
      ["time", { timestamp: ts - 1n }],
    ];
    for (const [what, change] of changed) {
      const detail = await refusal([walked[0]!, { ...walked[1]!, ...change }, walked[2]!]);
      expect(detail, what).to.include("fill 1").and.include(`order venue-${a}`);
      expect(detail, what).to.include("matches no venue trade");
    }
    // The aggregate of the order (what the venue's order record says) is not one of its trades.
    expect(
      await refusal([
        { ...walked[0]!, quantityE8: 35n * 10n ** 7n, priceE8: 10_000_857_143n, feeE8: 350_030n },
      ]),
    ).to.include("fill 0");
    // More identical trades merged than the venue has, or a merged fee that is not the k-fold one.
    expect(
      await refusal([{ ...merged, quantityE8: 4n * same.quantityE8, feeE8: 4n * same.feeE8 }]),
    ).to.include("fill 0");
    expect(await refusal([{ ...merged, feeE8: merged.feeE8 + 1n }])).to.include("fill 0");
    // Two fills claiming the same trades: the merged three plus one of them again.
    const claimed = await refusal([walked[0]!, merged, same]);
    expect(claimed).to.match(/fill [12] \(order venue-b-/);
    expect(claimed).to.include("claimed by other fills");
    // A fill of an order the venue does not know.
    expect(await refusal([trade(`z-${seq}`, 10n ** 8n, 100, 100_000n)])).to.include(
      "the venue knows no trade of the order",
    );

    // The engine's report: A trade by trade, B's identical trades merged and its other trade alone.
    const good = body([...walked, merged, other]);
    for (const r of await h.proposeTo(nodes, Stream.Execution, good))
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
    await waitFor(async () => (await h.contracts.ledger.sequences())[1] >= seq);
    const recorded = await h.contracts.ledger.queryFilter(h.contracts.ledger.filters.TradeRecorded(seq));
    expect(recorded.map((e) => e.args.record.quantityE8)).to.deep.equal([
      10n ** 8n,
      2n * 10n ** 8n,
      5n * 10n ** 7n,
      3n * 10n ** 7n,
      2n * 10n ** 7n,
    ]);
  });

  it("serves /health and Prometheus /metrics", async () => {
    const health = await fetch(`${nodes[0]!.url}/health`);
    expect(health.status).to.equal(200);
    const hb = (await health.json()) as Loose;
    expect(hb.status).to.equal("ok");
    expect(hb.nats.connected).to.equal(true);
    expect(hb.operatorIndex).to.equal(0);
    // The engine's malformed JSON is a schema refusal (a stranger's is refused before it is parsed).
    const broken = await fetch(`${nodes[0]!.url}${proposalPath(Stream.Nav)}`, {
      method: "POST",
      headers: await h.engine.headers(Stream.Nav, nodes[0]!.address, "{not json"),
      body: "{not json",
    });
    expect(broken.status).to.equal(400);
    expect(((await broken.json()) as Loose).refused).to.equal("schema");
    const metrics = await (await fetch(`${nodes[0]!.url}/metrics`)).text();
    for (const name of [
      "oracle_reports_seen_total",
      "oracle_reports_signed_total",
      "oracle_reports_refused_total",
      "oracle_reports_submitted_total",
      "oracle_submit_failures_total",
      "oracle_proposal_to_signed_seconds",
      "oracle_proposal_to_onchain_seconds",
    ]) {
      expect(metrics).to.include(name);
    }
    h.proxy.down = true;
    try {
      const degraded = await fetch(`${nodes[0]!.url}/health`);
      expect(degraded.status).to.equal(503);
    } finally {
      h.proxy.down = false;
    }
  });
});
