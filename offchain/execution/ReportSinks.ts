import type { Execution, Nav } from "../protocol/reportTypes.js";

/** Takes execution payloads (fills grouped per signal); the oracle team's node signs and submits them. */
export interface ExecutionReportSink {
  submitExecution(execution: Execution): Promise<void>;
}

/** Takes the epoch-end venue NAV payload. */
export interface NavReportSink {
  submitNav(nav: Nav): Promise<void>;
}
