import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { CsvCandleSource } from "../../offchain/backtest/CsvCandleSource.js";
import {
  modelHashOf,
  snapshotHash,
  snapshotOfDecision,
  weightsToTargets,
  type InputSnapshot,
  type ProviderSpec,
} from "../../offchain/engine/InputSnapshot.js";
import {
  DirectorySnapshotStore,
  HttpSnapshotSource,
  serveSnapshots,
  snapshotRef,
} from "../../offchain/engine/SnapshotStore.js";
import { wireDecision } from "../../offchain/engine/wiring.js";
import { AssetList } from "../../offchain/execution/AssetList.js";
import { Stream } from "../../offchain/protocol/reportTypes.js";
import { targetOf } from "../../offchain/protocol/targets.js";
import { RunLogWriter } from "../../offchain/runlog/RunLogWriter.js";
import { movingAverageMomentum } from "../../offchain/strategy/movingAverageMomentum.js";
import { DEFAULT_STRATEGY_CONFIG, type StrategyConfig } from "../../offchain/strategy/StrategyConfig.js";
import type { CandleSeries } from "../../offchain/types/market.js";
import { reportToJson } from "../../oracle/proposals/reportSchemas.js";
import type { RecomputeRequest } from "../../oracle/recompute/DecisionRecomputer.js";
import { SnapshotRecomputer } from "../../oracle/recompute/SnapshotRecomputer.js";
import type { DecisionRecomputer } from "../../oracle/recompute/DecisionRecomputer.js";
import { metricValue, startOracleHarness, type OracleHarness } from "./helpers/oracleHarness.js";

const ROOT = resolve(import.meta.dirname, "../..");
const MA = { fast: 10, slow: 50 };
const SPEC: ProviderSpec = { kind: "ma-momentum", params: MA };
// Asset lanes of localDeployOptions (the harness deployment): BTC=0, ETH=1, BNB=2, SOL=3, XRP=4, ADA=5.
const assets = new AssetList(
  ["BTC", "ETH", "BNB", "SOL", "XRP", "ADA"].map((s, index) => ({ index, symbol: `${s}/USDT` })),
);
const indexOf = (s: string) => assets.indexOf(s);

/** One engine decision on the shared daily data, as `npm start` makes it. */
async function engineDecision(series: readonly CandleSeries[], at: number, strategy: StrategyConfig) {
  const outcome = await wireDecision({
    source: { name: "data/", kind: "offline", load: async () => [...series] },
    timeframe: "1d",
    provider: movingAverageMomentum(MA),
    strategy,
    seed: 1,
    at,
    capital: 100_000,
    holdings: { "BTC/USDT": 0.5 },
    runLog: RunLogWriter.inMemory(),
  });
  const snapshot = snapshotOfDecision(outcome, strategy, SPEC);
  const { packed } = weightsToTargets(outcome.record.weights, indexOf);
  return { outcome, snapshot, packed, modelHash: modelHashOf(outcome.record.models) };
}

const request = (hash: string, modelHash: string): RecomputeRequest => ({
  inputsHash: hash,
  inputSnapshotRef: snapshotRef(hash),
  runHash: hash,
  modelHash,
  timestamp: 0n,
});

describe("SnapshotRecomputer (input snapshots re-run on the shared daily data)", function () {
  this.timeout(300_000);
  let dir: string;
  let series: CandleSeries[];
  const strategy: StrategyConfig = {
    ...DEFAULT_STRATEGY_CONFIG,
    rebalanceEvery: 1,
    sizing: { kind: "fixed", gross: 0.95 },
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "sigil-snapshots-"));
    series = await new CsvCandleSource(join(ROOT, "data")).load(
      "1d",
      assets.symbols.map((s) => s),
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("reproduces the engine's packed targets byte for byte, fetched over HTTP by hash", async () => {
    const store = new DirectorySnapshotStore(join(dir, "http"));
    const server = await serveSnapshots(store);
    try {
      const recomputer = new SnapshotRecomputer({ source: new HttpSnapshotSource(server.url), indexOf });
      let nonTrivial = 0;
      for (const day of ["2023-03-01", "2023-06-15", "2023-11-20"]) {
        const e = await engineDecision(series, Date.parse(`${day}T00:00:00Z`), strategy);
        const hash = store.put(e.snapshot);
        expect(hash).to.equal(snapshotHash(e.snapshot));
        const r = await recomputer.recompute(request(hash, e.modelHash));
        expect(r, day).to.deep.equal({ kind: "deterministic", targets: e.packed });
        if (e.packed !== 0n) nonTrivial++;
      }
      expect(nonTrivial, "at least one decision holds assets").to.be.greaterThan(0);
    } finally {
      await server.close();
    }
  });

  it("refuses a tampered snapshot, a wrong model and a mismatched reference; throws when unreachable", async () => {
    const store = new DirectorySnapshotStore(join(dir, "tamper"));
    const recomputer = new SnapshotRecomputer({ source: store, indexOf });
    const e = await engineDecision(series, Date.parse("2023-06-15T00:00:00Z"), strategy);
    const hash = store.put(e.snapshot);

    expect((await recomputer.recompute(request(hash, "0x" + "ab".repeat(32)))).kind).to.equal("invalid");
    const other = "0x" + "cd".repeat(32);
    expect(
      (await recomputer.recompute({ ...request(hash, e.modelHash), inputSnapshotRef: snapshotRef(other) }))
        .kind,
    ).to.equal("invalid");
    // Unknown hash: the store cannot serve it (a node refuses the signal as recompute_unavailable).
    let unavailable: unknown;
    await recomputer.recompute(request(other, e.modelHash)).catch((err: unknown) => (unavailable = err));
    expect((unavailable as Error).name).to.equal("SnapshotUnavailableError");

    // One close nudged: the bytes no longer hash to the name they are stored under.
    const file = join(store.dir, `${hash}.json`);
    const doctored = JSON.parse(readFileSync(file, "utf8")) as Omit<InputSnapshot, "candles"> & {
      candles: Record<string, Array<{ close: number }>>;
    };
    doctored.candles["ETH/USDT"]!.at(-1)!.close *= 1.2;
    writeFileSync(file, JSON.stringify(doctored));
    const r = await recomputer.recompute(request(hash, e.modelHash));
    expect(r.kind).to.equal("invalid");
    expect((r as { reason: string }).reason).to.match(/hashes to/);
  });

  describe("an oracle node configured with it", function () {
    let h: OracleHarness;
    before(async () => {
      h = await startOracleHarness();
    });
    after(async () => {
      await h?.close();
    });

    it("signs a proposal that matches its re-computation and refuses a doctored or tampered one", async () => {
      // Small gross so the decision fits the harness's risk policy (max 40 % per asset).
      const small: StrategyConfig = { ...strategy, sizing: { kind: "fixed", gross: 0.3 } };
      const e = await engineDecision(series, Date.parse("2023-06-15T00:00:00Z"), small);
      const entries = weightsToTargets(e.outcome.record.weights, indexOf).entries;
      expect(entries.length).to.be.greaterThan(0);
      const store = new DirectorySnapshotStore(join(dir, "node"));
      const hash = store.put(e.snapshot);
      const server = await serveSnapshots(store);
      const node = await h.startNode(h.keystoreIndexOf(0), {
        dataDir: join(h.dir, "recompute-node"),
        deploymentId: "isolated-snapshot-recompute",
        recomputer: new SnapshotRecomputer({ source: new HttpSnapshotSource(server.url), indexOf }),
      });
      const proposal = async (weights: Array<[number, number]>, inputsHash = hash, flags = 1) => {
        const seq = (await h.contracts.ledger.sequences())[0] + 1n;
        const { report, body } = await h.signalProposal(seq, weights, { flags });
        const signal = { ...report.signal, inputsHash, modelHash: e.modelHash };
        return {
          report: reportToJson({ ...report, signal }),
          context: { ...body.context, inputSnapshotRef: snapshotRef(inputsHash) },
        };
      };
      const post = (body: unknown) => h.post(node, Stream.Signal, body);
      try {
        // One lane one basis point off: more than rounding, so the node refuses.
        const [first, ...rest] = entries;
        const doctored = await post(await proposal([[first![0], first![1] + 1], ...rest]));
        expect(doctored.body.refused, JSON.stringify(doctored.body)).to.equal("recompute_mismatch");
        // Claiming "bounds-checked only" (bit 0 clear) does not get it past the re-run.
        const unflagged = await post(await proposal([[first![0], first![1] + 1], ...rest], hash, 0));
        expect(unflagged.body.refused, JSON.stringify(unflagged.body)).to.equal("recompute_mismatch");

        const missing = await post(await proposal(entries, "0x" + "ee".repeat(32)));
        // Not in the store: nothing to re-compute, and the signal claims it was (flags bit 0).
        expect(missing.body.refused).to.equal("recompute_unavailable");

        // Stored bytes that do not hash to their name: the engine's fault, refused outright.
        const other = store.put({ ...e.snapshot, seed: 2 });
        const file = join(store.dir, `${other}.json`);
        writeFileSync(file, readFileSync(file, "utf8").replace('"seed":2', '"seed":1'));
        const tampered = await post(await proposal(entries, other));
        expect(tampered.body.refused, JSON.stringify(tampered.body)).to.equal("snapshot_invalid");

        const good = await post(await proposal(entries));
        expect(good.status, JSON.stringify(good.body)).to.equal(200);
        expect(targetOf(e.packed, first![0])).to.equal(first![1]);
      } finally {
        await node.stop();
        await server.close();
      }
    });

    it("never signs a signal it could not re-compute, even with flags bit 0 clear (snapshot unreachable, or not deterministic)", async () => {
      // A snapshot endpoint that is gone: it listened once, on a port now closed.
      const gone = await serveSnapshots(new DirectorySnapshotStore(join(dir, "gone")));
      await gone.close();
      const unreachable = await h.startNode(h.keystoreIndexOf(1), {
        dataDir: join(h.dir, "unreachable-node"),
        deploymentId: "isolated-unreachable",
        recomputer: new SnapshotRecomputer({ source: new HttpSnapshotSource(gone.url, 2_000), indexOf }),
      });
      const lstm: DecisionRecomputer = {
        recompute: async () => ({ kind: "non-deterministic", reason: "LSTM kernels are not bit-stable" }),
      };
      const nonDeterministic = await h.startNode(h.keystoreIndexOf(2), {
        dataDir: join(h.dir, "non-deterministic-node"),
        deploymentId: "isolated-non-deterministic",
        recomputer: lstm,
      });
      try {
        const seq = (await h.contracts.ledger.sequences())[0] + 1n;
        // flags 0: "bounds-checked only", which a node configured to re-compute must not sign on its own.
        const { body } = await h.signalProposal(seq, [[0, 1_000]], { flags: 0 });
        for (const [node, detail] of [
          [unreachable, /snapshot/],
          [nonDeterministic, /LSTM/],
        ] as const) {
          const r = await h.post(node, Stream.Signal, body);
          expect(r.status, JSON.stringify(r.body)).to.equal(422);
          expect(r.body.refused).to.equal("recompute_unavailable");
          expect(String(r.body.detail)).to.match(detail);
          expect(
            await metricValue(node, "oracle_reports_refused_total", { reason: "recompute_unavailable" }),
          ).to.equal(1);
          expect(await metricValue(node, "oracle_reports_signed_total")).to.equal(0);
        }
      } finally {
        await Promise.all([unreachable.stop(), nonDeterministic.stop()]);
      }
    });
  });
});
