import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from "node:crypto";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { KeyVaultError } from "./errors.js";
import { VenueCredentials } from "./VenueCredentials.js";
import type { KeyRole, VenueCredentialFields } from "./VenueCredentials.js";

/** Version 1 of the vault file: scrypt-derived key, one AES-256-GCM box per key role. */
export interface KeyVaultFileV1 {
  readonly format: "sigil-keyvault";
  readonly version: 1;
  readonly kdf: {
    readonly name: "scrypt";
    readonly N: number;
    readonly r: number;
    readonly p: number;
    readonly salt: string;
  };
  /** Role → sealed JSON of the credential fields. */
  readonly keys: Partial<
    Record<KeyRole, { readonly iv: string; readonly tag: string; readonly data: string }>
  >;
}

export interface KeyVaultOptions {
  /** scrypt cost (default 2^15; tests may lower it). */
  readonly N?: number;
}

const R = 8;
const P = 1;

function deriveKey(passphrase: string, salt: Buffer, N: number): Buffer {
  // maxmem must cover 128·N·r bytes, which node's 32 MiB default does not at N = 2^15.
  return scryptSync(passphrase, salt, 32, { N, r: R, p: P, maxmem: 256 * N * R });
}

/**
 * API keys encrypted at rest. The file holds a separate box per role — "trading" for the
 * execution engine, "read-only" for checks (the oracle nodes) — so a read-only holder never needs
 * the trading key. The role name is the GCM additional data: a box moved to the other role fails.
 *
 * @example
 * KeyVault.write(path, passphrase, { trading: { apiKey, secret, password } });
 * const creds = KeyVault.open(path, passphrase, "read-only");
 */
export class KeyVault {
  /** Writes (or replaces) the vault at `path` with the given keys. */
  static write(
    path: string,
    passphrase: string,
    keys: Partial<Record<KeyRole, VenueCredentialFields>>,
    options: KeyVaultOptions = {},
  ): void {
    if (passphrase.length < 8) throw new KeyVaultError("passphrase too short (8 characters at least)");
    const N = options.N ?? 2 ** 15;
    const salt = randomBytes(16);
    const key = deriveKey(passphrase, salt, N);
    const boxes: KeyVaultFileV1["keys"] = {};
    for (const role of Object.keys(keys) as KeyRole[]) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", key, iv);
      cipher.setAAD(Buffer.from(role));
      const data = Buffer.concat([cipher.update(JSON.stringify(keys[role]), "utf8"), cipher.final()]);
      (boxes as Record<string, unknown>)[role] = {
        iv: iv.toString("base64"),
        tag: cipher.getAuthTag().toString("base64"),
        data: data.toString("base64"),
      };
    }
    const file: KeyVaultFileV1 = {
      format: "sigil-keyvault",
      version: 1,
      kdf: { name: "scrypt", N, r: R, p: P, salt: salt.toString("base64") },
      keys: boxes,
    };
    // Write then rename: a crash never leaves a half-written vault.
    writeFileSync(`${path}.tmp`, JSON.stringify(file, null, 2) + "\n", { mode: 0o600 });
    renameSync(`${path}.tmp`, path);
  }

  /** Decrypts the key of `role`. Throws `KeyVaultError` for a wrong passphrase or a tampered file. */
  static open(path: string, passphrase: string, role: KeyRole): VenueCredentials {
    let file: KeyVaultFileV1;
    try {
      file = JSON.parse(readFileSync(path, "utf8")) as KeyVaultFileV1;
    } catch (e) {
      throw new KeyVaultError(`cannot read key vault ${path}`, { cause: e });
    }
    if (file.format !== "sigil-keyvault" || file.version !== 1 || file.kdf?.name !== "scrypt")
      throw new KeyVaultError(`${path} is not a version-1 Sigil key vault`, {
        hint: "re-create it with KeyVault.write",
      });
    const box = file.keys[role];
    if (!box) throw new KeyVaultError(`key vault ${path} holds no ${role} key`);
    const key = deriveKey(passphrase, Buffer.from(file.kdf.salt, "base64"), file.kdf.N);
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(box.iv, "base64"));
      decipher.setAAD(Buffer.from(role));
      decipher.setAuthTag(Buffer.from(box.tag, "base64"));
      const json = Buffer.concat([decipher.update(Buffer.from(box.data, "base64")), decipher.final()]);
      return new VenueCredentials(role, JSON.parse(json.toString("utf8")) as VenueCredentialFields);
    } catch {
      // No cause: the decipher error says nothing useful and nothing secret may leak.
      throw new KeyVaultError(`cannot decrypt the ${role} key: wrong passphrase or tampered vault`);
    }
  }
}
