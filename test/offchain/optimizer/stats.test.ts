import { expect } from "chai";
import { expectClose } from "../../helpers/expectClose.js";
import { bootstrapMeanCi } from "../../../offchain/optimizer/bootstrapMeanCi.js";
import { Rng } from "../../../offchain/optimizer/rng.js";
import { normalCdf, wilcoxonSignedRank } from "../../../offchain/optimizer/wilcoxonSignedRank.js";

describe("optimizer: benchmark statistics", () => {
  it("Wilcoxon signed-rank matches a hand-worked example", () => {
    // d = [1, -2, 3, 4]: ranks 1..4, W+ = 8; mean 5, var 7.5, z = (8 - 5 - 0.5)/√7.5
    const r = wilcoxonSignedRank([1, 0, 3, 4], [0, 2, 0, 0]);
    expect(r.n).to.equal(4);
    expect(r.wPlus).to.equal(8);
    expectClose(r.z, 2.5 / Math.sqrt(7.5), 1e-12);
    expectClose(r.p, 2 * (1 - normalCdf(2.5 / Math.sqrt(7.5))), 1e-12);
    expectClose(normalCdf(1.959964), 0.975, 1e-6);
  });

  it("Wilcoxon detects a consistent shift and not a symmetric one", () => {
    const rng = new Rng(1);
    const a = Array.from({ length: 60 }, () => rng.normal());
    expect(
      wilcoxonSignedRank(
        a.map((x) => x + 0.5),
        a.map((x) => x + rng.normal() * 0.3),
      ).p,
    ).to.be.below(1e-4);
    const sym = Array.from({ length: 60 }, (_, i) => (i % 2 ? 1 : -1) * (1 + (i >> 1)));
    expect(wilcoxonSignedRank(sym, new Array(60).fill(0)).p).to.be.above(0.9);
  });

  it("Wilcoxon treats differences within a tolerance as ties, not wins (floating-point noise)", () => {
    // Costs that differ only by rounding (~1e-18) must not count as wins for either side.
    const base = Array.from({ length: 30 }, (_, i) => -0.0123 - i * 1e-4);
    const noisy = base.map((c, i) => c + (i % 3 === 0 ? 3e-18 : 0));
    const r = wilcoxonSignedRank(noisy, base, { absolute: 1e-12, relative: 1e-9 });
    expect(r.n).to.equal(0);
    expect(r.ties).to.equal(30);
    expect(r.p).to.equal(1);
    // Real differences still count.
    const better = base.map((c, i) => (i < 5 ? c - 1e-3 : c));
    const s = wilcoxonSignedRank(better, base, { absolute: 1e-12, relative: 1e-9 });
    expect(s.n).to.equal(5);
    expect(s.ties).to.equal(25);
    expect(() => wilcoxonSignedRank(base, base, { absolute: NaN })).to.throw(/tolerance/);
  });

  it("bootstrap CI brackets the mean and narrows with more data", () => {
    const rng = new Rng(2);
    const small = Array.from({ length: 20 }, () => rng.normal());
    const large = Array.from({ length: 2000 }, () => rng.normal());
    const s = bootstrapMeanCi(small, { seed: 3 });
    const l = bootstrapMeanCi(large, { seed: 3 });
    expect(s.lo).to.be.below(s.mean);
    expect(s.hi).to.be.above(s.mean);
    expect(l.hi - l.lo).to.be.below((s.hi - s.lo) / 5);
    expect(bootstrapMeanCi(small, { seed: 3 })).to.deep.equal(s);
  });
});
