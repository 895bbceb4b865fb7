import { classifyHttpStatus, isRetryable, isRetryableKind } from "../errors/classify.js";
import { OptimizerInputError, QpuAuthError, QpuError, QpuRetryableError } from "./errors.js";
import type { QpuCircuit, QpuCounts, QpuJobState, QpuJobStatus, QpuProvider } from "./QpuProvider.js";

export interface IbmRuntimeClientOptions {
  /** REST base, e.g. https://quantum.cloud.ibm.com/api/v1 (or a local stand-in in tests). */
  readonly baseUrl: string;
  /** Bearer token (IBM Cloud IAM access token). */
  readonly token: string;
  readonly backend: string;
  /** Service instance CRN, sent as the `Service-CRN` header when set. */
  readonly instance?: string;
  /** Billing estimate: QPU seconds per shot and per job (defaults are rough, tune per backend). */
  readonly secondsPerShot?: number;
  readonly secondsPerJob?: number;
  readonly fetch?: typeof fetch;
}

const STATES: Record<string, QpuJobState> = {
  queued: "queued",
  running: "running",
  completed: "completed",
  failed: "failed",
  cancelled: "cancelled",
  "cancelled - ran too long": "cancelled",
};

/**
 * QpuProvider for the IBM Quantum (Qiskit) Runtime REST API, Sampler primitive V2:
 * POST /jobs {program_id: "sampler", backend, params: {pubs: [[qasm, [], shots]], version: 2}},
 * GET /jobs/{id} for status, GET /jobs/{id}/results for hex-encoded samples, POST
 * /jobs/{id}/cancel. HTTP 401/403 → QpuAuthError, 429/5xx and network failures →
 * QpuRetryableError. Circuits must already suit the backend (IBM expects ISA circuits; this client
 * does not transpile).
 *
 * @example
 * const ibm = new IbmRuntimeClient({ baseUrl, token, backend: "ibm_brisbane" });
 */
export class IbmRuntimeClient implements QpuProvider {
  readonly name: string;
  private readonly options: IbmRuntimeClientOptions;
  private readonly doFetch: typeof fetch;

  constructor(options: IbmRuntimeClientOptions) {
    if (!options.token)
      throw new OptimizerInputError("IbmRuntimeClient needs a token (IBM Cloud IAM bearer token)");
    if (!options.backend) throw new OptimizerInputError("IbmRuntimeClient needs a backend name");
    this.options = options;
    this.name = `ibm-runtime:${options.backend}`;
    this.doFetch = options.fetch ?? fetch;
  }

  estimateCost(circuits: readonly QpuCircuit[]): number {
    const perShot = this.options.secondsPerShot ?? 0.0002;
    const perJob = this.options.secondsPerJob ?? 2;
    return perJob + circuits.reduce((s, c) => s + c.shots * perShot, 0);
  }

  async submit(circuits: readonly QpuCircuit[]): Promise<string> {
    const body = {
      program_id: "sampler",
      backend: this.options.backend,
      params: { pubs: circuits.map((c) => [c.qasm, [], c.shots]), version: 2 },
    };
    const res = (await this.request("POST", "/jobs", body)) as { id?: unknown };
    if (typeof res.id !== "string") throw new QpuError("IBM Runtime: job submission response has no id");
    return res.id;
  }

  async status(jobId: string): Promise<QpuJobStatus> {
    const res = (await this.request("GET", `/jobs/${encodeURIComponent(jobId)}`)) as {
      status?: unknown;
      state?: { status?: unknown; reason?: unknown };
    };
    const raw = String(res.state?.status ?? res.status ?? "").toLowerCase();
    const state = STATES[raw];
    if (!state) throw new QpuError(`IBM Runtime: unknown job status "${raw}" for job ${jobId}`);
    const reason = res.state?.reason;
    return typeof reason === "string" ? { state, reason } : { state };
  }

  async result(jobId: string): Promise<QpuCounts[]> {
    const res = (await this.request("GET", `/jobs/${encodeURIComponent(jobId)}/results`)) as {
      results?: { data?: Record<string, { samples?: unknown }> }[];
    };
    if (!Array.isArray(res.results))
      throw new QpuError(`IBM Runtime: results for job ${jobId} are malformed`);
    return res.results.map((pub, i) => {
      const register = Object.values(pub.data ?? {})[0];
      const samples = register?.samples;
      if (!Array.isArray(samples)) throw new QpuError(`IBM Runtime: pub ${i} of job ${jobId} has no samples`);
      const counts = new Map<number, number>();
      for (const s of samples) {
        const v = Number.parseInt(String(s), 16);
        if (!Number.isSafeInteger(v)) throw new QpuError(`IBM Runtime: sample "${String(s)}" is not hex`);
        counts.set(v, (counts.get(v) ?? 0) + 1);
      }
      return counts;
    });
  }

  async cancel(jobId: string): Promise<void> {
    await this.request("POST", `/jobs/${encodeURIComponent(jobId)}/cancel`);
  }

  private async request(method: string, path: string, body?: unknown): Promise<unknown> {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${this.options.token}`,
      Accept: "application/json",
    };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (this.options.instance) headers["Service-CRN"] = this.options.instance;
    let res: Response;
    try {
      res = await this.doFetch(this.options.baseUrl.replace(/\/$/, "") + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      const Cls = isRetryable(e) ? QpuRetryableError : QpuError;
      throw new Cls(`IBM Runtime: ${method} ${path} failed to connect`, { cause: e });
    }
    const text = await res.text();
    const kind = classifyHttpStatus(res.status);
    const details = { status: res.status, response: text };
    if (kind === "auth")
      throw new QpuAuthError(`IBM Runtime rejected the token (HTTP ${res.status}); refresh the IAM token`, {
        details,
      });
    if (kind !== undefined && isRetryableKind(kind))
      throw new QpuRetryableError(`IBM Runtime: HTTP ${res.status} on ${method} ${path}`, { details });
    if (kind !== undefined)
      throw new QpuError(`IBM Runtime: HTTP ${res.status} on ${method} ${path}: ${text}`, { details });
    if (text === "") return {};
    try {
      return JSON.parse(text) as unknown;
    } catch (e) {
      throw new QpuError(`IBM Runtime: ${method} ${path} returned non-JSON`, {
        cause: e,
        details: { response: text },
      });
    }
  }
}
