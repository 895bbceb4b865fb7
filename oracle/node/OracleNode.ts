import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { getAddress, getBytes, isAddress, recoverAddress, type Provider, type Wallet } from "ethers";
import express, { type Request, type Response } from "express";
import { PROPOSAL_AUTH_HEADERS, proposalAuthDomain } from "../../offchain/protocol/proposalAuth.js";
import {
  reportDomain,
  Stream,
  type ReportDomain,
  type ReportOf,
} from "../../offchain/protocol/reportTypes.js";
import {
  packSignatures,
  payloadStructHash,
  reportDigest,
  type OperatorSignature,
} from "../../offchain/protocol/signatures.js";
import { ChainView, type OperatorSet } from "../chain/ChainView.js";
import type { SigilDeployment } from "../chain/SigilDeployment.js";
import {
  ProposalAuthenticator,
  ProposalUnauthenticated,
  type ProposalAuthPolicy,
} from "../auth/ProposalAuthenticator.js";
import { ProposalChecker, type CheckLimits } from "../checks/ProposalChecker.js";
import { ProposalRefused, RefusalReason, refusalStatus } from "../checks/RefusalReason.js";
import { SignatureGossip, type SignatureMessage } from "../gossip/SignatureGossip.js";
import { OracleMetrics, streamName } from "../metrics/OracleMetrics.js";
import {
  executionProposalSchema,
  navProposalSchema,
  signalProposalSchema,
  type ExecutionProposal,
  type NavProposal,
  type SignalProposal,
} from "../proposals/proposalSchemas.js";
import { payloadOf } from "../proposals/payloadOf.js";
import { reportSchemas, reportToJson } from "../proposals/reportSchemas.js";
import type { DecisionRecomputer } from "../recompute/DecisionRecomputer.js";
import { EquivocationProver, type SignedHeader } from "../slash/EquivocationProver.js";
import { NonceStore } from "../store/NonceStore.js";
import { EquivocationRefused, SignatureStore } from "../store/SignatureStore.js";
import { ReportSubmitter } from "../submit/ReportSubmitter.js";
import type { SendPolicy } from "../submit/TransactionSender.js";
import type { VenueBalanceSource } from "../venue/VenueBalanceSource.js";
import type { VenueFillsSource } from "../venue/VenueFillsSource.js";
import type { VenueTickerSource } from "../venue/VenueTickerSource.js";
import { systemClock, type Clock } from "./Clock.js";
import { silentLogger, type Logger } from "./Logger.js";

export interface OracleNodeOptions {
  provider: Provider;
  deployment: SigilDeployment;
  /** The operator key, decrypted from its keystore; it also pays for the transactions this node submits. */
  wallet: Wallet;
  natsServers: string[];
  /** NATS subject namespace; defaults to `<chainId>-<registry address>`. */
  deploymentId?: string;
  http: { host: string; port: number };
  dataDir: string;
  checks: CheckLimits;
  /** Whose proposals this node acts on: every proposal must carry a valid envelope signed by one of them. */
  auth: ProposalAuthPolicy;
  send: SendPolicy;
  /** How long the next node in line waits before taking over a sequence whose leader has not submitted. */
  failoverMs: number;
  venue: { ticker: VenueTickerSource; fills: VenueFillsSource; balance: VenueBalanceSource };
  recomputer?: DecisionRecomputer;
  clock?: Clock;
  logger?: Logger;
  name?: string;
}

/** What this node signed for one (stream, sequence) and the signatures gathered for it. */
interface Round {
  stream: Stream;
  sequence: bigint;
  deadlineMs: number;
  mine?: { report: ReportOf<Stream>; digest: string; proposalAt: number; signedAt: number };
  /** digest → signer (lower-case) → signature */
  signatures: Map<string, Map<string, string>>;
  /** signer (lower-case) and config digest → the first header it was seen signing, to catch a second one. */
  statements: Map<string, SignedHeader>;
  state: "collecting" | "submitting" | "done";
  timer?: NodeJS.Timeout;
  quorumAt?: number;
  doneAt?: number;
}

const SECP256K1_HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;
const STREAMS: Record<string, Stream> = {
  signal: Stream.Signal,
  execution: Stream.Execution,
  nav: Stream.Nav,
};
/** Largest proposal body read (an execution report with 64 fills and its context is ~40 kB). */
export const MAX_PROPOSAL_BYTES = 256 * 1024;
const WWW_AUTHENTICATE =
  'Sigil-EIP712 realm="sigil-oracle", headers="sigil-proposer sigil-audience sigil-issued-at sigil-nonce sigil-signature"';
const utf8 = new TextDecoder("utf-8", { fatal: true });

/** A node's answer to one proposal request. */
interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/**
 * One oracle node: checks report proposals on its own, signs what passes (once per stream, sequence and
 * config digest), gossips its signature, and, when it leads a sequence (or the leader is late), packs a
 * quorum and submits it.
 */
export class OracleNode {
  readonly metrics: OracleMetrics;
  readonly chain: ChainView;
  private readonly checker: ProposalChecker;
  private readonly auth: ProposalAuthenticator;
  private readonly nonces: NonceStore;
  private readonly store: SignatureStore;
  private readonly submitter: ReportSubmitter;
  private readonly prover: EquivocationProver;
  private readonly domain: ReportDomain;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly rounds = new Map<string, Round>();
  private gossip: SignatureGossip | undefined;
  private server: Server | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private operators: OperatorSet | undefined;
  private stopped = false;

  private constructor(private readonly o: OracleNodeOptions) {
    this.clock = o.clock ?? systemClock;
    this.log = o.logger ?? silentLogger;
    this.metrics = new OracleMetrics({ defaultMetrics: false });
    this.chain = new ChainView(o.provider, o.deployment);
    this.domain = reportDomain(BigInt(o.deployment.chainId), o.deployment.registry);
    // Authentication first: a node without a valid engine identity does not start (nothing is left open).
    this.nonces = new NonceStore(o.dataDir, o.auth.maxNonces);
    try {
      this.auth = new ProposalAuthenticator({
        policy: o.auth,
        domain: proposalAuthDomain(BigInt(o.deployment.chainId), o.deployment.registry),
        self: o.wallet.address,
        nonces: this.nonces,
        clock: this.clock,
        isOperator: (a) => this.operators?.operators.some((op) => BigInt(op) === BigInt(a)) ?? false,
      });
    } catch (err) {
      this.nonces.close();
      throw err;
    }
    this.store = new SignatureStore(o.dataDir);
    this.checker = new ProposalChecker({
      chain: this.chain,
      ticker: o.venue.ticker,
      fills: o.venue.fills,
      balance: o.venue.balance,
      recomputer: o.recomputer,
      clock: this.clock,
      limits: o.checks,
      self: o.wallet.address,
    });
    this.submitter = new ReportSubmitter(this.chain, o.wallet, o.send, this.clock);
    this.prover = new EquivocationProver(this.chain, this.submitter.sender, this.clock);
  }

  /** Connect to NATS, start the HTTP API, and read the operator set (retried later if the chain is down). */
  static async start(o: OracleNodeOptions): Promise<OracleNode> {
    const node = new OracleNode(o);
    try {
      await node.startInternal();
    } catch (err) {
      await node.stop();
      throw err;
    }
    return node;
  }

  private async startInternal(): Promise<void> {
    const d = this.o.deployment;
    const id = this.o.deploymentId ?? `${d.chainId}-${d.registry.toLowerCase()}`;
    this.gossip = await SignatureGossip.connect(this.o.natsServers, id, this.o.name ?? this.address);
    this.gossip.subscribe((m) => void this.onGossip(m));
    await this.refreshOperators().catch((err) => this.log.warn("chain not reachable at start", { err }));
    const app = this.app();
    await new Promise<void>((resolve, reject) => {
      const server = app.listen(this.o.http.port, this.o.http.host, (err?: Error) =>
        err ? reject(err) : resolve(),
      );
      server.on("error", reject);
      this.server = server;
    });
    this.sweeper = setInterval(() => this.sweep(), 5_000).unref();
    this.log.info("oracle node started", {
      address: this.address,
      url: this.url,
      deploymentId: id,
      engines: this.o.auth.engines,
    });
  }

  get address(): string {
    return this.o.wallet.address;
  }

  get url(): string {
    const a = this.server?.address() as AddressInfo | null | undefined;
    return `http://${this.o.http.host}:${a?.port ?? this.o.http.port}`;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.sweeper) clearInterval(this.sweeper);
    for (const r of this.rounds.values()) if (r.timer) clearTimeout(r.timer);
    this.submitter.close();
    if (this.server) {
      this.server.closeAllConnections();
      await new Promise<void>((r) => this.server!.close(() => r()));
    }
    await this.gossip?.close().catch(() => undefined);
    this.store.close();
    this.nonces.close();
    this.log.info("oracle node stopped", { address: this.address });
  }

  // ------------------------------------------------------------------ HTTP

  private app() {
    const app = express();
    app.disable("x-powered-by");
    // The exact bytes: the engine's signature covers their hash. Not inflated (what is hashed is what came).
    const raw = express.raw({ type: () => true, limit: MAX_PROPOSAL_BYTES, inflate: false });
    app.post("/v1/proposals/:stream", raw, async (req: Request, res: Response) => {
      const stream = STREAMS[String(req.params.stream)];
      if (stream === undefined) return void res.status(404).json({ error: "unknown stream" });
      const body = Buffer.isBuffer(req.body) ? (req.body as Buffer) : new Uint8Array(0);
      const answer = await this.handleRequest(
        stream,
        (name) => req.headers[name],
        body,
        req.socket.remoteAddress,
      );
      res
        .status(answer.status)
        .set(answer.headers ?? {})
        .json(answer.body);
    });
    app.get("/health", async (_req, res) => {
      const h = await this.health();
      res.status(h.status === "ok" ? 200 : 503).json(h);
    });
    app.get("/metrics", async (_req, res) => {
      res.set("Content-Type", this.metrics.registry.contentType);
      res.send(await this.metrics.registry.metrics());
    });
    // The body could not be read (too large, compressed, aborted): refused before anything else.
    app.use(
      (
        err: Error & { type?: string; status?: number },
        req: Request,
        res: Response,
        next: (e?: unknown) => void,
      ) => {
        if (!err) return next();
        const stream = STREAMS[String(req.params?.stream ?? req.path.split("/").pop())];
        if (stream === undefined) return void res.status(404).json({ error: "unknown stream" });
        this.metrics.seen.inc({ stream: streamName(stream) });
        const reason = err.type === "entity.too.large" ? RefusalReason.BodyTooLarge : RefusalReason.Schema;
        const detail =
          reason === RefusalReason.BodyTooLarge
            ? `body larger than ${MAX_PROPOSAL_BYTES} bytes`
            : String(err.message).slice(0, 200);
        // Unauthenticated and attacker-chosen: logged only if it is an address at all.
        const claimed = req.headers[PROPOSAL_AUTH_HEADERS.proposer];
        this.refused(stream, reason, detail, {
          proposer: typeof claimed === "string" && isAddress(claimed) ? getAddress(claimed) : undefined,
          from: req.socket.remoteAddress,
        });
        const status =
          reason === RefusalReason.BodyTooLarge ? 413 : err.status && err.status < 500 ? err.status : 400;
        res.status(status).json({ refused: reason, detail });
      },
    );
    return app;
  }

  async health() {
    let chain: { ok: boolean; blockNumber?: number; error?: string };
    try {
      // An eth_call (never served from the provider's cache) that also proves the registry is there.
      const [blockNumber] = await Promise.race([
        Promise.all([this.o.provider.getBlockNumber(), this.chain.configDigest()]),
        new Promise<never>((_, rej) => setTimeout(() => rej(new Error("timeout")), 2_000).unref()),
      ]);
      chain = { ok: true, blockNumber };
    } catch (err) {
      chain = { ok: false, error: String((err as Error).message ?? err) };
    }
    const nats = this.gossip?.connected ?? false;
    const index = this.operators?.operators.findIndex((a) => BigInt(a) === BigInt(this.address)) ?? -1;
    return {
      status: chain.ok && nats ? "ok" : "degraded",
      address: this.address,
      operatorIndex: index,
      threshold: this.operators?.threshold,
      chain,
      nats: { connected: nats },
      openRounds: [...this.rounds.values()].filter((r) => r.state !== "done").length,
    };
  }

  // ------------------------------------------------------------------ proposals

  private countRefusal(stream: Stream, reason: RefusalReason): void {
    this.metrics.refused.inc({ stream: streamName(stream), reason });
  }

  /** Count and log a refusal (every one: an operator sees who was turned away, and why). */
  private refused(
    stream: Stream,
    reason: RefusalReason,
    detail: unknown,
    fields: Record<string, unknown>,
  ): void {
    this.countRefusal(stream, reason);
    this.log.warn("proposal refused", { stream: streamName(stream), reason, detail, ...fields });
  }

  /**
   * One `POST /v1/proposals/<stream>`: the envelope is authenticated before anything else (no chain,
   * venue or snapshot read for a request the engine did not sign), then the body is parsed and checked.
   */
  async handleRequest(
    stream: Stream,
    header: (name: string) => string | string[] | undefined,
    raw: Uint8Array,
    from?: string,
  ): Promise<Answer> {
    this.metrics.seen.inc({ stream: streamName(stream) });
    let proposer: string;
    try {
      ({ proposer } = this.auth.authenticate(stream, header, raw));
    } catch (err) {
      if (!(err instanceof ProposalUnauthenticated)) {
        // E.g. the replay store cannot be written: nothing is checked or signed without it.
        this.log.error("proposal authentication failed", { stream: streamName(stream), err });
        return { status: 500, body: { error: "cannot authenticate the request now; send again later" } };
      }
      this.refused(stream, err.reason, err.detail, { proposer: err.claimedProposer, from });
      const status = refusalStatus(err.reason);
      return {
        status,
        body: { refused: err.reason, detail: err.detail },
        headers: status === 401 ? { "WWW-Authenticate": WWW_AUTHENTICATE } : {},
      };
    }
    let body: unknown;
    try {
      body = JSON.parse(utf8.decode(raw));
    } catch (err) {
      const detail = `body is not UTF-8 JSON: ${String((err as Error).message ?? err)}`;
      this.refused(stream, RefusalReason.Schema, detail, { proposer, from });
      return { status: 400, body: { refused: RefusalReason.Schema, detail } };
    }
    return this.checkAndSign(stream, body, proposer);
  }

  /** Check, sign once, persist, gossip (an authenticated proposal). Returns the HTTP status and body. */
  private async checkAndSign(stream: Stream, body: unknown, proposer: string): Promise<Answer> {
    const proposalAt = this.clock.now();
    const label = { stream: streamName(stream) };
    const schema =
      stream === Stream.Signal
        ? signalProposalSchema
        : stream === Stream.Execution
          ? executionProposalSchema
          : navProposalSchema;
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const detail = parsed.error.issues.slice(0, 5);
      this.refused(stream, RefusalReason.Schema, detail, { proposer });
      return { status: 400, body: { refused: RefusalReason.Schema, detail } };
    }
    try {
      let report: ReportOf<Stream>;
      if (stream === Stream.Signal) {
        const p = parsed.data as SignalProposal;
        await this.checker.checkSignal(p);
        report = p.report;
      } else if (stream === Stream.Execution) {
        const p = parsed.data as ExecutionProposal;
        await this.checker.checkExecution(p);
        report = p.report;
      } else {
        const p = parsed.data as NavProposal;
        await this.checker.checkNav(p);
        report = p.report;
      }
      // The checks just read the operator set: lead and count quorums by it.
      this.operators = this.chain.lastOperatorSet ?? this.operators;
      const digest = reportDigest(stream, this.domain, report);
      const { record } = this.store.signOnce(
        {
          stream,
          sequence: report.sequence,
          configDigest: report.configDigest,
          payloadHash: payloadStructHash(stream, payloadOf(stream, report)),
          digest,
          reportJson: JSON.stringify(reportToJson(report)),
        },
        // Synchronous signing: nothing can interleave between the equivocation check and the write.
        () => this.o.wallet.signingKey.sign(digest).serialized,
        this.clock.now(),
      );
      this.metrics.signed.inc(label);
      this.metrics.signLatency.observe(label, (this.clock.now() - proposalAt) / 1000);
      this.onSigned(stream, report, record.digest, record.signature, proposalAt);
      return {
        status: 200,
        body: {
          signer: this.address,
          signature: record.signature,
          digest: record.digest,
          sequence: report.sequence.toString(),
        },
      };
    } catch (err) {
      if (err instanceof EquivocationRefused) {
        this.refused(stream, RefusalReason.Equivocation, err.message, { proposer });
        return { status: 409, body: { refused: RefusalReason.Equivocation, detail: err.message } };
      }
      if (err instanceof ProposalRefused) {
        this.refused(stream, err.reason, err.detail, { proposer });
        return { status: refusalStatus(err.reason), body: { refused: err.reason, detail: err.detail } };
      }
      this.log.error("proposal failed", { err });
      return { status: 500, body: { error: String((err as Error).message ?? err) } };
    }
  }

  private round(stream: Stream, sequence: bigint, deadline: bigint): Round {
    const key = `${stream}:${sequence}`;
    let r = this.rounds.get(key);
    if (!r) {
      r = {
        stream,
        sequence,
        deadlineMs: Number(deadline) * 1000,
        signatures: new Map(),
        statements: new Map(),
        state: "collecting",
      };
      this.rounds.set(key, r);
    }
    return r;
  }

  private addSignature(r: Round, digest: string, signer: string, signature: string): void {
    let bySigner = r.signatures.get(digest);
    if (!bySigner) r.signatures.set(digest, (bySigner = new Map()));
    bySigner.set(signer.toLowerCase(), signature);
  }

  private onSigned(
    stream: Stream,
    report: ReportOf<Stream>,
    digest: string,
    signature: string,
    proposalAt: number,
  ): void {
    const r = this.round(stream, report.sequence, report.deadline);
    if (!r.mine) {
      r.mine = { report, digest, proposalAt, signedAt: this.clock.now() };
      for (const [other, sigs] of r.signatures) {
        if (other !== digest)
          this.metrics.signaturesIgnored.inc({ reason: "conflicting_payload" }, sigs.size);
      }
    }
    this.addSignature(r, digest, this.address, signature);
    this.gossip?.publish({
      v: 1,
      stream,
      sequence: report.sequence.toString(),
      report: reportToJson(report),
      signer: this.address,
      signature,
    });
    void this.trySubmit(r);
  }

  // ------------------------------------------------------------------ gossip and quorum

  private async refreshOperators(): Promise<OperatorSet> {
    this.operators = await this.chain.operatorSet();
    const both = this.o.auth.engines.filter((e) =>
      this.operators!.operators.some((op) => BigInt(op) === BigInt(e)),
    );
    if (both.length > 0)
      this.log.error("auth.engines lists oracle operators: their proposals are refused", { operators: both });
    return this.operators;
  }

  private ignore(reason: string): void {
    this.metrics.signaturesIgnored.inc({ reason });
  }

  /** A peer's signature: only a valid, low-s signature by a current operator over a well-formed report counts. */
  private async onGossip(raw: unknown): Promise<void> {
    if (this.stopped) return;
    const m = raw as Partial<SignatureMessage> | null;
    if (
      !m ||
      m.v !== 1 ||
      typeof m.signer !== "string" ||
      typeof m.signature !== "string" ||
      typeof m.stream !== "number"
    ) {
      return this.ignore("malformed");
    }
    if (m.signer.toLowerCase() === this.address.toLowerCase()) return; // our own echo
    const schema = reportSchemas[m.stream as Stream];
    const parsed = schema?.safeParse(m.report);
    if (!parsed?.success || parsed.data.sequence.toString() !== m.sequence) return this.ignore("malformed");
    const stream = m.stream as Stream;
    const report = parsed.data as ReportOf<Stream>;
    const digest = reportDigest(stream, this.domain, report).toLowerCase();
    let signer: string;
    try {
      const bytes = getBytes(m.signature);
      if (bytes.length !== 65 || BigInt("0x" + m.signature.slice(66, 130)) > SECP256K1_HALF_N)
        return this.ignore("bad_signature");
      signer = recoverAddress(digest, m.signature);
    } catch {
      return this.ignore("bad_signature");
    }
    if (BigInt(signer) !== BigInt(m.signer)) return this.ignore("bad_signature");
    const ops = this.operators ?? (await this.refreshOperators().catch(() => undefined));
    if (!ops || report.configDigest.toLowerCase() !== ops.configDigest) {
      // Maybe the configuration changed: re-read once before deciding.
      const fresh = await this.refreshOperators().catch(() => undefined);
      if (!fresh || report.configDigest.toLowerCase() !== fresh.configDigest)
        return this.ignore("config_digest");
    }
    if (!this.operators!.operators.some((o) => BigInt(o) === BigInt(signer)))
      return this.ignore("not_operator");
    const r = this.round(stream, report.sequence, report.deadline);
    this.watchForEquivocation(r, report, signer, m.signature);
    if (r.state === "done") return;
    if (r.mine && r.mine.digest !== digest) this.ignore("conflicting_payload");
    this.addSignature(r, digest, signer, m.signature);
    await this.trySubmit(r);
  }

  /**
   * Two valid signatures by one operator over different payloads for one stream, sequence and (current)
   * config digest are a slashable proof: count it, log both statements and submit
   * `OperatorBonds.proveEquivocation` (once per offence; other nodes doing the same is harmless).
   */
  private watchForEquivocation(r: Round, report: ReportOf<Stream>, signer: string, signature: string): void {
    const statement: SignedHeader = {
      stream: r.stream,
      configDigest: report.configDigest.toLowerCase(),
      sequence: r.sequence,
      deadline: report.deadline,
      payloadHash: payloadStructHash(r.stream, payloadOf(r.stream, report)).toLowerCase(),
      signature,
    };
    // Keyed by digest too: re-signing an unsubmitted sequence under a new config is honest.
    const key = `${signer.toLowerCase()}:${statement.configDigest}`;
    const first = r.statements.get(key);
    if (!first) {
      r.statements.set(key, statement);
      return;
    }
    if (first.payloadHash === statement.payloadHash) return;
    const stream = streamName(r.stream);
    this.metrics.equivocationsSeen.inc({ stream });
    this.log.error("equivocation seen", {
      signer,
      stream: r.stream,
      sequence: r.sequence,
      configDigest: report.configDigest,
      a: first,
      b: statement,
    });
    void this.prover.prove(signer, first, statement).then(({ outcome, detail, hash }) => {
      if (outcome === "duplicate") return;
      this.metrics.equivocationProofs.inc({ stream, outcome });
      const fields = { signer, stream, sequence: r.sequence, outcome, ...(hash ? { tx: hash } : {}) };
      if (outcome === "mined" || outcome === "already_done") this.log.info("equivocation proof", fields);
      else this.log.error("equivocation proof not submitted", { ...fields, detail });
      // A slash removes the operator and changes the config digest: re-read the set for new quorums.
      if (outcome === "mined" || outcome === "already_done") this.refreshOperators().catch(() => undefined);
    });
  }

  /** Our position in line for `sequence`: 0 = leader (operator index = sequence mod n). */
  private rank(sequence: bigint): number {
    const ops = this.operators?.operators ?? [];
    const n = ops.length;
    const me = ops.findIndex((a) => BigInt(a) === BigInt(this.address));
    if (n === 0 || me < 0) return Number.MAX_SAFE_INTEGER;
    return (me - Number(sequence % BigInt(n)) + n) % n;
  }

  private async trySubmit(r: Round): Promise<void> {
    if (r.state !== "collecting" || !r.mine || this.stopped) return;
    const threshold = this.operators?.threshold ?? Number.MAX_SAFE_INTEGER;
    const sigs = r.signatures.get(r.mine.digest);
    if (!sigs || sigs.size < threshold) return;
    r.quorumAt ??= this.clock.now();
    const due = r.mine.signedAt + this.rank(r.sequence) * this.o.failoverMs;
    const wait = due - this.clock.now();
    if (wait > 0) return this.retryLater(r, wait);
    r.state = "submitting";
    // Ordering guard: submitted ahead of an earlier sequence still in flight, this report would make
    // that one stale (skipped for good). Give earlier ones up to failoverMs to land first.
    if (this.clock.now() - r.quorumAt < this.o.failoverMs && (await this.earlierInFlight(r))) {
      r.state = "collecting";
      return this.retryLater(r, Math.max(10, this.o.send.pollMs));
    }
    // Exactly `threshold` signatures (ours first): verification costs gas per signature.
    const chosen: OperatorSignature[] = [...sigs.entries()]
      .sort(([a], [b]) => (a === this.address.toLowerCase() ? -1 : b === this.address.toLowerCase() ? 1 : 0))
      .slice(0, threshold)
      .map(([signer, signature]) => ({ signer, signature }));
    const label = { stream: streamName(r.stream) };
    const outcome = await this.submitter.submit(r.stream, r.mine.report, packSignatures(chosen), {
      onRetry: (detail) => {
        this.metrics.submitRetries.inc(label);
        this.log.warn("submit retry", { ...label, sequence: r.sequence, detail });
      },
      onFeeBump: () => {
        this.metrics.feeBumps.inc(label);
        this.log.warn("fee bumped", { ...label, sequence: r.sequence });
      },
    });
    r.state = "done";
    r.doneAt = this.clock.now();
    if (outcome.kind === "mined" || outcome.kind === "already-done") {
      this.metrics.submitted.inc({ ...label, outcome: outcome.kind === "mined" ? "mined" : "already_done" });
      if (outcome.kind === "mined") {
        this.metrics.onchainLatency.observe(label, (this.clock.now() - r.mine.proposalAt) / 1000);
        this.log.info("report submitted", { ...label, sequence: r.sequence, tx: outcome.hash });
      }
    } else {
      this.metrics.submitFailures.inc({
        ...label,
        reason: outcome.kind === "expired" ? "expired" : "failed",
      });
      this.log.error("report not submitted", { ...label, sequence: r.sequence, outcome });
    }
  }

  private retryLater(r: Round, ms: number): void {
    if (r.timer || this.stopped) return;
    r.timer = setTimeout(() => {
      r.timer = undefined;
      void this.trySubmit(r);
    }, ms);
  }

  /** Whether a lower sequence of the same stream that this node signed is still short of the chain. */
  private async earlierInFlight(r: Round): Promise<boolean> {
    let highest = 0n;
    for (const o of this.rounds.values()) {
      if (
        o.stream === r.stream &&
        o.sequence < r.sequence &&
        o.mine &&
        o.state !== "done" &&
        o.sequence > highest
      ) {
        if (this.clock.now() < o.deadlineMs) highest = o.sequence;
      }
    }
    if (highest === 0n) return false;
    const last = await this.chain.lastSequence(r.stream).catch(() => undefined);
    return last !== undefined && last < highest;
  }

  /** Forget rounds that are finished or past their deadline. */
  private sweep(): void {
    const now = this.clock.now();
    for (const [key, r] of this.rounds) {
      if (
        (r.state === "done" && now - (r.doneAt ?? now) > 30_000) ||
        (r.state === "collecting" && now > r.deadlineMs + 30_000)
      ) {
        if (r.timer) clearTimeout(r.timer);
        this.rounds.delete(key);
      }
    }
  }
}
