import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { encryptKeystoreJson, Wallet } from "ethers";
import { ConfigError } from "./errors.js";

/**
 * The engine's signing identity toward the oracle nodes: a key in an encrypted JSON keystore (scrypt,
 * the ethers/geth format, as `npm run oracle:keystore` writes for operators), decrypted into memory
 * only. Nodes list its address in `auth.engines`. Errors name the file, never the key or password.
 *
 * @example
 * const engine = await loadEngineKeystore(".sigil/engine/keystore.json", password);
 * const signer = new ProposalSigner(engine, proposalAuthDomain(chainId, registry));
 */
export async function loadEngineKeystore(file: string, password: string): Promise<Wallet> {
  let json: string;
  try {
    json = readFileSync(file, "utf8");
  } catch (cause) {
    throw new ConfigError(`cannot read the engine keystore ${file}`, {
      cause,
      hint: "create one with `npm run oracle:keystore -- --out <file>`",
    });
  }
  try {
    const w = await Wallet.fromEncryptedJson(json, password);
    return new Wallet(w.privateKey);
  } catch {
    throw new ConfigError(`cannot decrypt the engine keystore ${file}: wrong password or corrupt file`);
  }
}

/**
 * The engine keystore at `file`, created with a new random key if there is none (file mode 0600, its
 * folder 0700). `scryptN` lowers the scrypt cost for local demos and tests (default: ethers' own).
 */
export async function openEngineKeystore(
  file: string,
  password: string,
  opts: { scryptN?: number } = {},
): Promise<{ wallet: Wallet; created: boolean }> {
  if (existsSync(file)) return { wallet: await loadEngineKeystore(file, password), created: false };
  const key = Wallet.createRandom();
  const json = await encryptKeystoreJson(
    { address: key.address, privateKey: key.privateKey },
    password,
    opts.scryptN ? { scrypt: { N: opts.scryptN } } : {},
  );
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, json, { mode: 0o600, flag: "wx" });
  chmodSync(file, 0o600);
  return { wallet: new Wallet(key.privateKey), created: true };
}
