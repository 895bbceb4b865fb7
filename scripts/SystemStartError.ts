import { SigilError } from "../offchain/errors/SigilError.js";

/**
 * A typed error for the local-system orchestrator (`npm start`): which step failed and why.
 *
 * @example
 * throw new SystemStartError("oracle gossip", `no NATS server binary "${natsBin}"`);
 */
export class SystemStartError extends SigilError {
  override readonly name: string = "SystemStartError";
  constructor(step: string, detail: string) {
    super(`${step}: ${detail}`, { details: { step } });
  }
}
