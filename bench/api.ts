/**
 * REST API benchmark: `npm run bench:api`.
 *
 * Deploys the contracts on Hardhat's in-process network, seeds a dataset (3 NAV epochs, ~200
 * signals, ~200 fills, run directories with a 1,000-decision log, a model card), starts the API on
 * an ephemeral port, and drives each main read endpoint at a fixed 500 requests/s with autocannon
 * running in a child process (so the load generator does not share the server's event loop).
 * Prints throughput and latency p50/p99 against the 100 ms p99 target. `SIGIL_BENCH_SECONDS`
 * sets the duration per endpoint (default 10).
 */
import { execFile } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Provider } from "ethers";
import { network } from "hardhat";
import { createApiContext } from "../offchain/api/ApiContext.js";
import { ApiKeyStore } from "../offchain/api/ApiKeyStore.js";
import { createApiApp } from "../offchain/api/createApiApp.js";
import { parseDeployment } from "../offchain/api/loadDeployment.js";
import { startApiServer } from "../offchain/api/startApiServer.js";
import { canonicalJson } from "../offchain/runlog/canonicalJson.js";
import { RunLogWriter } from "../offchain/runlog/RunLogWriter.js";
import { PRICE, seedChain, seedFiles } from "../test/offchain/api/apiFixture.js";
import {
  deployFixture,
  executionReport,
  fill,
  signalReport,
  submitExecution,
  submitSignal,
} from "../test/helpers/sigilFixture.js";

const RATE = 500;
const SECONDS = Number(process.env.SIGIL_BENCH_SECONDS ?? 10);
const P99_TARGET_MS = 100;
const EXTRA_ROUNDS = 200;

const run = promisify(execFile);
const autocannon = createRequire(import.meta.url).resolve("autocannon");

interface Result {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; max: number };
  non2xx: number;
  errors: number;
}

async function seed() {
  const { ethers } = await network.create();
  const f = await deployFixture(ethers);
  await seedChain(f);
  // More signals and fills: the kill level is ReduceOnly after the seed, so raising BTC is rejected
  // and lowering it accepted — both are events the API serves.
  const wait = async (p: Promise<{ wait(): Promise<unknown> }>) => (await p).wait();
  for (let i = 0; i < EXTRA_ROUNDS; i++) {
    const seq = 4n + BigInt(i);
    await wait(submitSignal(f, await signalReport(f, seq, [0], [i % 2 === 0 ? 1_500 : 2_500])));
    await wait(
      submitExecution(
        f,
        await executionReport(f, 3n + BigInt(i), seq, [fill(0, 1_000n, PRICE.BTC, 1_700_000_000n)]),
      ),
    );
  }
  const files = seedFiles();
  const w = RunLogWriter.inMemory();
  for (let i = 0; i < 1_000; i++)
    w.appendDecision({
      runId: "0xbench",
      timestamp: 1_600_000_000_000 + i * 3_600_000,
      seed: 1,
      inputsHash: `0x${i.toString(16).padStart(64, "0")}`,
      featuresVersion: "f1-bench",
      models: [{ name: "ma", versionHash: "0xabc" }],
      scores: { "BTC/USDT": Math.sin(i) / 100, "ETH/USDT": Math.cos(i) / 100 },
      weights: { "BTC/USDT": 0.3, "ETH/USDT": 0.2 },
      estimatedReturn: 0.001,
      optimizerMeta: null,
    });
  const dir = join(files.runsDir, "bt-large");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "run_log.jsonl"), w.text());
  writeFileSync(
    join(dir, "summary.json"),
    canonicalJson({
      runId: "0xbench",
      runLogHead: w.headHash,
      decisions: 1_000,
      fills: 0,
      settings: {},
      title: "bench",
    }),
  );
  return { ethers, f, files };
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const { ethers, f, files } = await seed();
  const keys = ApiKeyStore.open(":memory:");
  const { key } = keys.create({
    name: "bench",
    dailyQuota: 10_000_000,
    ratePerSecond: 100_000,
    burst: 100_000,
  });
  const ctx = createApiContext({
    provider: ethers.provider as unknown as Provider,
    deployment: parseDeployment(
      JSON.parse(JSON.stringify(f.deployment, (_k, v) => (typeof v === "bigint" ? String(v) : v))),
    ),
    keys,
    ...files,
  });
  await ctx.indexer.sync();
  const server = await startApiServer(createApiApp(ctx).app);
  console.log(
    `seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${ctx.indexer.navHistory.length} NAV points, ` +
      `${ctx.indexer.signals.length} signals, ${ctx.indexer.trades.length} trades; API on ${server.url}`,
  );
  console.log(`${RATE} req/s for ${SECONDS} s per endpoint, 20 connections, autocannon in a child process\n`);
  const endpoints = [
    "/v1/portfolio",
    "/v1/nav",
    "/v1/signals?limit=50",
    "/v1/signals?status=rejected&order=desc&limit=100",
    "/v1/trades?asset=BTC&limit=50&offset=100",
    "/v1/runs",
    "/v1/runs/bt-large?limit=100&offset=500",
    "/v1/backtests/bt-good",
    "/v1/models",
    "/health",
  ];
  const rows: string[] = [];
  let worst = 0;
  try {
    for (const path of endpoints) {
      const { stdout } = await run(
        process.execPath,
        [
          autocannon,
          "-j",
          "-c",
          "20",
          "-R",
          String(RATE),
          "-d",
          String(SECONDS),
          "-H",
          `authorization=Bearer ${key}`,
          server.url + path,
        ],
        { maxBuffer: 64 * 1024 * 1024 },
      );
      const r = JSON.parse(stdout.trim().split("\n").at(-1)!) as Result;
      worst = Math.max(worst, r.latency.p99);
      rows.push(
        `${path.padEnd(52)} ${r.requests.average.toFixed(0).padStart(6)} ${String(r.latency.p50).padStart(7)} ${String(r.latency.p99).padStart(7)} ${String(r.latency.max).padStart(7)} ${String(r.non2xx + r.errors).padStart(6)}`,
      );
      console.log(rows.at(-1));
    }
  } finally {
    await server.close();
    keys.close();
  }
  console.log(
    `\n${"endpoint".padEnd(52)} ${"req/s".padStart(6)} ${"p50 ms".padStart(7)} ${"p99 ms".padStart(7)} ${"max ms".padStart(7)} ${"errors".padStart(6)}`,
  );
  for (const r of rows) console.log(r);
  console.log(
    `\nworst p99 ${worst} ms — target < ${P99_TARGET_MS} ms: ${worst < P99_TARGET_MS ? "met" : "MISSED"}`,
  );
}

await main();
