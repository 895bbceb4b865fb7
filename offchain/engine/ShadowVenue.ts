import type { AccountState, ExecutionVenue, OrderRequest } from "./ExecutionVenue.js";

/**
 * Shadow mode's venue: holds a given account and records the orders the kernel would send,
 * without executing anything. `decide` uses it to turn a decision into a manual action list.
 */
export class ShadowVenue implements ExecutionVenue {
  readonly name = "shadow";
  readonly submitted: OrderRequest[] = [];

  constructor(private readonly state: AccountState) {}

  account(): AccountState {
    return this.state;
  }

  submit(orders: readonly OrderRequest[]): void {
    this.submitted.push(...orders);
  }
}
