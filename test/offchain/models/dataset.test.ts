import { expect } from "chai";
import { loadCandleCsv } from "../../../offchain/features/loadCandleCsv.js";
import { buildModelDataset } from "../../../offchain/models/buildModelDataset.js";
import { decisionInput } from "../../../offchain/models/decisionInput.js";
import { ModelInputError } from "../../../offchain/models/errors.js";
import { sliceDataset } from "../../../offchain/models/sliceDataset.js";
import { trainingSamples } from "../../../offchain/models/trainingSamples.js";
import { expectClose } from "../../helpers/expectClose.js";
import { realDataset } from "./fixtures.js";

describe("models: dataset, slices and decision inputs", () => {
  it("aligns assets on common valid timestamps; targets are next-period log returns", () => {
    const ds = realDataset();
    const sol = loadCandleCsv("SOL").candles;
    // SOL lists last: the grid starts at its 50th candle (SMA50 warm-up)
    expect(ds.timestamps[0]).to.equal(sol[49]!.timestamp);
    expect(ds.timestamps[ds.timestamps.length - 1]).to.equal(Date.UTC(2023, 11, 31));
    expect(ds.rows.length).to.equal(4);
    const t = 100;
    const btc = loadCandleCsv("BTC").candles;
    const i = btc.findIndex((c) => c.timestamp === ds.timestamps[t]);
    expectClose(ds.targets[0]![t], Math.log(btc[i + 1]!.close / btc[i]!.close), 1e-15);
    expect(ds.dataHash).to.match(/^[0-9a-f]{64}$/);
    expect(buildModelDataset(["BTC", "ETH", "SOL", "BNB"].map((s) => loadCandleCsv(s))).dataHash).to.equal(
      ds.dataHash,
    );
  });

  it("a gap in the grid marks the target across it unusable", () => {
    const btc = loadCandleCsv("BTC");
    const cut = { ...btc, candles: [...btc.candles.slice(0, 200), ...btc.candles.slice(201, 300)] };
    const ds = buildModelDataset([cut]);
    const k = ds.timestamps.indexOf(btc.candles[199]!.timestamp);
    expect(ds.targetOk[k]).to.equal(0);
    expect(ds.targetOk[k - 1]).to.equal(1);
    expect(trainingSamples(ds, 1).some((s) => s.t === k)).to.equal(false);
    expect(trainingSamples(ds, 5).some((s) => s.t > k && s.t < k + 5)).to.equal(false); // windows straddling it too
  });

  it("slices keep only targets realised inside the window; decision inputs stop at t", () => {
    const ds = realDataset();
    const s = sliceDataset(ds, 10, 110);
    expect(s.timestamps.length).to.equal(100);
    expect(s.targets[0]!.length).to.equal(99); // the last row's return would need candle 110
    expect(s.targets[0]![98]).to.equal(ds.targets[0]![108]);
    const inp = decisionInput(ds, 200, 7);
    expect(inp.timestamp).to.equal(ds.timestamps[200]);
    expect(inp.assets[1]!.rows.length).to.equal(7);
    expect(inp.assets[1]!.rows[6]).to.equal(ds.rows[1]![200]);
    expect(() => decisionInput(ds, 5, 7)).to.throw(ModelInputError);
    expect(() => sliceDataset(ds, 5, 6)).to.throw(ModelInputError);
  });
});
