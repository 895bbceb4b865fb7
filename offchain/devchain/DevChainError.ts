/**
 * A problem with the local development chain's journal or its replay. The message says what was
 * wrong; `hint` says what to do (usually: start fresh with `npm start -- --fresh`).
 */
export class DevChainError extends Error {
  override readonly name: string = "DevChainError";
  /** What the operator should do about it. */
  readonly hint: string | undefined;

  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.hint = options.hint;
  }
}
