import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { KeyVaultError } from "../../../offchain/execution/errors.js";
import { KeyVault } from "../../../offchain/execution/KeyVault.js";

describe("KeyVault: venue API keys encrypted at rest", function () {
  let dir: string;
  let path: string;
  const trading = { apiKey: "TRADEKEY123", secret: "trade-secret-xyz", password: "pass-1" };
  const readOnly = { apiKey: "READKEY456", secret: "read-secret-abc", password: "pass-2" };
  const N = 2 ** 10; // cheap scrypt for tests

  beforeEach(function () {
    dir = mkdtempSync(join(tmpdir(), "sigil-vault-"));
    path = join(dir, "keys.json");
    KeyVault.write(path, "correct horse battery", { trading, "read-only": readOnly }, { N });
  });
  afterEach(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  it("round-trips each role separately; the file holds no secret in clear", function () {
    const text = readFileSync(path, "utf8");
    for (const s of [trading.secret, readOnly.secret, trading.apiKey, "pass-1"])
      expect(text).to.not.include(s);
    const file = JSON.parse(text) as { format: string; version: number; kdf: { name: string } };
    expect(file).to.deep.include({ format: "sigil-keyvault", version: 1 });
    expect(file.kdf.name).to.equal("scrypt");
    expect(KeyVault.open(path, "correct horse battery", "trading").ccxtConfig()).to.deep.equal(trading);
    const ro = KeyVault.open(path, "correct horse battery", "read-only");
    expect(ro.role).to.equal("read-only");
    expect(ro.ccxtConfig()).to.deep.equal(readOnly);
  });

  it("refuses a wrong passphrase, a tampered box, a swapped role and an unknown version", function () {
    expect(() => KeyVault.open(path, "wrong passphrase", "trading")).to.throw(
      KeyVaultError,
      /wrong passphrase/,
    );
    const file = JSON.parse(readFileSync(path, "utf8")) as { keys: Record<string, unknown>; version: number };
    const swapped = { ...file, keys: { trading: file.keys["read-only"], "read-only": file.keys["trading"] } };
    writeFileSync(path, JSON.stringify(swapped));
    // The role is authenticated data: a read-only box cannot pass for the trading key.
    expect(() => KeyVault.open(path, "correct horse battery", "trading")).to.throw(KeyVaultError);
    writeFileSync(path, JSON.stringify({ ...file, version: 2 }));
    expect(() => KeyVault.open(path, "correct horse battery", "trading")).to.throw(
      KeyVaultError,
      /version-1/,
    );
    KeyVault.write(path, "correct horse battery", { "read-only": readOnly }, { N });
    expect(() => KeyVault.open(path, "correct horse battery", "trading")).to.throw(
      KeyVaultError,
      /no trading key/,
    );
  });

  it("never prints the secrets (toString, JSON, util.inspect, template strings)", function () {
    const c = KeyVault.open(path, "correct horse battery", "trading");
    const shown = [String(c), JSON.stringify(c), inspect(c), `${c}`, inspect({ nested: c })].join(" ");
    for (const s of [trading.secret, trading.apiKey, trading.password]) expect(shown).to.not.include(s);
    expect(shown).to.include("TRAD…");
  });
});
