import { expect } from "chai";
import { Wallet } from "ethers";
import { reportDomain, Stream, type SignalReport } from "../../offchain/protocol/reportTypes.js";
import { ChainView } from "../../oracle/chain/ChainView.js";
import { classifyChainError } from "../../oracle/errors/classifyChainError.js";
import { ReportSubmitter } from "../../oracle/submit/ReportSubmitter.js";
import { systemClock } from "../../oracle/node/Clock.js";
import { cosign } from "../helpers/sigilFixture.js";
import { startOracleHarness, waitFor, type OracleHarness } from "./helpers/oracleHarness.js";

describe("report submission (nonce, fee bumping, at most once)", function () {
  this.timeout(120_000);
  let h: OracleHarness;
  let chain: ChainView;
  let submitter: ReportSubmitter;
  let wallet: Wallet;

  before(async () => {
    h = await startOracleHarness();
    chain = new ChainView(h.provider(), h.sigilDeployment);
    wallet = new Wallet(h.operators[0]!.privateKey);
    submitter = new ReportSubmitter(
      chain,
      wallet,
      { stuckAfterMs: 300, feeBumpPercent: 25, pollMs: 20, backoffInitialMs: 20, backoffMaxMs: 200 },
      systemClock,
    );
  });
  after(async () => {
    submitter?.close();
    await h?.conn.provider.request({ method: "evm_setAutomine", params: [true] }).catch(() => undefined);
    await h?.close();
  });

  async function signedReport(sequence: bigint): Promise<{ report: SignalReport; sigs: string }> {
    // The local chain's clock runs ahead of the wall clock (every block at least a second after
    // the last, and the fixture mines many): a deadline of wall + 120 s could already be past for
    // the chain while the bumps are under way. These reports do not go through a node's checks.
    const { report } = await h.signalProposal(sequence, [[0, 1_000]], { deadlineIn: 900n });
    const domain = reportDomain(BigInt(h.deployment.chainId), h.sigilDeployment.registry);
    return { report, sigs: await cosign(Stream.Signal, domain, report, h.operators.slice(0, 2)) };
  }

  it("replaces a stuck transaction with a higher fee under the same nonce; the report lands once", async () => {
    const seq = (await h.contracts.ledger.sequences())[0] + 1n;
    const { report, sigs } = await signedReport(seq);
    const nonceBefore = await chain.provider.getTransactionCount(wallet.address, "latest");
    await h.conn.provider.request({ method: "evm_setAutomine", params: [false] });
    let bumps = 0;
    const outcome = submitter.submit(Stream.Signal, report, sigs, { onFeeBump: () => bumps++ });
    await waitFor(() => bumps >= 2);
    await h.conn.provider.request({ method: "evm_setAutomine", params: [true] });
    await h.conn.provider.request({ method: "evm_mine", params: [] });
    const result = await outcome;
    expect(result.kind).to.equal("mined");
    const tx = await chain.provider.getTransaction((result as { hash: string }).hash);
    const first = await chain.provider.getFeeData();
    expect(tx!.nonce).to.equal(nonceBefore);
    expect(tx!.maxFeePerGas! > first.maxFeePerGas!).to.equal(true);
    expect(await chain.provider.getTransactionCount(wallet.address, "latest")).to.equal(nonceBefore + 1);
    expect((await h.contracts.ledger.sequences())[0]).to.equal(seq);
  });

  it("treats a report already on-chain as done, without sending a transaction", async () => {
    const seq = (await h.contracts.ledger.sequences())[0] + 1n;
    const { report, sigs } = await signedReport(seq);
    expect((await submitter.submit(Stream.Signal, report, sigs)).kind).to.equal("mined");
    const nonce = await chain.provider.getTransactionCount(wallet.address, "latest");
    expect((await submitter.submit(Stream.Signal, report, sigs)).kind).to.equal("already-done");
    expect(await chain.provider.getTransactionCount(wallet.address, "latest")).to.equal(nonce);
  });

  it("classifies reverts and transport errors in one place", async () => {
    const ifaces = [chain.ledger.interface, chain.vault.interface];
    const stale = chain.ledger.interface.encodeErrorResult("TradeLedgerStaleSequence", [5, 5]);
    expect(classifyChainError({ code: "CALL_EXCEPTION", data: stale }, ifaces).kind).to.equal("already-done");
    const expired = chain.vault.interface.encodeErrorResult("SigilVaultReportExpired", [1]);
    expect(classifyChainError({ code: "CALL_EXCEPTION", data: expired }, ifaces).kind).to.equal("expired");
    expect(
      classifyChainError(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }), ifaces).kind,
    ).to.equal("retryable");
    expect(classifyChainError(new Error("nonce too low"), ifaces).kind).to.equal("nonce");
    const other = chain.ledger.interface.encodeErrorResult("TradeLedgerEmptyExecution", []);
    expect(classifyChainError({ data: other }, ifaces).kind).to.equal("fatal");
  });
});
