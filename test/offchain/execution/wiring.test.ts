import { expect } from "chai";
import { zeroPadValue } from "ethers";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ManualClock } from "../../../offchain/data/Clock.js";
import { wireLive, wirePaper, wireShadow } from "../../../offchain/engine/wiring.js";
import type { ExecutionWiringBase } from "../../../offchain/engine/wiring.js";
import { AssetList } from "../../../offchain/execution/AssetList.js";
import { executionLimits } from "../../../offchain/execution/ExecutionLimits.js";
import { InMemoryReportSink } from "../../../offchain/execution/InMemoryReportSink.js";
import { InMemorySignalSource } from "../../../offchain/execution/InMemorySignalSource.js";
import { TRADE_LEDGER_EVENTS } from "../../../offchain/execution/LedgerSignalSource.js";
import { StaticKillLevel } from "../../../offchain/execution/KillLevelSource.js";
import { VenueCredentials } from "../../../offchain/execution/VenueCredentials.js";
import { packTargets } from "../../../offchain/protocol/targets.js";
import type { WeexSimulator } from "../../../offchain/venue/weex/WeexSimulator.js";
import { startTradingSimulator, VAULT } from "../venue/weexTradingHelpers.js";

const T0 = Date.UTC(2023, 5, 1, 12, 30);
const LEDGER = "0x00000000000000000000000000000000000000aa";

describe("Execution wiring: mode is chosen only here", function () {
  let sim: WeexSimulator;
  let dir: string;
  const clock = new ManualClock(T0);
  const trading = new VenueCredentials("trading", {
    apiKey: VAULT.apiKey,
    secret: VAULT.secret,
    password: VAULT.passphrase,
  });
  const readOnly = new VenueCredentials("read-only", { apiKey: "ro", secret: "ro" });

  before(async function () {
    sim = await startTradingSimulator(() => clock.now());
  });
  after(async function () {
    await sim.stop();
  });
  beforeEach(function () {
    dir = mkdtempSync(join(tmpdir(), "sigil-wire-"));
  });
  afterEach(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  function base(signals: InMemorySignalSource, sink: InMemoryReportSink): ExecutionWiringBase {
    return {
      dataDir: dir,
      assets: new AssetList([{ index: 0, symbol: "ETH/USDT" }]),
      signals: () => signals,
      killLevel: new StaticKillLevel(),
      limits: executionLimits({ maxOrderNotional: 50_000, maxAssetNotional: 100_000 }),
      namespace: "sgw",
      reports: sink,
      clock,
    };
  }

  it("paper: the ccxt weex venue against the simulator places orders and reports fills", async function () {
    const signals = new InMemorySignalSource();
    const sink = new InMemoryReportSink();
    signals.push({ sequence: 1, targets: packTargets([[0, 1000]]), timestamp: T0 / 1000 });
    // A known ledger: before reporting, the engine asks it which of signal 1's fills it already holds.
    const queries: { address: string; topics: (string | null)[]; fromBlock: number }[] = [];
    const ledger = {
      getBlockNumber: async () => 42,
      getLogs: async (q: { address: string; topics: (string | null)[]; fromBlock: number }) => {
        queries.push(q);
        return [];
      },
    };
    const w = wirePaper({
      ...base(signals, sink),
      ledger: { provider: ledger, address: LEDGER, fromBlock: 7 },
      urls: sim.ccxtUrls() as unknown as Record<string, unknown>,
      credentials: trading,
      replay: true,
    });
    try {
      expect(w.mode).to.equal("paper");
      const r = await w.engine.tick();
      expect(r!.placed.map((o) => o.status)).to.deep.equal(["closed"]);
      expect(sink.executions).to.have.length(1);
      expect(queries).to.have.length(1);
      expect(queries[0]).to.deep.include({ address: LEDGER, fromBlock: 7 });
      expect(queries[0]!.topics).to.deep.equal([
        TRADE_LEDGER_EVENTS.getEvent("TradeRecorded")!.topicHash,
        null,
        zeroPadValue("0x01", 32),
      ]);
    } finally {
      await w.close();
    }
  });

  it("shadow: public data only, nothing placed, would-be fills recorded", async function () {
    const signals = new InMemorySignalSource();
    const sink = new InMemoryReportSink();
    signals.push({ sequence: 1, targets: packTargets([[0, 1000]]), timestamp: T0 / 1000 });
    const before = sim.faults.count("POST /api/v3/order");
    const w = wireShadow({
      ...base(signals, sink),
      urls: sim.ccxtUrls() as unknown as Record<string, unknown>,
      account: { cash: 10_000, positions: {} },
      throttle: false,
    });
    try {
      await w.engine.tick();
      expect(sim.faults.count("POST /api/v3/order")).to.equal(before);
      expect(w.store.shadowFills()).to.have.length(1);
      expect(w.store.shadowFills()[0]!.filledQuantity).to.be.greaterThan(0);
      expect(sink.executions).to.have.length(0);
    } finally {
      await w.close();
    }
  });

  it("refuses the wrong key for the mode", function () {
    const b = base(new InMemorySignalSource(), new InMemoryReportSink());
    expect(() => wireLive({ ...b, credentials: readOnly })).to.throw(/trading key/);
    expect(() => wireShadow({ ...b, credentials: trading, account: { cash: 0, positions: {} } })).to.throw(
      /read-only/,
    );
  });
});
