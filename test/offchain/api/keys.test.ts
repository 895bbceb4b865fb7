import { assert } from "chai";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { ApiKeyStore } from "../../../offchain/api/ApiKeyStore.js";
import { UnauthorizedError } from "../../../offchain/api/errors.js";
import { runKeysCommand } from "../../../offchain/api/runKeysCommand.js";
import { TokenBucket } from "../../../offchain/api/TokenBucket.js";

describe("API keys", () => {
  it("stores only a salted hash, never the secret", () => {
    const path = join(mkdtempSync(join(tmpdir(), "sigil-keys-")), "k.sqlite");
    const store = ApiKeyStore.open(path);
    const a = store.create({ name: "a" });
    const b = store.create({ name: "b" });
    store.close();
    const db = new DatabaseSync(path);
    const rows = db.prepare("SELECT * FROM api_keys").all() as Array<Record<string, string>>;
    db.close();
    const dump = JSON.stringify(rows);
    // The secret is base64url and may itself contain "_": everything after the id is the secret.
    for (const k of [a.key, b.key]) {
      const secret = k.split("_").slice(2).join("_");
      assert.isAtLeast(secret.length, 43);
      assert.notInclude(dump, secret);
    }
    assert.notEqual(rows[0]!.salt, rows[1]!.salt, "per-key salt");
    assert.match(rows[0]!.hash!, /^[0-9a-f]{64}$/);
  });

  it("verifies the right key and rejects a tampered secret, unknown id or revoked key", () => {
    const store = ApiKeyStore.open(":memory:");
    const { key, record } = store.create({ name: "x", dailyQuota: 5, ratePerSecond: 2, burst: 4 });
    assert.deepInclude(store.verify(key), {
      id: record.id,
      name: "x",
      dailyQuota: 5,
      ratePerSecond: 2,
      burst: 4,
    });
    const last = key.at(-1) === "A" ? "B" : "A";
    assert.throws(() => store.verify(key.slice(0, -1) + last), UnauthorizedError, /not valid/);
    assert.throws(() => store.verify(key.replace(record.id, "f".repeat(16))), UnauthorizedError);
    assert.isTrue(store.revoke(record.id));
    assert.isFalse(store.revoke(record.id), "second revoke is a no-op");
    assert.throws(() => store.verify(key), UnauthorizedError, /revoked/);
    store.close();
  });

  it("counts the daily quota per UTC day and never past the limit", () => {
    const store = ApiKeyStore.open(":memory:");
    const { record } = store.create({ name: "q", dailyQuota: 3 });
    const uses = Array.from({ length: 5 }, () => store.consume(record, "2026-01-01"));
    assert.deepEqual(
      uses.map((u) => u.allowed),
      [true, true, true, false, false],
    );
    assert.equal(store.usage(record.id, "2026-01-01"), 3);
    assert.isTrue(store.consume(record, "2026-01-02").allowed);
    store.close();
  });

  it("rejects non-positive limits", () => {
    const store = ApiKeyStore.open(":memory:");
    assert.throws(() => store.create({ name: "bad", dailyQuota: 0 }), RangeError);
    store.close();
  });

  it("CLI: create prints the key once, list shows it, revoke revokes it", () => {
    const path = join(mkdtempSync(join(tmpdir(), "sigil-keys-")), "k.sqlite");
    const out = runKeysCommand([
      "create",
      "--name",
      "dash",
      "--quota",
      "500",
      "--rate",
      "5",
      "--burst",
      "9",
      "--keys",
      path,
    ]);
    const key = out.split("\n")[0]!;
    const id = key.split("_")[1]!;
    assert.match(key, /^sgl_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    const list = runKeysCommand(["list", "--keys", path]);
    assert.include(list, id);
    assert.include(list, "500/day 5/s burst 9");
    assert.notInclude(list, key.split("_")[2]!);
    assert.equal(runKeysCommand(["revoke", id, "--keys", path]), `revoked ${id}`);
    assert.include(runKeysCommand(["list", "--keys", path]), "revoked");
    assert.throws(() => runKeysCommand(["revoke", id, "--keys", path]), /no active key/);
    assert.throws(() => runKeysCommand(["create", "--keys", path]), /--name/);
    assert.throws(() => runKeysCommand(["create", "--name", "x", "--quota=-1", "--keys", path]), /positive/);
  });
});

describe("TokenBucket", () => {
  it("allows a burst of `capacity`, then refills at the rate and says when to retry", () => {
    let t = 0;
    const b = new TokenBucket(3, 2, () => t);
    assert.deepEqual([b.take().ok, b.take().ok, b.take().ok], [true, true, true]);
    const r = b.take();
    assert.isFalse(r.ok);
    assert.equal(r.ok ? -1 : r.retryAfterSeconds, 1);
    t = 500; // one token back at 2/s
    assert.isTrue(b.take().ok);
    assert.isFalse(b.take().ok);
    t = 100_000; // refills only up to capacity
    assert.deepEqual([b.take().ok, b.take().ok, b.take().ok, b.take().ok], [true, true, true, false]);
  });

  it("rounds Retry-After up for slow rates", () => {
    let t = 0;
    const b = new TokenBucket(1, 0.1, () => t);
    assert.isTrue(b.take().ok);
    t = 1_000;
    const r = b.take();
    assert.equal(r.ok ? -1 : r.retryAfterSeconds, 9);
  });
});
