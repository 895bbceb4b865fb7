/** Where the CLI writes; tests pass buffers, `main.ts` passes the process streams. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Progress bars only when this is a terminal. */
  readonly isTty: boolean;
}
