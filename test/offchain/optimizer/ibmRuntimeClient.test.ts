import { expect } from "chai";
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  QpuAuthError,
  QpuBudgetExceededError,
  QpuJobFailedError,
  QpuTimeoutError,
} from "../../../offchain/optimizer/errors.js";
import { IbmRuntimeClient } from "../../../offchain/optimizer/IbmRuntimeClient.js";
import { optimizePortfolio } from "../../../offchain/optimizer/optimizePortfolio.js";
import { runOnQpu } from "../../../offchain/optimizer/runOnQpu.js";
import { randomInput } from "./fixtures.js";

interface Job {
  pubs: [string, unknown[], number][];
  polls: number;
  cancelled: boolean;
}

/**
 * Local stand-in for the IBM Quantum Runtime REST API on 127.0.0.1. `script` controls behaviour:
 * how many polls a job stays queued/running, injected HTTP failures, and the samples returned.
 */
class StandIn {
  readonly jobs = new Map<string, Job>();
  readonly requests: string[] = [];
  pollsUntilDone = 2;
  failNext: number[] = []; // HTTP statuses to return for the next requests
  finalState = "Completed";
  samples: string[] = ["0x3", "0x3", "0x5"];
  private server: Server | undefined;
  baseUrl = "";

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", r));
    this.baseUrl = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/api/v1`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => this.server!.close(() => r()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body = "";
    for await (const chunk of req) body += String(chunk);
    const send = (status: number, json: unknown): void => {
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(JSON.stringify(json));
    };
    this.requests.push(`${req.method} ${req.url}`);
    if (req.headers.authorization !== "Bearer good-token")
      return send(401, { errors: [{ message: "Unauthorized" }] });
    const fail = this.failNext.shift();
    if (fail) return send(fail, { errors: [{ message: "injected" }] });
    const url = req.url ?? "";
    let m: RegExpMatchArray | null;
    if (req.method === "POST" && url === "/api/v1/jobs") {
      const parsed = JSON.parse(body) as {
        program_id: string;
        backend: string;
        params: { pubs: Job["pubs"] };
      };
      if (parsed.program_id !== "sampler" || !parsed.backend)
        return send(400, { errors: [{ message: "bad" }] });
      const id = `job-${this.jobs.size + 1}`;
      this.jobs.set(id, { pubs: parsed.params.pubs, polls: 0, cancelled: false });
      return send(200, { id, backend: parsed.backend });
    }
    if ((m = url.match(/^\/api\/v1\/jobs\/([^/]+)$/)) && req.method === "GET") {
      const job = this.jobs.get(m[1]!);
      if (!job) return send(404, { errors: [{ message: "no such job" }] });
      job.polls++;
      const status = job.cancelled
        ? "Cancelled"
        : job.polls > this.pollsUntilDone
          ? this.finalState
          : job.polls > 1
            ? "Running"
            : "Queued";
      return send(200, {
        id: m[1],
        status,
        state: { status, reason: status === "Failed" ? "calibration" : undefined },
      });
    }
    if ((m = url.match(/^\/api\/v1\/jobs\/([^/]+)\/results$/)) && req.method === "GET") {
      const job = this.jobs.get(m[1]!)!;
      return send(200, {
        results: job.pubs.map(() => ({ data: { c: { samples: this.samples, num_bits: 3 } } })),
      });
    }
    if ((m = url.match(/^\/api\/v1\/jobs\/([^/]+)\/cancel$/)) && req.method === "POST") {
      this.jobs.get(m[1]!)!.cancelled = true;
      res.writeHead(204);
      return void res.end();
    }
    send(404, { errors: [{ message: "not found" }] });
  }
}

function fake(): { clock: () => number; sleep: (ms: number) => Promise<void> } {
  let t = 0;
  return { clock: () => t, sleep: async (ms) => void (t += ms) };
}

describe("optimizer: IBM Runtime client against a local stand-in server", () => {
  const server = new StandIn();
  before(() => server.start());
  after(() => server.stop());
  beforeEach(() => {
    server.pollsUntilDone = 2;
    server.failNext = [];
    server.finalState = "Completed";
    server.requests.length = 0;
  });
  const client = (token = "good-token"): IbmRuntimeClient =>
    new IbmRuntimeClient({ baseUrl: server.baseUrl, token, backend: "ibm_test" });
  const circuit = { qasm: 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[3];\n', shots: 3 };

  it("submits, polls through Queued/Running, and parses hex samples into counts", async () => {
    const { counts, jobIds, cost } = await runOnQpu(client(), [circuit], {
      timeoutMs: 60_000,
      costBudget: 10,
      ...fake(),
    });
    expect(jobIds).to.deep.equal([`job-${server.jobs.size}`]);
    expect([...counts[0]!.entries()]).to.deep.equal([
      [3, 2],
      [5, 1],
    ]);
    expect(cost).to.be.greaterThan(0);
    expect(server.requests.filter((r) => r.startsWith("GET /api/v1/jobs/job-")).length).to.be.at.least(3);
  });

  it("batches circuits into jobs of batchSize", async () => {
    const before = server.jobs.size;
    const { counts, jobIds } = await runOnQpu(client(), [circuit, circuit, circuit, circuit, circuit], {
      timeoutMs: 60_000,
      costBudget: 100,
      batchSize: 2,
      ...fake(),
    });
    expect(jobIds).to.have.length(3);
    expect(counts).to.have.length(5);
    expect(server.jobs.size - before).to.equal(3);
  });

  it("maps 401 to QpuAuthError without retrying", async () => {
    let err: unknown;
    try {
      await runOnQpu(client("bad"), [circuit], { timeoutMs: 1000, costBudget: 10, ...fake() });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(QpuAuthError);
    expect(server.requests).to.have.length(1);
  });

  it("retries 503 and 429 with backoff, then succeeds", async () => {
    server.failNext = [503, 429];
    const { counts } = await runOnQpu(client(), [circuit], { timeoutMs: 60_000, costBudget: 10, ...fake() });
    expect(counts).to.have.length(1);
    expect(server.requests.slice(0, 3).every((r) => r === "POST /api/v1/jobs")).to.equal(true);
  });

  it("times out on a job that never finishes, and cancels it", async () => {
    server.pollsUntilDone = 1e9;
    let err: unknown;
    try {
      await runOnQpu(client(), [circuit], {
        timeoutMs: 10_000,
        pollIntervalMs: 1000,
        costBudget: 10,
        ...fake(),
      });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(QpuTimeoutError);
    expect(server.requests.at(-1)).to.match(/^POST \/api\/v1\/jobs\/job-\d+\/cancel$/);
  });

  it("reports failed jobs with the provider's reason", async () => {
    server.finalState = "Failed";
    let err: unknown;
    try {
      await runOnQpu(client(), [circuit], { timeoutMs: 60_000, costBudget: 10, ...fake() });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(QpuJobFailedError);
    expect((err as Error).message).to.match(/failed: calibration/);
  });

  it("refuses to submit beyond the cost budget", async () => {
    let err: unknown;
    try {
      await runOnQpu(client(), [{ ...circuit, shots: 1e6 }], { timeoutMs: 1000, costBudget: 5, ...fake() });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(QpuBudgetExceededError);
    expect(server.requests).to.have.length(0);
  });

  it("the orchestrator samples on the QPU and falls back with a reason when the QPU fails", async () => {
    // A0 and A1 score far above the rest, so {A0, A1} is the optimum: a QPU answer is only used
    // when it is no worse than the exact optimum already computed.
    const input = {
      ...randomInput(51, 6, false),
      k: 2,
      mode: "long-only" as const,
      scores: [3, 2.9, 0.1, 0.2, 0.05, 0.15],
    };
    // stand-in returns weight-2 samples 0x3 (assets 0,1) and 0x5 (assets 0,2)
    const ok = await optimizePortfolio(input, {
      seed: 1,
      minApproximationRatio: 0,
      qaoa: { p: 1, shots: 3 },
      qpu: { provider: client(), timeoutMs: 60_000, costBudget: 10, ...fake() },
    });
    expect(ok.optimizer_meta.backend).to.equal("ibm-runtime:ibm_test");
    expect(ok.optimizer_meta.fallback).to.equal(false);
    expect(ok.optimizer_meta.solver).to.equal("qaoa");
    expect(ok.assets.join(",")).to.equal("A0,A1");
    server.pollsUntilDone = 1e9;
    const timedOut = await optimizePortfolio(input, {
      seed: 1,
      qaoa: { p: 1, shots: 3 },
      qpu: { provider: client(), timeoutMs: 5000, pollIntervalMs: 1000, costBudget: 10, ...fake() },
    });
    expect(timedOut.optimizer_meta.fallback).to.equal(true);
    expect(timedOut.optimizer_meta.fallback_reason).to.match(/QPU failed: QpuTimeoutError/);
    expect(timedOut.optimizer_meta.solver).to.equal("exact");
  });
});
