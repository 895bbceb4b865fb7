import { expect } from "chai";
import { reportDomain, Stream } from "../../offchain/protocol/reportTypes.js";
import { payloadStructHash, signReport } from "../../offchain/protocol/signatures.js";
import { packTargets } from "../../offchain/protocol/targets.js";
import { ChainView } from "../../oracle/chain/ChainView.js";
import { classifyChainError } from "../../oracle/errors/classifyChainError.js";
import { SignatureGossip } from "../../oracle/gossip/SignatureGossip.js";
import { systemClock } from "../../oracle/node/Clock.js";
import type { OracleNode } from "../../oracle/node/OracleNode.js";
import { payloadOf } from "../../oracle/proposals/payloadOf.js";
import { reportToJson } from "../../oracle/proposals/reportSchemas.js";
import { EquivocationProver, type SignedHeader } from "../../oracle/slash/EquivocationProver.js";
import { TransactionSender } from "../../oracle/submit/TransactionSender.js";
import {
  metricValue,
  NATS_URL,
  startOracleHarness,
  waitFor,
  type OracleHarness,
} from "./helpers/oracleHarness.js";

const BOND = 1_000n * 10n ** 6n; // 1,000 mUSD (6 decimals)

describe("oracle fault: an equivocating node (its two signatures slash its bond)", function () {
  this.timeout(60_000);
  let h: OracleHarness;
  let nodes: OracleNode[]; // nodes[i] runs sorted operator i

  before(async () => {
    h = await startOracleHarness();
    // Every operator bonds: mint the stable token, approve, bond.
    const stable = await h.ethers.getContractAt("MockStable", await h.contracts.asset.getAddress());
    const bondsAddress = await h.contracts.bonds.getAddress();
    for (const w of h.operators) {
      await (await stable.mint(w.address, BOND)).wait();
      const op = w.connect(h.ethers.provider);
      await (await stable.connect(op).approve(bondsAddress, BOND)).wait();
      await (await h.contracts.bonds.connect(op).bond(BOND)).wait();
    }
    nodes = [];
    for (let i = 0; i < 3; i++) nodes.push(await h.startNode(h.keystoreIndexOf(i)));
  });
  after(async () => {
    await h?.close();
  });

  const ledgerSeq = async () => (await h.contracts.ledger.sequences())[0];

  it("proves the conflict on-chain once, removes the rogue, and the two honest nodes carry on", async () => {
    const { registry, ledger, bonds, asset } = h.contracts;
    const seq = (await ledgerSeq()) + 1n;
    const rogueIndex = Number((seq + 2n) % 3n); // neither the leader nor the next in line
    const rogue = h.walletAt(rogueIndex);
    const honest = nodes.filter((_, i) => i !== rogueIndex);
    const honestAddresses = honest.map((n) => n.address.toLowerCase());
    const treasury = (await bonds.params()).treasury;
    const treasuryBefore = await asset.balanceOf(treasury);
    const versionBefore = await registry.configVersion();

    // Every node, the rogue's included, signs the real report, which lands as usual.
    const { report, body } = await h.signalProposal(seq, [[0, 1_000]]);
    for (const r of await h.proposeTo(nodes, Stream.Signal, body)) expect(r.status).to.equal(200);
    await waitFor(async () => (await ledgerSeq()) >= seq);

    // Then the rogue signs a second payload for the same sequence and gossips it like a peer would.
    const other = { ...report, signal: { ...report.signal, targets: packTargets([[0, 3_000]]) } };
    const domain = reportDomain(BigInt(h.deployment.chainId), h.sigilDeployment.registry);
    const conflicting = await signReport(rogue, Stream.Signal, domain, other);
    const gossip = await SignatureGossip.connect([NATS_URL], h.deploymentId, "rogue");
    try {
      gossip.publish({
        v: 1,
        stream: Stream.Signal,
        sequence: seq.toString(),
        report: reportToJson(other),
        signer: rogue.address,
        signature: conflicting.signature,
      });
      await gossip.flush();
    } finally {
      await gossip.close();
    }

    // Both honest nodes handle the proof: one mines it, the other finds it done (no second slash).
    const proofs = async (outcome: string) =>
      (
        await Promise.all(
          honest.map((n) => metricValue(n, "oracle_equivocation_proofs_submitted_total", { outcome })),
        )
      ).reduce((a, b) => a + b, 0);
    await waitFor(async () => (await proofs("mined")) + (await proofs("already_done")) === 2);
    expect(await proofs("mined")).to.equal(1);
    for (const n of honest)
      expect(await metricValue(n, "oracle_equivocations_seen_total", { stream: "signal" })).to.equal(1);

    // On-chain: one Slashed event, the whole bond split between the prover and the treasury.
    const slashed = await bonds.queryFilter(bonds.filters.Slashed(rogue.address));
    expect(slashed).to.have.length(1);
    const ev = slashed[0]!.args;
    expect(ev.sequence).to.equal(seq);
    expect(ev.slashed).to.equal(BOND);
    expect(honestAddresses).to.include(ev.prover.toLowerCase());
    const reward = (BOND * BigInt((await bonds.params()).proverRewardBps)) / 10_000n;
    expect(ev.proverReward).to.equal(reward);
    expect(await asset.balanceOf(ev.prover)).to.equal(reward);
    expect((await asset.balanceOf(treasury)) - treasuryBefore).to.equal(BOND - reward);
    const left = await bonds.bondOf(rogue.address);
    expect(left.active + left.unbonding).to.equal(0n);
    for (const n of honest) expect((await bonds.bondOf(n.address)).active).to.equal(BOND);

    // Removed from the registry; the new config is pushed to the ledger.
    expect(await registry.isOperator(rogue.address)).to.equal(false);
    expect(await registry.operators()).to.have.length(2);
    expect(await registry.threshold()).to.equal(2n);
    expect(await registry.configVersion()).to.equal(versionBefore + 1n);
    expect(await ledger.oracleConfigVersion()).to.equal(versionBefore + 1n);

    // The next report: the rogue's node is no longer an operator; the honest two reach 2-of-2.
    const next = seq + 1n;
    const { body: nextBody } = await h.signalProposal(next, [[1, 2_000]]);
    const [refused] = await h.proposeTo([nodes[rogueIndex]!], Stream.Signal, nextBody);
    expect(refused!.status).to.equal(422);
    expect(refused!.body.refused).to.equal("not_operator");
    for (const r of await h.proposeTo(honest, Stream.Signal, nextBody)) expect(r.status).to.equal(200);
    await waitFor(async () => (await ledgerSeq()) >= next);
    expect(await ledger.currentTargets()).to.equal(packTargets([[1, 2_000]]));

    // Late provers: a node that sees the evidence now sends nothing (the rogue is gone), and a proof
    // raced past that check reverts with OperatorBondsAlreadySlashed, which counts as done.
    const header = (r: typeof report, signature: string): SignedHeader => ({
      stream: Stream.Signal,
      configDigest: r.configDigest,
      sequence: r.sequence,
      deadline: r.deadline,
      payloadHash: payloadStructHash(Stream.Signal, payloadOf(Stream.Signal, r)),
      signature,
    });
    const a = header(report, (await signReport(rogue, Stream.Signal, domain, report)).signature);
    const b = header(other, conflicting.signature);
    const late = h.walletAt((rogueIndex + 1) % 3).connect(h.ethers.provider);
    const chain = new ChainView(h.provider(), h.sigilDeployment);
    const sender = new TransactionSender(
      late,
      chain.provider,
      BigInt(h.deployment.chainId),
      [chain.bonds!.interface],
      { stuckAfterMs: 10_000, feeBumpPercent: 25, pollMs: 20, backoffInitialMs: 50, backoffMaxMs: 400 },
      systemClock,
    );
    const nonceBefore = await h.ethers.provider.getTransactionCount(late.address);
    expect(
      (await new EquivocationProver(chain, sender, systemClock).prove(rogue.address, a, b)).outcome,
    ).to.equal("already_done");
    expect(await h.ethers.provider.getTransactionCount(late.address)).to.equal(nonceBefore);
    const raced = await bonds
      .connect(late)
      .proveEquivocation.estimateGas(a, a.signature, b, b.signature)
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    expect(classifyChainError(raced, [bonds.interface])).to.deep.include({
      kind: "already-done",
      detail: "OperatorBondsAlreadySlashed",
    });
    sender.close();
    expect((await bonds.queryFilter(bonds.filters.Slashed(rogue.address))).length).to.equal(1);
  });
});
