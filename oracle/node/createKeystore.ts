/**
 * Create an encrypted operator keystore.
 *
 *   SIGIL_ORACLE_KEYSTORE_PASSWORD=… tsx oracle/node/createKeystore.ts --out operator.json
 *
 * A new random key is generated unless SIGIL_ORACLE_IMPORT_KEY holds one to import. Only the address
 * is printed; the key is written encrypted (scrypt) and nowhere else.
 */
import { existsSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { Wallet } from "ethers";
import { keystorePassword } from "./loadKeystore.js";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { out: { type: "string" }, "password-file": { type: "string" }, force: { type: "boolean" } },
    strict: true,
  });
  if (!values.out)
    throw new Error("usage: createKeystore.ts --out <file> [--password-file <file>] [--force]");
  if (existsSync(values.out) && !values.force)
    throw new Error(`${values.out} exists (use --force to overwrite)`);
  const password = keystorePassword(values["password-file"], process.env);
  const imported = process.env.SIGIL_ORACLE_IMPORT_KEY;
  const wallet = imported ? new Wallet(imported) : Wallet.createRandom();
  const json = await wallet.encrypt(password);
  writeFileSync(values.out, json, { mode: 0o600 });
  process.stdout.write(JSON.stringify({ address: wallet.address, keystore: values.out }) + "\n");
}

main().catch((err: unknown) => {
  process.stderr.write(`createKeystore: ${(err as Error).message}\n`);
  process.exit(1);
});
