import { expect } from "chai";
import { Wallet } from "ethers";
import {
  PROPOSAL_AUTH_HEADERS,
  proposalAuthDomain,
  proposalPath,
  signProposal,
  type TypedDataSigner,
} from "../../offchain/protocol/proposalAuth.js";
import { proposalJson, ProposalSigner } from "../../offchain/protocol/ProposalSigner.js";
import { Stream } from "../../offchain/protocol/reportTypes.js";
import { packTargets } from "../../offchain/protocol/targets.js";
import { OracleConfigError } from "../../oracle/errors/OracleError.js";
import type { OracleNode } from "../../oracle/node/OracleNode.js";
import {
  captureLogger,
  ENGINE_WALLET,
  metricValue,
  postRaw,
  startOracleHarness,
  TEST_AUTH,
  waitFor,
  type OracleHarness,
} from "./helpers/oracleHarness.js";

type Lines = ReturnType<typeof captureLogger>["lines"];

describe("oracle nodes act only on proposals signed by their configured engine", function () {
  this.timeout(120_000);
  let h: OracleHarness;
  let nodes: OracleNode[]; // nodes[i] runs sorted operator i
  let logs: Lines[];

  before(async () => {
    h = await startOracleHarness();
    nodes = [];
    logs = [];
    for (let i = 0; i < 3; i++) {
      const { logger, lines } = captureLogger(`node-${i}`);
      nodes.push(await h.startNode(h.keystoreIndexOf(i), { logger }));
      logs.push(lines);
    }
  });
  after(async () => {
    await h?.close();
  });

  const ledgerSeq = async () => (await h.contracts.ledger.sequences())[0];
  const refused = (n: OracleNode, stream: string, reason: string) =>
    metricValue(n, "oracle_reports_refused_total", { stream, reason });
  const url = (n: { url: string }, stream: Stream) => n.url + proposalPath(stream);
  /** The log line of a refusal for `reason`, if the node wrote one. */
  const logged = (lines: Lines, reason: string) =>
    lines.find((l) => l.msg === "proposal refused" && l.reason === reason);

  it("a stranger's signal proposal to every node never lands: each node refuses it, counts it and logs why", async () => {
    const seq = (await ledgerSeq()) + 1n;
    // A proposal every check would pass: the engine's own, below, for the same sequence lands.
    const { body } = await h.signalProposal(seq, [[0, 1_000]]);
    const json = proposalJson(body);
    const stranger = Wallet.createRandom();
    const operator = h.walletAt(0); // an operator's key is not the engine's either
    const domain = h.engine.domain;
    const signed = (w: TypedDataSigner, n: OracleNode) =>
      signProposal(w, domain, { stream: Stream.Signal, audience: n.address, body: json });
    const attempts: Array<{
      who: string;
      reason: string;
      status: number;
      proposer?: string;
      headers: (n: OracleNode) => Promise<Record<string, string>>;
    }> = [
      {
        who: "no envelope at all",
        reason: "unauthenticated",
        status: 401,
        headers: async () => ({ "content-type": "application/json" }),
      },
      {
        who: "a stranger's key",
        reason: "unknown_proposer",
        status: 403,
        proposer: stranger.address,
        headers: (n) => signed(stranger, n),
      },
      {
        who: "an operator's own key",
        reason: "unknown_proposer",
        status: 403,
        proposer: operator.address,
        headers: (n) => signed(operator, n),
      },
      {
        who: "the engine's address with a stranger's signature",
        reason: "bad_signature",
        status: 401,
        proposer: ENGINE_WALLET.address,
        headers: async (n) => ({
          ...(await signed(stranger, n)),
          [PROPOSAL_AUTH_HEADERS.proposer]: ENGINE_WALLET.address,
        }),
      },
    ];
    const counts = new Map<string, number>();
    for (const a of attempts) {
      const res = await Promise.all(
        nodes.map(async (n) => postRaw(url(n, Stream.Signal), json, await a.headers(n))),
      );
      counts.set(a.reason, (counts.get(a.reason) ?? 0) + 1);
      for (const [i, r] of res.entries()) {
        expect(r.status, `${a.who} → node ${i}: ${JSON.stringify(r.body)}`).to.equal(a.status);
        expect(r.body.refused, a.who).to.equal(a.reason);
        expect(await refused(nodes[i]!, "signal", a.reason), a.who).to.equal(counts.get(a.reason));
        const line = logs[i]!.filter((l) => l.msg === "proposal refused" && l.reason === a.reason);
        expect(line, `node ${i} logs ${a.reason}`).to.have.length(counts.get(a.reason)!);
        expect(line.at(-1)!.level).to.equal("warn");
        expect(line.at(-1)!.stream).to.equal("signal");
        if (a.proposer) expect(line.at(-1)!.proposer).to.equal(a.proposer);
      }
    }
    expect(await ledgerSeq()).to.equal(seq - 1n);
    for (const n of nodes) expect(await metricValue(n, "oracle_reports_signed_total")).to.equal(0);

    // No node signed any of it: the engine's own, different decision for the same sequence is signed by
    // every node (one that had signed the stranger's would refuse it as equivocation) and is what lands.
    const honest = await h.signalProposal(seq, [[1, 1_500]]);
    for (const r of await h.proposeTo(nodes, Stream.Signal, honest.body))
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
    await waitFor(async () => (await ledgerSeq()) >= seq);
    const { ledger } = h.contracts;
    expect(await ledger.queryFilter(ledger.filters.SignalAccepted(seq))).to.have.length(1);
    expect(await ledger.queryFilter(ledger.filters.SignalRejected(seq))).to.have.length(0);
    expect(await ledger.currentTargets()).to.equal(packTargets([[1, 1_500]]));
  });

  it("refuses a stranger's execution and NAV proposals too: nothing is recorded or settled", async () => {
    const signalSeq = (await h.contracts.ledger.sequences())[2];
    const execSeq = (await h.contracts.ledger.sequences())[1] + 1n;
    const navSeq = (await h.contracts.vault.navSequence()) + 1n;
    const exec = await h.executionProposal(execSeq, signalSeq, [
      { asset: 1, quantityE8: 10n ** 7n, orderId: `s-${execSeq}` },
    ]);
    const nav = await h.navProposal(navSeq, 0n);
    const stranger = new ProposalSigner(Wallet.createRandom(), h.engine.domain);
    for (const [stream, name, body] of [
      [Stream.Execution, "execution", exec.body],
      [Stream.Nav, "nav", nav.body],
    ] as const) {
      for (const r of await stranger.postAll(nodes, stream, body)) {
        expect(r.status, JSON.stringify(r.body)).to.equal(403);
        expect(r.body.refused).to.equal("unknown_proposer");
      }
      for (const r of await Promise.all(nodes.map((n) => postRaw(url(n, stream), proposalJson(body))))) {
        expect(r.status).to.equal(401);
        expect(r.body.refused).to.equal("unauthenticated");
      }
      for (const n of nodes) {
        expect(await refused(n, name, "unknown_proposer")).to.equal(1);
        expect(await refused(n, name, "unauthenticated")).to.equal(1);
      }
    }
    expect((await h.contracts.ledger.sequences())[1]).to.equal(execSeq - 1n);
    expect(await h.contracts.vault.navSequence()).to.equal(navSeq - 1n);
    // The engine's own proposals go through.
    for (const r of await h.proposeTo(nodes, Stream.Execution, exec.body))
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
    await waitFor(async () => (await h.contracts.ledger.sequences())[1] >= execSeq);
  });

  it("accepts an engine request once: replayed to the same node, to another node, or after a restart, it is refused", async () => {
    const seq = (await ledgerSeq()) + 10n; // far ahead: these isolated nodes never reach a quorum anyway
    const dataDir = `${h.dir}/replay-a`;
    const a = await h.startNode(h.keystoreIndexOf(0), { dataDir, deploymentId: "isolated-replay-a" });
    const b = await h.startNode(h.keystoreIndexOf(1), {
      dataDir: `${h.dir}/replay-b`,
      deploymentId: "isolated-replay-b",
    });
    const { body } = await h.signalProposal(seq, [[0, 1_000]]);
    const captured = await h.engine.request(a, Stream.Signal, body);
    const first = await postRaw(captured.url, captured.body, captured.headers);
    expect(first.status, JSON.stringify(first.body)).to.equal(200);

    const again = await postRaw(captured.url, captured.body, captured.headers);
    expect(again.status).to.equal(401);
    expect(again.body.refused).to.equal("replayed");
    expect(await refused(a, "signal", "replayed")).to.equal(1);

    // To another node: the envelope names node a.
    const elsewhere = await postRaw(url(b, Stream.Signal), captured.body, captured.headers);
    expect(elsewhere.status).to.equal(401);
    expect(elsewhere.body.refused).to.equal("wrong_audience");
    // Re-addressed to node b: the signature covers the audience.
    const readdressed = await postRaw(url(b, Stream.Signal), captured.body, {
      ...captured.headers,
      [PROPOSAL_AUTH_HEADERS.audience]: b.address,
    });
    expect(readdressed.body.refused).to.equal("bad_signature");
    expect(await metricValue(b, "oracle_reports_signed_total")).to.equal(0);

    // After a restart the node still knows the nonce.
    await a.stop();
    const a2 = await h.startNode(h.keystoreIndexOf(0), { dataDir, deploymentId: "isolated-replay-a" });
    // (Its HTTP port is new; the request is the one captured.)
    const afterRestart = await postRaw(url(a2, Stream.Signal), captured.body, captured.headers);
    expect(afterRestart.status).to.equal(401);
    expect(afterRestart.body.refused).to.equal("replayed");
    expect(await refused(a2, "signal", "replayed")).to.equal(1);
    // The engine's own new request for the same report is answered with the signature given before.
    const fresh = await h.post(a2, Stream.Signal, body);
    expect(fresh.status).to.equal(200);
    expect(fresh.body.signature).to.equal(first.body.signature);
    await Promise.all([a2.stop(), b.stop()]);
  });

  it("refuses an altered body, another stream, a stale or future request, and another chain or deployment", async () => {
    const n = nodes[1]!;
    const seq = (await ledgerSeq()) + 1n;
    const { body } = await h.signalProposal(seq, [[0, 1_000]]);
    const json = proposalJson(body);
    const headers = () => h.engine.headers(Stream.Signal, n.address, json);

    const altered = json.replace(/"targets":"\d+"/, `"targets":"${packTargets([[0, 3_000]])}"`);
    expect(altered).to.not.equal(json);
    const cases: Array<[string, string, Promise<{ status: number; body: Record<string, unknown> }>]> = [
      [
        "altered body",
        "bad_signature",
        (async () => postRaw(url(n, Stream.Signal), altered, await headers()))(),
      ],
      [
        "same JSON, other bytes",
        "bad_signature",
        (async () => postRaw(url(n, Stream.Signal), json + " ", await headers()))(),
      ],
      [
        "signed for the signal stream, sent as NAV",
        "bad_signature",
        (async () => postRaw(url(n, Stream.Nav), json, await headers()))(),
      ],
      [
        "issued too long ago",
        "request_stale",
        (async () =>
          postRaw(
            url(n, Stream.Signal),
            json,
            await h.engine.headers(Stream.Signal, n.address, json, {
              issuedAt: BigInt(Date.now() - TEST_AUTH.maxRequestAgeMs - 60_000),
            }),
          ))(),
      ],
      [
        "issued in the future",
        "request_in_future",
        (async () =>
          postRaw(
            url(n, Stream.Signal),
            json,
            await h.engine.headers(Stream.Signal, n.address, json, {
              issuedAt: BigInt(Date.now() + TEST_AUTH.maxClockSkewMs + 60_000),
            }),
          ))(),
      ],
      [
        "signed for another chain",
        "bad_signature",
        new ProposalSigner(
          ENGINE_WALLET,
          proposalAuthDomain(BigInt(h.deployment.chainId) + 1n, h.sigilDeployment.registry),
        ).post(n, Stream.Signal, body),
      ],
      [
        "signed for another deployment (registry)",
        "bad_signature",
        new ProposalSigner(
          ENGINE_WALLET,
          proposalAuthDomain(BigInt(h.deployment.chainId), h.sigilDeployment.ledger),
        ).post(n, Stream.Signal, body),
      ],
    ];
    for (const [what, reason, pending] of cases) {
      const r = await pending;
      expect(r.status, `${what}: ${JSON.stringify(r.body)}`).to.equal(401);
      expect(r.body.refused, what).to.equal(reason);
    }
    expect(await refused(n, "signal", "bad_signature")).to.be.greaterThanOrEqual(5);
    expect(logged(logs[1]!, "request_stale")).to.not.equal(undefined);
    expect(logged(logs[1]!, "request_in_future")).to.not.equal(undefined);
  });

  it("refuses missing or malformed envelope headers and an oversized body, before reading the chain", async () => {
    const n = nodes[2]!;
    const seq = (await ledgerSeq()) + 1n;
    const { body } = await h.signalProposal(seq, [[0, 1_000]]);
    const json = proposalJson(body);
    const good = await h.engine.headers(Stream.Signal, n.address, json);
    const before = await refused(n, "signal", "unauthenticated");
    // Nothing is readable: a node that checked anything before the envelope would answer 503.
    h.proxy.down = true;
    h.venue.down = true;
    try {
      for (const name of Object.values(PROPOSAL_AUTH_HEADERS)) {
        const headers = { ...good };
        delete headers[name];
        const r = await postRaw(url(n, Stream.Signal), json, headers);
        expect(r.status, name).to.equal(401);
        expect(r.body.refused, name).to.equal("unauthenticated");
        expect(String(r.body.detail)).to.include(name);
        expect(r.headers.get("www-authenticate")).to.match(/^Sigil-EIP712/);
      }
      for (const [name, value] of [
        [PROPOSAL_AUTH_HEADERS.nonce, "0x1234"],
        [PROPOSAL_AUTH_HEADERS.issuedAt, "-5"],
        [PROPOSAL_AUTH_HEADERS.signature, "0xzz"],
        [PROPOSAL_AUTH_HEADERS.proposer, "engine"],
      ] as const) {
        const r = await postRaw(url(n, Stream.Signal), json, { ...good, [name]: value });
        expect(r.body.refused, name).to.equal("unauthenticated");
      }
      // Malformed JSON from a stranger is an authentication failure, not a schema error.
      const garbage = await postRaw(url(n, Stream.Signal), "{not json");
      expect(garbage.body.refused).to.equal("unauthenticated");
      const stranger = new ProposalSigner(Wallet.createRandom(), h.engine.domain);
      const unknown = await stranger.post(n, Stream.Signal, body);
      expect(unknown.status).to.equal(403);

      const huge = "x".repeat(1024 * 1024);
      const big = await postRaw(url(n, Stream.Signal), huge, {
        ...(await h.engine.headers(Stream.Signal, n.address, huge)),
      });
      expect(big.status).to.equal(413);
      expect(big.body.refused).to.equal("body_too_large");
      expect(await refused(n, "signal", "body_too_large")).to.equal(1);
      expect(logged(logs[2]!, "body_too_large")).to.not.equal(undefined);
    } finally {
      h.proxy.down = false;
      h.venue.down = false;
    }
    // Five missing, four malformed, one without any envelope.
    expect(await refused(n, "signal", "unauthenticated")).to.equal(before + 10);
    // The engine's well-formed but non-JSON body passes the envelope and is a schema refusal.
    const notJson = await postRaw(
      url(n, Stream.Signal),
      "{not json",
      await h.engine.headers(Stream.Signal, n.address, "{not json"),
    );
    expect(notJson.status).to.equal(400);
    expect(notJson.body.refused).to.equal("schema");
  });

  it("refuses an operator's proposal even where that operator is (mis)configured as an engine", async () => {
    const other = h.walletAt(1);
    const { logger, lines } = captureLogger("misconfigured");
    const node = await h.startNode(h.keystoreIndexOf(0), {
      dataDir: `${h.dir}/misconfigured`,
      deploymentId: "isolated-misconfigured",
      auth: { ...TEST_AUTH, engines: [ENGINE_WALLET.address, other.address] },
      logger,
    });
    try {
      expect(lines.some((l) => l.msg.startsWith("auth.engines lists oracle operators"))).to.equal(true);
      const { body } = await h.signalProposal((await ledgerSeq()) + 20n, [[0, 1_000]]);
      const r = await new ProposalSigner(other, h.engine.domain).post(node, Stream.Signal, body);
      expect(r.status).to.equal(403);
      expect(r.body.refused).to.equal("unknown_proposer");
      expect(String(r.body.detail)).to.include("operator");
      expect((await h.post(node, Stream.Signal, body)).status).to.equal(200);
    } finally {
      await node.stop();
    }
  });

  it("does not start without an engine identity, nor with its own operator key as the engine", async () => {
    let noEngine: unknown;
    await h
      .startNode(h.keystoreIndexOf(0), {
        dataDir: `${h.dir}/no-engine`,
        deploymentId: "isolated-no-engine",
        auth: { ...TEST_AUTH, engines: [] },
      })
      .catch((e: unknown) => (noEngine = e));
    expect(noEngine).to.be.instanceOf(OracleConfigError);
    expect(String((noEngine as Error).message)).to.match(/engine/);
    let selfEngine: unknown;
    await h
      .startNode(h.keystoreIndexOf(0), {
        dataDir: `${h.dir}/self-engine`,
        deploymentId: "isolated-self-engine",
        auth: { ...TEST_AUTH, engines: [h.operators[h.keystoreIndexOf(0)]!.address] },
      })
      .catch((e: unknown) => (selfEngine = e));
    expect(selfEngine).to.be.instanceOf(OracleConfigError);
    expect(String((selfEngine as Error).message)).to.match(/operator/);
  });
});
