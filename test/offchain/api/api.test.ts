import { assert } from "chai";
import { Interface } from "ethers";
import type { Provider } from "ethers";
import { createApiContext } from "../../../offchain/api/ApiContext.js";
import { ApiKeyStore } from "../../../offchain/api/ApiKeyStore.js";
import {
  BacktestResponse,
  NavListResponse,
  PortfolioSchema,
  RunListResponse,
  RunRecordsResponse,
  SignalListResponse,
  TradeListResponse,
} from "../../../offchain/api/apiSchemas.js";
import { ChainIndexer } from "../../../offchain/api/ChainIndexer.js";
import { SIGIL_VAULT_ABI, TRADE_LEDGER_ABI } from "../../../offchain/api/contractAbis.js";
import { createApiApp } from "../../../offchain/api/createApiApp.js";
import { startApiServer } from "../../../offchain/api/startApiServer.js";
import { expectClose } from "../../helpers/expectClose.js";
import { settle } from "../../helpers/sigilFixture.js";
import { NAV, readLines, startHarness, type ApiHarness } from "./apiFixture.js";
import { join } from "node:path";

const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);

describe("REST API over a local chain", function () {
  let h: ApiHarness & { keys: ApiKeyStore };
  let clock = T0;
  let key: string;

  before(async () => {
    h = await startHarness({ now: () => clock });
    key = h.keys.create({ name: "test", dailyQuota: 100_000, ratePerSecond: 1_000, burst: 1_000 }).key;
  });
  after(async () => {
    await h?.close();
  });

  describe("system routes", () => {
    it("/health answers without a key", async () => {
      const r = await h.get("/health");
      assert.equal(r.status, 200);
      assert.deepEqual(r.body, { status: "ok" });
    });

    it("/ready reports the chain, head and indexed block", async () => {
      const r = await h.get("/ready");
      assert.equal(r.status, 200);
      assert.equal(r.body.status, "ready");
      assert.equal(r.body.chainId, h.ctx.deployment.chainId);
      assert.isAtLeast(r.body.headBlock, 1);
    });

    it("unknown routes and other methods are JSON errors", async () => {
      const r = await h.get("/v1/nope", key);
      assert.equal(r.status, 404);
      assert.equal(r.body.error.code, "ROUTE_NOT_FOUND");
      const p = await fetch(`${h.server.url}/v1/signals`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}` },
      });
      assert.equal(p.status, 405);
      assert.equal(((await p.json()) as { error: { code: string } }).error.code, "METHOD_NOT_ALLOWED");
    });
  });

  describe("authentication", () => {
    it("rejects a missing key", async () => {
      const r = await h.get("/v1/signals");
      assert.equal(r.status, 401);
      assert.equal(r.body.error.code, "MISSING_API_KEY");
    });

    it("rejects malformed, unknown and wrong-secret keys alike", async () => {
      const [, id] = key.split("_");
      for (const bad of [
        "nonsense",
        `sgl_${"0".repeat(16)}_${"A".repeat(43)}`,
        `sgl_${id}_${"A".repeat(43)}`,
      ]) {
        const r = await h.get("/v1/signals", bad);
        assert.equal(r.status, 401, bad);
        assert.equal(r.body.error.code, "INVALID_API_KEY");
      }
    });

    it("rejects a revoked key and accepts X-API-Key", async () => {
      const k = h.keys.create({ name: "to-revoke" });
      const ok = await fetch(`${h.server.url}/v1/models`, { headers: { "x-api-key": k.key } });
      assert.equal(ok.status, 200);
      assert.isTrue(h.keys.revoke(k.record.id));
      const r = await h.get("/v1/models", k.key);
      assert.equal(r.status, 401);
      assert.equal(r.body.error.code, "REVOKED_API_KEY");
    });

    it("rate-limits with a token bucket: 429 RATE_LIMITED and Retry-After, then recovers", async () => {
      const k = h.keys.create({ name: "slow", ratePerSecond: 1, burst: 3 }).key;
      for (let i = 0; i < 3; i++) assert.equal((await h.get("/v1/models", k)).status, 200);
      const r = await h.get("/v1/models", k);
      assert.equal(r.status, 429);
      assert.equal(r.body.error.code, "RATE_LIMITED");
      assert.equal(r.headers.get("retry-after"), "1");
      assert.equal(r.headers.get("x-ratelimit-remaining"), "0");
      clock += 1_000;
      assert.equal((await h.get("/v1/models", k)).status, 200);
    });

    it("enforces the daily quota until the next UTC day; rate-limited calls do not count", async () => {
      const k = h.keys.create({ name: "small", dailyQuota: 2, ratePerSecond: 100, burst: 100 });
      const first = await h.get("/v1/models", k.key);
      assert.equal(first.headers.get("x-quota-remaining"), "1");
      assert.equal((await h.get("/v1/models", k.key)).status, 200);
      const r = await h.get("/v1/models", k.key);
      assert.equal(r.status, 429);
      assert.equal(r.body.error.code, "QUOTA_EXCEEDED");
      const midnight = Date.UTC(2026, 0, 16);
      assert.equal(Number(r.headers.get("retry-after")), Math.ceil((midnight - clock) / 1000));
      const saved = clock;
      clock = midnight + 1;
      assert.equal((await h.get("/v1/models", k.key)).status, 200);
      clock = saved;
    });
  });

  describe("input validation", () => {
    const cases: Array<[string, string]> = [
      ["/v1/trades?foo=1", "unknown parameter"],
      ["/v1/portfolio?block=1", "unknown parameter on a route without parameters"],
      ["/v1/signals?limit=0", "limit below 1"],
      ["/v1/signals?limit=501", "limit above 500"],
      ["/v1/signals?limit=abc", "limit not a number"],
      ["/v1/signals?offset=-1", "negative offset"],
      ["/v1/signals?limit=1&limit=2", "repeated parameter"],
      ["/v1/signals?status=maybe", "unknown enum value"],
      ["/v1/trades?asset=BTC!", "malformed asset"],
      ["/v1/trades?asset=XYZ", "unknown asset symbol"],
      ["/v1/trades?signal=1.5", "non-integer signal"],
      ["/v1/nav?order=sideways", "unknown order"],
    ];
    for (const [path, why] of cases)
      it(`400 BAD_REQUEST: ${why}`, async () => {
        const r = await h.get(path, key);
        assert.equal(r.status, 400, JSON.stringify(r.body));
        assert.equal(r.body.error.code, "BAD_REQUEST");
        assert.isString(r.body.error.message);
      });

    it("names the unknown parameter in the error", async () => {
      const r = await h.get("/v1/trades?foo=1&bar=2", key);
      assert.match(r.body.error.message, /foo/);
      assert.deepInclude(r.body.error.details[0], { code: "unrecognized_keys", keys: ["foo", "bar"] });
    });
  });

  describe("chain data", () => {
    it("portfolio: targets from the ledger, positions, kill level and vault state", async () => {
      const r = await h.get("/v1/portfolio", key);
      assert.equal(r.status, 200);
      PortfolioSchema.parse(r.body);
      const btc = r.body.assets.find((a: { symbol: string }) => a.symbol === "BTC");
      const eth = r.body.assets.find((a: { symbol: string }) => a.symbol === "ETH");
      assert.deepEqual(btc, { asset: 0, symbol: "BTC", targetBps: 2_000, positionE8: "476190476" });
      assert.deepEqual(eth, { asset: 1, symbol: "ETH", targetBps: 0, positionE8: "0" });
      assert.equal(r.body.assets.length, 10);
      assert.deepEqual(r.body.killLevel, { code: 2, name: "ReduceOnly" });
      assert.equal(r.body.ledger.signalSequence, 3);
      assert.equal(r.body.ledger.executionSequence, 2);
      assert.equal(r.body.vault.epoch, 4, "epochs start at 1; three settled");
      assert.equal(r.body.vault.assetDecimals, 6);
    });

    it("NAV history: one point per settled epoch with supply and price per share", async () => {
      const r = await h.get("/v1/nav", key);
      assert.equal(r.status, 200);
      NavListResponse.parse(r.body);
      assert.deepEqual(
        r.body.items.map((p: { epoch: number }) => p.epoch),
        [1, 2, 3],
      );
      assert.equal(r.body.items[0].totalAssets, NAV.toString());
      const pps = r.body.items.map((p: { pricePerShare: string }) => Number(BigInt(p.pricePerShare)) / 1e18);
      // +1 % on the venue, less the 20 % performance fee above the high-water mark (and a minute of
      // the 2 %/year management fee): +0.8 %.
      expectClose(pps[2] / pps[1] - 1, 0.008, 0.0002, "venue gain of 10k on 1M shows in the share price");
      assert.isAbove(r.body.items[0].blockTimestamp, 0);
      assert.equal(r.body.indexedToBlock, h.ctx.indexer.indexedToBlock);
    });

    it("signals: accepted and rejected with the violation, filterable and paginated", async () => {
      const all = await h.get("/v1/signals", key);
      SignalListResponse.parse(all.body);
      assert.deepEqual(
        all.body.items.map((s: { sequence: number; status: string }) => [s.sequence, s.status]),
        [
          [1, "accepted"],
          [2, "rejected"],
          [3, "accepted"],
        ],
      );
      const rej = await h.get("/v1/signals?status=rejected", key);
      assert.equal(rej.body.items.length, 1);
      assert.deepEqual(rej.body.items[0].reason, { code: 2, name: "WeightAboveMax" });
      assert.deepEqual(rej.body.items[0].targets, [{ asset: 0, symbol: "BTC", weightBps: 5_000 }]);
      assert.deepEqual(all.body.items[0].targets, [
        { asset: 0, symbol: "BTC", weightBps: 3_000 },
        { asset: 1, symbol: "ETH", weightBps: -2_000 },
      ]);
      const p = await h.get("/v1/signals?limit=1&offset=1", key);
      assert.equal(p.body.items[0].sequence, 2);
      assert.deepEqual(p.body.page, { offset: 1, limit: 1, total: 3, nextOffset: 2 });
      const d = await h.get("/v1/signals?order=desc&limit=2", key);
      assert.deepEqual(
        d.body.items.map((s: { sequence: number }) => s.sequence),
        [3, 2],
      );
    });

    it("trades: violation bits decoded, filter by asset (symbol or index) and signal, paginated", async () => {
      const all = await h.get("/v1/trades", key);
      TradeListResponse.parse(all.body);
      assert.equal(all.body.page.total, 4);
      const masks = all.body.items.map((t: { violations: { names: string[] } }) => t.violations.names);
      assert.deepEqual(masks.slice(0, 3), [[], [], []]);
      assert.include(masks[3], "PriceDeviation");
      assert.equal(all.body.items[3].symbol, "ETH");
      assert.equal(all.body.items[1].positionE8, "-8695652173");
      const eth = await h.get("/v1/trades?asset=eth", key);
      const eth1 = await h.get("/v1/trades?asset=1", key);
      assert.equal(eth.body.page.total, 2);
      assert.deepEqual(eth.body.items, eth1.body.items);
      const s3 = await h.get("/v1/trades?signal=3", key);
      assert.deepEqual(
        s3.body.items.map((t: { executionSequence: number }) => t.executionSequence),
        [2, 2],
      );
      const btcS1 = await h.get("/v1/trades?signal=1&asset=BTC", key);
      assert.equal(btcS1.body.items.length, 1);
      assert.equal(btcS1.body.items[0].quantityE8, "714285714");
      const p1 = await h.get("/v1/trades?limit=3", key);
      assert.equal(p1.body.page.nextOffset, 3);
      const p2 = await h.get(`/v1/trades?limit=3&offset=${p1.body.page.nextOffset}`, key);
      assert.equal(p2.body.items.length, 1);
      assert.isNull(p2.body.page.nextOffset);
      assert.deepEqual([...p1.body.items, ...p2.body.items], all.body.items);
    });

    it("new events appear after later blocks (incremental sync)", async () => {
      const before = h.ctx.indexer.indexedToBlock;
      await (await settle(h.f, 510_000n * 10n ** 6n)).wait();
      const r = await h.get("/v1/nav?order=desc&limit=1", key);
      assert.equal(r.body.items[0].epoch, 4);
      assert.isAbove(r.body.indexedToBlock, before);
    });
  });

  describe("run directories", () => {
    it("lists runs with their hash-chain status", async () => {
      const r = await h.get("/v1/runs", key);
      RunListResponse.parse(r.body);
      const byId = Object.fromEntries(r.body.items.map((x: { id: string }) => [x.id, x]));
      assert.deepEqual(Object.keys(byId), ["bt-good", "bt-tampered", "decide"]);
      assert.isTrue(byId["bt-good"].chain.ok);
      assert.equal(byId["bt-good"].chain.decisions, 5);
      assert.equal(byId["bt-good"].chain.amendments, 4);
      assert.equal(byId["bt-good"].runId, "0xrun-api");
      assert.isFalse(byId["bt-tampered"].chain.ok);
      assert.equal(byId["bt-tampered"].chain.firstBadLine, 1);
      assert.isTrue(byId.decide.chain.ok);
      assert.equal(byId.decide.lines, 0);
    });

    it("pages through a run's records in file order", async () => {
      const lines = readLines(join(h.files.runsDir, "bt-good", "run_log.jsonl"));
      const r = await h.get("/v1/runs/bt-good?limit=4&offset=4", key);
      RunRecordsResponse.parse(r.body);
      assert.deepEqual(
        r.body.items.map((l: { hash: string }) => l.hash),
        lines.slice(4, 8).map((l) => (JSON.parse(l) as { hash: string }).hash),
      );
      assert.deepEqual(r.body.page, { offset: 4, limit: 4, total: 9, nextOffset: 8 });
      assert.equal(r.body.run.chain.head, r.body.run.chain.expectedHead);
    });

    it("404 for unknown runs and path tricks", async () => {
      for (const id of ["nope", "..%2F..%2Fetc", "%2E%2E"]) {
        const r = await h.get(`/v1/runs/${id}`, key);
        assert.equal(r.status, 404, id);
        assert.oneOf(r.body.error.code, ["RUN_NOT_FOUND", "ROUTE_NOT_FOUND"]);
      }
    });

    it("backtests: summaries, and one backtest's analysis and chain status", async () => {
      const l = await h.get("/v1/backtests", key);
      assert.deepEqual(
        l.body.items.map((b: { id: string }) => b.id),
        ["bt-good", "bt-tampered"],
      );
      const r = await h.get("/v1/backtests/bt-good", key);
      BacktestResponse.parse(r.body);
      expectClose(r.body.analysis.metrics.sharpe, 1.25, 1e-12);
      assert.isTrue(r.body.chain.ok);
      assert.equal((await h.get("/v1/backtests/decide", key)).body.error.code, "BACKTEST_NOT_FOUND");
    });

    it("model cards: list and one card", async () => {
      const l = await h.get("/v1/models", key);
      assert.deepEqual(l.body.items, [
        {
          id: "ma-1d",
          name: "ma-momentum",
          kind: "ma-momentum",
          versionHash: "sha256:abc",
          featuresVersion: "f1-test",
          validated: false,
        },
      ]);
      const c = await h.get("/v1/models/ma-1d", key);
      assert.deepEqual(c.body.hyperParameters, { fast: 10, slow: 50 });
      assert.equal((await h.get("/v1/models/none", key)).body.error.code, "MODEL_NOT_FOUND");
    });
  });

  describe("indexer", () => {
    it("its human-readable ABIs match the compiled contracts' events", () => {
      const ledger = new Interface(TRADE_LEDGER_ABI);
      const vault = new Interface(SIGIL_VAULT_ABI);
      for (const name of ["SignalAccepted", "SignalRejected", "TradeRecorded"] as const)
        assert.equal(ledger.getEvent(name)!.topicHash, h.f.ledger.interface.getEvent(name)!.topicHash, name);
      assert.equal(
        vault.getEvent("EpochSettled")!.topicHash,
        h.f.vault.interface.getEvent("EpochSettled")!.topicHash,
      );
    });

    it("reads logs in ranges of at most blockRange blocks and never rescans", async () => {
      const ranges: Array<[number, number]> = [];
      const base = h.ctx.provider;
      const counting = new Proxy(base, {
        get(target, prop, recv) {
          if (prop === "getLogs")
            return (filter: { fromBlock: number; toBlock: number }) => {
              ranges.push([filter.fromBlock, filter.toBlock]);
              return target.getLogs(filter);
            };
          const v = Reflect.get(target, prop, recv);
          return typeof v === "function" ? v.bind(target) : v;
        },
      }) as Provider;
      const ix = new ChainIndexer(counting, h.ctx.deployment, { blockRange: 4, minSyncIntervalMs: 0 });
      await ix.sync();
      assert.isAbove(ranges.length, 0);
      for (const [a, b] of ranges) assert.isAtMost(b - a + 1, 4);
      assert.equal(ix.trades.length, 4);
      assert.deepEqual(ix.signals, h.ctx.indexer.signals);
      const n = ranges.length;
      await ix.sync();
      assert.equal(ranges.length, n, "no new blocks: no getLogs");
    });

    it("bounds one sync by maxBlocksPerSync and resumes where it stopped", async () => {
      const ix = new ChainIndexer(h.ctx.provider, h.ctx.deployment, { blockRange: 3, maxBlocksPerSync: 5 });
      await ix.sync();
      const start = Math.min(
        h.ctx.deployment.contracts.TradeLedger.block,
        h.ctx.deployment.contracts.SigilVault.block,
      );
      assert.equal(ix.indexedToBlock, start - 1 + 5);
      await ix.sync();
      assert.equal(ix.indexedToBlock, start - 1 + 10);
    });
  });
});

describe("REST API when the RPC node is down", () => {
  it("/ready is 503 NOT_READY with Retry-After; chain routes are 503 RPC_UNAVAILABLE; file routes work", async () => {
    const down = new Error("connect ECONNREFUSED");
    const provider = {
      getNetwork: () => Promise.reject(down),
      getBlockNumber: () => Promise.reject(down),
    } as unknown as Provider;
    const keys = ApiKeyStore.open(":memory:");
    const deployment = {
      network: "x",
      chainId: 31337,
      contracts: {
        TradeLedger: { address: "0x" + "1".repeat(40), block: 1 },
        SigilVault: { address: "0x" + "2".repeat(40), block: 1 },
        RiskPolicy: { address: "0x" + "3".repeat(40), block: 1 },
      },
      assets: [],
      parameters: { assetDecimals: 6 },
    };
    const ctx = createApiContext({
      provider,
      deployment,
      keys,
      runsDir: "/nonexistent",
      artefactsDir: "/nonexistent",
    });
    const { app } = createApiApp(ctx, { logError: () => {} });
    const server = await startApiServer(app);
    try {
      const { key } = keys.create({ name: "k" });
      const ready = await fetch(`${server.url}/ready`);
      assert.equal(ready.status, 503);
      assert.equal(ready.headers.get("retry-after"), "5");
      assert.equal(((await ready.json()) as { error: { code: string } }).error.code, "NOT_READY");
      for (const path of ["/v1/portfolio", "/v1/nav", "/v1/signals", "/v1/trades"]) {
        const r = await fetch(server.url + path, { headers: { authorization: `Bearer ${key}` } });
        assert.equal(r.status, 503, path);
        assert.equal(((await r.json()) as { error: { code: string } }).error.code, "RPC_UNAVAILABLE");
      }
      const runs = await fetch(`${server.url}/v1/runs`, { headers: { authorization: `Bearer ${key}` } });
      assert.equal(runs.status, 200);
      assert.deepEqual(((await runs.json()) as { items: unknown[] }).items, []);
    } finally {
      await server.close();
      keys.close();
    }
  });

  it("/ready is 503 when the node is on another chain than the deployment", async () => {
    const provider = {
      getNetwork: () => Promise.resolve({ chainId: 1n }),
      getBlockNumber: () => Promise.resolve(10),
    } as unknown as Provider;
    const keys = ApiKeyStore.open(":memory:");
    const deployment = {
      network: "x",
      chainId: 31337,
      contracts: {
        TradeLedger: { address: "0x" + "1".repeat(40), block: 1 },
        SigilVault: { address: "0x" + "2".repeat(40), block: 1 },
        RiskPolicy: { address: "0x" + "3".repeat(40), block: 1 },
      },
      assets: [],
      parameters: { assetDecimals: 6 },
    };
    const ctx = createApiContext({ provider, deployment, keys, runsDir: "/x", artefactsDir: "/x" });
    const server = await startApiServer(createApiApp(ctx).app);
    try {
      const r = await fetch(`${server.url}/ready`);
      assert.equal(r.status, 503);
      assert.match(
        ((await r.json()) as { error: { message: string } }).error.message,
        /chain 1 .* chain 31337/,
      );
    } finally {
      await server.close();
      keys.close();
    }
  });
});
