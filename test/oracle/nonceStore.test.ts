import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NonceStore } from "../../oracle/store/NonceStore.js";

const ENGINE = "0x" + "ab".repeat(20);
const nonce = (i: number) => "0x" + i.toString(16).padStart(64, "0");

describe("NonceStore (proposal replay protection)", function () {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "sigil-nonces-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("accepts a nonce once per proposer, in any hex case, also after a reopen", () => {
    const a = new NonceStore(dir, 10);
    expect(a.consume(ENGINE, nonce(1), 1_000n, 1_000, 100)).to.equal("fresh");
    expect(a.consume(ENGINE, nonce(1), 1_000n, 1_001, 100)).to.equal("replayed");
    expect(
      a.consume(
        ENGINE.toUpperCase().replace("0X", "0x"),
        nonce(1).toUpperCase().replace("0X", "0x"),
        1_000n,
        1_002,
        100,
      ),
    ).to.equal("replayed");
    expect(a.consume("0x" + "cd".repeat(20), nonce(1), 1_000n, 1_003, 100)).to.equal("fresh");
    a.close();
    const b = new NonceStore(dir, 10);
    expect(b.size).to.equal(2);
    expect(b.consume(ENGINE, nonce(1), 1_000n, 1_004, 100)).to.equal("replayed");
    b.close();
  });

  it("keeps only what the time window can still accept, and refuses what it may have forgotten", () => {
    const s = new NonceStore(dir, 10);
    expect(s.consume(ENGINE, nonce(1), 1_000n, 1_000, 100)).to.equal("fresh");
    expect(s.consume(ENGINE, nonce(2), 1_050n, 1_050, 100)).to.equal("fresh");
    // 150 ms later the first is outside the 100 ms window: pruned.
    expect(s.consume(ENGINE, nonce(3), 1_150n, 1_150, 100)).to.equal("fresh");
    expect(s.size).to.equal(2);
    // Its nonce is gone, but the store knows it pruned up to 1 050: a request from before is refused.
    expect(s.consume(ENGINE, nonce(1), 1_000n, 1_150, 100)).to.equal("forgotten");
    s.close();
    // Reopened with a wider window (or after the clock stepped back), the horizon still holds.
    const wider = new NonceStore(dir, 10);
    expect(wider.consume(ENGINE, nonce(1), 1_000n, 1_100, 10_000)).to.equal("forgotten");
    expect(wider.consume(ENGINE, nonce(2), 1_050n, 1_100, 10_000)).to.equal("replayed");
    wider.close();
  });

  it("is bounded: at the cap nothing more is recorded until the window moves on", () => {
    const s = new NonceStore(dir, 2);
    expect(s.consume(ENGINE, nonce(1), 1_000n, 1_000, 100)).to.equal("fresh");
    expect(s.consume(ENGINE, nonce(2), 1_000n, 1_000, 100)).to.equal("fresh");
    expect(s.consume(ENGINE, nonce(3), 1_000n, 1_000, 100)).to.equal("full");
    expect(s.size).to.equal(2);
    expect(s.consume(ENGINE, nonce(3), 1_200n, 1_200, 100)).to.equal("fresh");
    expect(s.size).to.equal(1);
    s.close();
  });
});
