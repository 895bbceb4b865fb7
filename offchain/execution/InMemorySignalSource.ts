import type { AcceptedSignal, SignalSource } from "./SignalSource.js";

/** Tests and shadow runs: signals pushed by hand, cursor in memory. */
export class InMemorySignalSource implements SignalSource {
  private readonly queue: AcceptedSignal[] = [];
  private acked = 0;

  push(...signals: AcceptedSignal[]): void {
    this.queue.push(...signals);
  }

  async next(): Promise<AcceptedSignal[]> {
    return this.queue.filter((s) => s.sequence > this.acked);
  }

  async ack(signal: AcceptedSignal): Promise<void> {
    this.acked = Math.max(this.acked, signal.sequence);
  }
}
