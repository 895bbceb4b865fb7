import { readFileSync } from "node:fs";
import { Wallet } from "ethers";
import { OracleConfigError } from "../errors/OracleError.js";
import { ENV } from "./nodeConfig.js";

/** The keystore password: from the password file if configured, else from the environment. */
export function keystorePassword(passwordFile: string | undefined, env: NodeJS.ProcessEnv): string {
  if (passwordFile) {
    try {
      return readFileSync(passwordFile, "utf8").replace(/\r?\n$/, "");
    } catch (err) {
      throw new OracleConfigError(`cannot read keystore password file ${passwordFile}`, undefined, {
        cause: err,
      });
    }
  }
  const p = env[ENV.keystorePassword];
  if (!p)
    throw new OracleConfigError(`no keystore password: set ${ENV.keystorePassword} or keystorePasswordFile`);
  return p;
}

/**
 * Decrypt the operator key from an encrypted JSON keystore (ethers / geth format). The key stays in
 * memory; errors never include the password or the key.
 */
export async function loadKeystore(path: string, password: string): Promise<Wallet> {
  let json: string;
  try {
    json = readFileSync(path, "utf8");
  } catch (err) {
    throw new OracleConfigError(`cannot read keystore ${path}`, undefined, { cause: err });
  }
  try {
    const w = await Wallet.fromEncryptedJson(json, password);
    return new Wallet(w.privateKey);
  } catch {
    throw new OracleConfigError(`cannot decrypt keystore ${path}: wrong password or corrupt file`);
  }
}
