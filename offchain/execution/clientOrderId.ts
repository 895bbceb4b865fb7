import { keccak256, toUtf8Bytes } from "ethers";
import { ConfigError } from "../engine/errors.js";
import type { OrderRequest } from "../engine/ExecutionVenue.js";
import { MissingClientOrderIdError } from "./errors.js";

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

/** What WEEX accepts as a client order id: 1-40 letters and digits. */
const CLIENT_ORDER_ID = /^[A-Za-z0-9]{1,40}$/;

/**
 * Refuses (`MissingClientOrderIdError`) an order without a valid client order id. Called where an
 * order leaves for a venue: an order without one cannot be reconciled after an unknown outcome,
 * and a venue may book a replayed request without one twice.
 */
export function requireClientOrderId(
  order: Pick<OrderRequest, "clientOrderId" | "symbol">,
  venue: string,
): void {
  const id: unknown = order.clientOrderId;
  if (typeof id !== "string" || !CLIENT_ORDER_ID.test(id))
    throw new MissingClientOrderIdError(
      `${venue}: refusing to send a ${order.symbol} order without a valid client order id (got ${JSON.stringify(id) ?? "undefined"})`,
      {
        hint: "every order must carry clientOrderId(namespace, sequence, leg, attempt): 1-40 letters/digits",
      },
    );
}
