import type { Execution, Nav } from "../protocol/reportTypes.js";
import type { ExecutionReportSink, NavReportSink } from "./ReportSinks.js";

/** Keeps every payload (tests, shadow runs). `failNext` makes the next submissions throw. */
export class InMemoryReportSink implements ExecutionReportSink, NavReportSink {
  readonly executions: Execution[] = [];
  readonly navs: Nav[] = [];
  failNext = 0;

  async submitExecution(execution: Execution): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error("report sink unavailable");
    }
    this.executions.push(execution);
  }

  async submitNav(nav: Nav): Promise<void> {
    this.navs.push(nav);
  }
}
