import { expect } from "chai";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decisionInput } from "../../../offchain/models/decisionInput.js";
import { ModelArtefactError, ModelInputError, ModelStateError } from "../../../offchain/models/errors.js";
import { GradientBoostingModel } from "../../../offchain/models/GradientBoostingModel.js";
import { MaMomentumModel } from "../../../offchain/models/MaMomentumModel.js";
import { sliceDataset } from "../../../offchain/models/sliceDataset.js";
import { plantedDataset, realDataset } from "./fixtures.js";

describe("models: MA momentum baseline and gradient boosting", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "sigil-models-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("baseline: score sign follows the MA spread (negative kept), save/load reproduces it exactly", async () => {
    const ds = realDataset();
    const m = new MaMomentumModel();
    await expectReject(m.predict(decisionInput(ds, 400, 1)), ModelStateError);
    await m.fit(sliceDataset(ds, 0, 400), { seed: 0 });
    const col = ds.columns.indexOf("maCross10_50");
    let negatives = 0;
    for (let t = 400; t < 800; t += 7) {
      const scores = await m.predict(decisionInput(ds, t, 1));
      scores.forEach((s, a) => {
        const x = ds.rows[a]![t]![col]!;
        expect(Math.sign(s.score)).to.equal(Math.sign(x));
        expect(s.confidence).to.be.within(0, 1);
        if (s.score < 0) negatives++;
      });
    }
    expect(negatives).to.be.above(10); // the 2022 bear market must produce avoid/short scores
    await m.save(join(dir, "ma"));
    const l = await MaMomentumModel.load(join(dir, "ma"));
    expect(l.versionHash()).to.equal(m.versionHash());
    expect(await l.predict(decisionInput(ds, 900, 1))).to.deep.equal(
      await m.predict(decisionInput(ds, 900, 1)),
    );
    const other = new MaMomentumModel({ signalColumn: "mom20" });
    await other.fit(sliceDataset(ds, 0, 400), { seed: 0 });
    expect(other.versionHash()).to.not.equal(m.versionHash());
  });

  it("artefacts: a tampered file, a wrong kind and other features are typed errors", async () => {
    const ds = realDataset();
    const m = new MaMomentumModel();
    await m.fit(sliceDataset(ds, 0, 300), { seed: 0 });
    await m.save(join(dir, "tamper"));
    const file = join(dir, "tamper", "model.json");
    const a = JSON.parse(await readFile(file, "utf8"));
    a.weights.scale *= 2;
    await writeFile(file, JSON.stringify(a));
    await expectReject(MaMomentumModel.load(join(dir, "tamper")), ModelArtefactError, /altered/);
    await expectReject(
      GradientBoostingModel.load(join(dir, "ma")),
      ModelArtefactError,
      /not "gradient-boosting"/,
    );
    await expectReject(MaMomentumModel.load(join(dir, "missing")), ModelArtefactError, /cannot read/);
    const inp = decisionInput(ds, 500, 1);
    await expectReject(m.predict({ ...inp, featuresVersion: "f0-old" }), ModelInputError, /retrain/);
  });

  it("gradient boosting: same seed → identical booster; other seed differs; learns a planted signal", async () => {
    const ds = plantedDataset();
    const train = sliceDataset(ds, 0, 300);
    const a = new GradientBoostingModel();
    const b = new GradientBoostingModel();
    const c = new GradientBoostingModel();
    await a.fit(train, { seed: 3 });
    await b.fit(train, { seed: 3 });
    await c.fit(train, { seed: 4 });
    expect(a.versionHash()).to.equal(b.versionHash());
    expect(c.versionHash()).to.not.equal(a.versionHash());
    let hits = 0;
    let n = 0;
    for (let t = 300; t < 399; t++) {
      const s = await a.predict(decisionInput(ds, t, 1));
      s.forEach((x, i) => {
        n++;
        if (Math.sign(x.score) === Math.sign(ds.targets[i]![t]!)) hits++;
      });
    }
    expect(hits / n).to.be.above(0.8); // signal-to-noise 5:1, chance is 0.5
    await a.save(join(dir, "gb"));
    const l = await GradientBoostingModel.load(join(dir, "gb"));
    expect(l.versionHash()).to.equal(a.versionHash());
    expect(await l.predict(decisionInput(ds, 350, 1))).to.deep.equal(
      await a.predict(decisionInput(ds, 350, 1)),
    );
    for (const m of [a, b, c, l]) m.dispose();
  });
});

async function expectReject(
  p: Promise<unknown>,
  cls: new (...a: never[]) => Error,
  re?: RegExp,
): Promise<void> {
  try {
    await p;
  } catch (e) {
    expect(e).to.be.instanceOf(cls);
    if (re) expect((e as Error).message).to.match(re);
    return;
  }
  expect.fail(`expected a ${cls.name}`);
}
