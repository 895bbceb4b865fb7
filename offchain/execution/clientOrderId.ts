import { keccak256, toUtf8Bytes } from "ethers";
import { ConfigError } from "../engine/errors.js";

/**
 * The client order id of attempt `attempt` at leg `leg` (the asset index) of signal `sequence`:
 * deterministic, so a restarted engine derives the same id and finds the order at the venue
 * instead of placing it again. Letters and digits only and at most 40 characters (WEEX's rule).
 *
 * @example clientOrderId("sg1", 42, 3, 0) // "sg1s42l3a0"
 */
export function clientOrderId(namespace: string, sequence: number, leg: number, attempt: number): string {
  if (!/^[A-Za-z][A-Za-z0-9]{0,11}$/.test(namespace))
    throw new ConfigError(
      `client order id namespace "${namespace}" must be 1-12 letters/digits, starting with a letter`,
    );
  for (const [what, n] of [
    ["sequence", sequence],
    ["leg", leg],
    ["attempt", attempt],
  ] as const)
    if (!Number.isSafeInteger(n) || n < 0)
      throw new ConfigError(`client order id ${what} must be a natural number, got ${n}`);
  return `${namespace}s${sequence}l${leg}a${attempt}`;
}

/** The on-chain `orderRef` of a fill: keccak256 of the client order id's UTF-8 bytes. */
export function orderRef(clientOrderIdValue: string): string {
  return keccak256(toUtf8Bytes(clientOrderIdValue));
}
