import { EngineError } from "../engine/errors.js";

/**
 * A problem with the local development chain's journal or its replay. The message says what was
 * wrong; `hint` says what to do (usually: start fresh with `npm start -- --fresh`).
 */
export class DevChainError extends EngineError {
  override readonly name: string = "DevChainError";
}
