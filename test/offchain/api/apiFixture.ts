import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Provider } from "ethers";
import { network } from "hardhat";
import { createApiContext } from "../../../offchain/api/ApiContext.js";
import type { ApiContext, ApiContextOptions } from "../../../offchain/api/ApiContext.js";
import { ApiKeyStore } from "../../../offchain/api/ApiKeyStore.js";
import { createApiApp } from "../../../offchain/api/createApiApp.js";
import { parseDeployment } from "../../../offchain/api/loadDeployment.js";
import { startApiServer } from "../../../offchain/api/startApiServer.js";
import type { RunningServer } from "../../../offchain/api/startApiServer.js";
import { canonicalJson } from "../../../offchain/runlog/canonicalJson.js";
import { RunLogWriter } from "../../../offchain/runlog/RunLogWriter.js";
import type { Decision } from "../../../offchain/types/decision.js";
import {
  USD,
  deployFixture,
  executionReport,
  fill,
  fund,
  settle,
  signalReport,
  submitExecution,
  submitSignal,
  type Fixture,
} from "../../helpers/sigilFixture.js";

export const E8 = 10n ** 8n;
export const NAV = USD(1_000_000);
export const PRICE = { BTC: 42_000n * E8, ETH: 2_300n * E8 };

/** Signal, execution and NAV reports that give every list endpoint something to show. */
export async function seedChain(f: Fixture): Promise<void> {
  const wait = async (p: Promise<{ wait(): Promise<unknown> }>) => (await p).wait();
  // Epoch 0: alice's deposit, so lastNav (which sizes fills) is NAV.
  await fund(f, f.alice, NAV);
  await wait(f.vault.connect(f.alice).requestDeposit(NAV, f.alice.address));
  await wait(settle(f, 0n));
  // Signal 1 accepted (BTC 30 % long, ETH 20 % short) and filled cleanly by execution 1; signal 2
  // rejected (BTC above its 40 % cap); signal 3 accepted (BTC 20 %, ETH flat) and filled by
  // execution 2, the ETH buy-back at a price 10 % off the feed (PriceDeviation; trips ReduceOnly).
  const ts = 1_700_000_000n;
  await wait(submitSignal(f, await signalReport(f, 1n, [0, 1], [3_000, -2_000])));
  await wait(
    submitExecution(
      f,
      await executionReport(f, 1n, 1n, [
        fill(0, 714_285_714n, PRICE.BTC, ts),
        fill(1, -8_695_652_173n, PRICE.ETH, ts),
      ]),
    ),
  );
  await wait(submitSignal(f, await signalReport(f, 2n, [0], [5_000])));
  await wait(submitSignal(f, await signalReport(f, 3n, [0], [2_000])));
  await wait(
    submitExecution(
      f,
      await executionReport(f, 2n, 3n, [
        fill(0, -238_095_238n, PRICE.BTC, ts + 1n),
        fill(1, 8_695_652_173n, (PRICE.ETH * 110n) / 100n, ts + 1n),
      ]),
    ),
  );
  // Epochs 1 and 2: half the assets go to the venue, which then reports a 2 % gain.
  await wait(f.vault.connect(f.custodian).sendToVenue(USD(500_000), "0x" + "11".repeat(32)));
  await wait(settle(f, USD(500_000)));
  await wait(settle(f, USD(510_000)));
}

function decision(i: number): Decision {
  return {
    runId: "0xrun-api",
    timestamp: 1_700_000_000_000 + i * 86_400_000,
    seed: 7,
    inputsHash: `0x${String(i).padStart(64, "0")}`,
    featuresVersion: "f1-test",
    models: [{ name: "ma", versionHash: "0xabc" }],
    scores: { "BTC/USDT": 0.01 * i },
    weights: { "BTC/USDT": 0.25 },
    estimatedReturn: 0.001 * i,
    optimizerMeta: null,
  };
}

/**
 * A runs root with `bt-good` (5 decisions + 4 amendments, summary and analysis), `bt-tampered`
 * (the first decision's weight edited) and `decide` (a log without summary); an artefacts root with one
 * model card.
 */
export function seedFiles(): { runsDir: string; artefactsDir: string } {
  const root = mkdtempSync(join(tmpdir(), "sigil-api-"));
  const runsDir = join(root, "runs");
  const artefactsDir = join(root, "artefacts");
  const w = RunLogWriter.inMemory();
  let prev: string | null = null;
  for (let i = 0; i < 5; i++) {
    if (prev) w.amend(prev, 0.002 * i, decision(i).timestamp);
    prev = w.appendDecision(decision(i)).hash;
  }
  for (const [name, text] of [
    ["bt-good", w.text()],
    ["bt-tampered", w.text().replace('"weights":{"BTC/USDT":0.25}', '"weights":{"BTC/USDT":0.5}')],
  ] as const) {
    mkdirSync(join(runsDir, name), { recursive: true });
    writeFileSync(join(runsDir, name, "run_log.jsonl"), text);
    writeFileSync(
      join(runsDir, name, "summary.json"),
      canonicalJson({
        runId: "0xrun-api",
        runLogHead: w.headHash,
        decisions: 5,
        fills: 0,
        settings: {},
        title: name,
      }) + "\n",
    );
    writeFileSync(join(runsDir, name, "analysis.json"), canonicalJson({ metrics: { sharpe: 1.25 } }) + "\n");
  }
  mkdirSync(join(runsDir, "decide"), { recursive: true });
  writeFileSync(join(runsDir, "decide", "run_log.jsonl"), RunLogWriter.inMemory().text());
  mkdirSync(join(artefactsDir, "ma-1d"), { recursive: true });
  writeFileSync(
    join(artefactsDir, "ma-1d", "model-card.json"),
    JSON.stringify({
      name: "ma-momentum",
      kind: "ma-momentum",
      purpose: "baseline",
      hyperParameters: { fast: 10, slow: 50 },
      featuresVersion: "f1-test",
      columns: ["smaRatio20"],
      training: null,
      limitations: [],
      versionHash: "sha256:abc",
      validation: null,
    }),
  );
  return { runsDir, artefactsDir };
}

/** Base URL, context and a helper to call the API with a key. */
export interface ApiHarness {
  readonly f: Fixture;
  readonly ctx: ApiContext;
  readonly server: RunningServer;
  readonly files: { runsDir: string; artefactsDir: string };
  /** GET `path` with `key` (none when null); returns status, headers and parsed JSON. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON bodies, asserted field by field
  get(path: string, key?: string | null): Promise<{ status: number; headers: Headers; body: any }>;
  close(): Promise<void>;
}

/** Deploys, seeds the chain and the files, and starts the API on an ephemeral port. */
export async function startHarness(
  options: { now?: () => number; seed?: boolean; context?: Partial<ApiContextOptions> } = {},
): Promise<ApiHarness & { keys: ApiKeyStore }> {
  const { ethers } = await network.create();
  const f = await deployFixture(ethers);
  if (options.seed !== false) await seedChain(f);
  const files = seedFiles();
  const keys = ApiKeyStore.open(":memory:", options.now);
  const ctx = createApiContext({
    provider: ethers.provider as unknown as Provider,
    deployment: parseDeployment(
      JSON.parse(JSON.stringify(f.deployment, (_k, v) => (typeof v === "bigint" ? v.toString() : v))),
    ),
    keys,
    ...files,
    indexer: { minSyncIntervalMs: 0, blockRange: 7 },
    ...(options.now ? { now: options.now } : {}),
    ...options.context,
  });
  const { app } = createApiApp(ctx, { logError: () => {} });
  const server = await startApiServer(app);
  return {
    f,
    ctx,
    keys,
    server,
    files,
    async get(path, key) {
      const headers: Record<string, string> = key ? { authorization: `Bearer ${key}` } : {};
      const r = await fetch(server.url + path, { headers });
      const text = await r.text();
      return { status: r.status, headers: r.headers, body: text ? JSON.parse(text) : null };
    },
    async close() {
      await server.close();
      keys.close();
    },
  };
}

/** Reads a file back (for tests that compare served lines with the file). */
export function readLines(path: string): string[] {
  return readFileSync(path, "utf8").trim().split("\n");
}
