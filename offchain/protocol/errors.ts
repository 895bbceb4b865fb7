import { SigilError } from "../errors/SigilError.js";

/**
 * Base of the protocol codec's errors (units, packed targets, packed signatures): a value that
 * cannot be encoded for the contracts. Always fatal: the same value fails the same way again.
 *
 * @example
 * try { packTargets(entries) } catch (e) { if (e instanceof ProtocolError) refuse(e.message) }
 */
export class ProtocolError extends SigilError {
  override readonly name: string = "ProtocolError";
}
