import {
  Stream,
  type ExecutionReport,
  type NavReport,
  type ReportOf,
  type SignalReport,
} from "../../offchain/protocol/reportTypes.js";

/** The stream payload of a report (what equivocation is judged on; the header is not part of it). */
export function payloadOf(stream: Stream, report: ReportOf<Stream>): unknown {
  if (stream === Stream.Signal) return (report as SignalReport).signal;
  if (stream === Stream.Execution) return (report as ExecutionReport).execution;
  return (report as NavReport).nav;
}
