import { expect } from "chai";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decisionInput } from "../../../offchain/models/decisionInput.js";
import { initTfBackend } from "../../../offchain/models/initTfBackend.js";
import { LstmModel, type LstmParams } from "../../../offchain/models/LstmModel.js";
import { sliceDataset } from "../../../offchain/models/sliceDataset.js";
import { plantedDataset, realDataset } from "./fixtures.js";

const tiny = (backend: LstmParams["backend"]): LstmParams => ({
  lookback: 4,
  units: 4,
  epochs: 2,
  batchSize: 32,
  learningRate: 0.01,
  backend,
});

describe("models: LSTM (TensorFlow.js)", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "sigil-lstm-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("auto picks native if it loads, else WASM, and flags the fallback", async () => {
    const b = await initTfBackend("auto");
    expect(["tensorflow", "wasm", "cpu"]).to.include(b.backend);
    if (b.backend !== "tensorflow") {
      expect(b.fallback).to.equal(true);
      expect(b.notes.join(" ")).to.match(/^tensorflow:/);
    }
    const cpu = await initTfBackend("cpu");
    expect(cpu).to.include({ backend: "cpu", fallback: false });
  });

  for (const backend of ["wasm", "cpu"] as const) {
    it(`${backend}: two fits with one seed give identical weights; another seed does not`, async () => {
      const ds = sliceDataset(realDataset(), 0, 160);
      const a = new LstmModel(tiny(backend));
      const b = new LstmModel(tiny(backend));
      const c = new LstmModel(tiny(backend));
      await a.fit(ds, { seed: 11 });
      await b.fit(ds, { seed: 11 });
      await c.fit(ds, { seed: 12 });
      expect(a.backendInfo?.backend).to.equal(backend);
      expect(a.weightValues()).to.deep.equal(b.weightValues());
      expect(a.versionHash()).to.equal(b.versionHash());
      expect(c.weightValues()).to.not.deep.equal(a.weightValues());
      expect(a.lossHistory.length).to.equal(2);
      for (const m of [a, b, c]) m.dispose();
    });
  }

  it("save/load reproduces predictions exactly and keeps the version hash", async () => {
    const ds = realDataset();
    const m = new LstmModel(tiny("wasm"));
    await m.fit(sliceDataset(ds, 0, 160), { seed: 2 });
    const inp = decisionInput(ds, 300, 4);
    const before = await m.predict(inp);
    expect(before.length).to.equal(4);
    for (const s of before) {
      expect(Number.isFinite(s.score)).to.equal(true);
      expect(s.confidence).to.be.within(0, 1);
    }
    await m.save(join(dir, "lstm"));
    const l = await LstmModel.load(join(dir, "lstm"), "wasm");
    expect(l.versionHash()).to.equal(m.versionHash());
    expect(await l.predict(inp)).to.deep.equal(before);
    m.dispose();
    l.dispose();
  });

  it("learns a planted signal (can fail: a broken input pipeline scores ~0.5)", async () => {
    const ds = plantedDataset({ length: 300, noise: 0.002 });
    const m = new LstmModel({ ...tiny("wasm"), units: 8, epochs: 12, lookback: 2 });
    await m.fit(sliceDataset(ds, 0, 240), { seed: 1 });
    expect(m.lossHistory[m.lossHistory.length - 1]!).to.be.below(m.lossHistory[0]!);
    let hits = 0;
    let n = 0;
    for (let t = 240; t < 299; t++)
      (await m.predict(decisionInput(ds, t, 2))).forEach((s, a) => {
        n++;
        if (Math.sign(s.score) === Math.sign(ds.targets[a]![t]!)) hits++;
      });
    expect(hits / n).to.be.above(0.75);
    m.dispose();
  });
});
