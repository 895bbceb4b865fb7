import { expect } from "chai";
import { expectClose } from "../../helpers/expectClose.js";
import { Rng } from "../../../offchain/optimizer/rng.js";
import { shrinkCovariance } from "../../../offchain/optimizer/shrinkCovariance.js";
import { syntheticReturns } from "./fixtures.js";

function choleskyOk(a: Float64Array, n: number): boolean {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      if (i === j) {
        if (s <= 0) return false;
        l[i * n + i] = Math.sqrt(s);
      } else l[i * n + j] = s / l[j * n + j]!;
    }
  return true;
}

describe("optimizer: Ledoit–Wolf constant-correlation shrinkage", () => {
  it("keeps variances, shrinks toward average correlation, and is positive definite when T < n", () => {
    const rng = new Rng(5);
    const n = 12;
    const r = syntheticReturns(rng, 8, n); // fewer dates than assets: sample covariance is singular
    const { covariance, sample, shrinkage } = shrinkCovariance(r);
    expect(shrinkage).to.be.greaterThan(0).and.at.most(1);
    expect(choleskyOk(sample, n)).to.equal(false);
    expect(choleskyOk(covariance, n)).to.equal(true);
    for (let i = 0; i < n; i++) expectClose(covariance[i * n + i], sample[i * n + i]!, 1e-15);
  });

  it("shrinks less with more data", () => {
    const few = shrinkCovariance(syntheticReturns(new Rng(1), 20, 6)).shrinkage;
    const many = shrinkCovariance(syntheticReturns(new Rng(1), 2000, 6)).shrinkage;
    expect(many).to.be.lessThan(few);
  });

  it("matches the hand-computed sample covariance for a 2-asset case", () => {
    const { sample } = shrinkCovariance([
      [1, 2],
      [3, 2],
      [5, 8],
    ]);
    // means 3 and 4; divisor T = 3
    expectClose(sample[0], 8 / 3, 1e-12);
    expectClose(sample[1], 4, 1e-12);
    expectClose(sample[3], 8, 1e-12);
  });
});
