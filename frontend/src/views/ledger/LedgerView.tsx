import { ChainCheck } from "./ChainCheck.js";
import { SignalTable } from "./SignalTable.js";
import { TradeTable } from "./TradeTable.js";
import { useLedger } from "../../hooks/useLedger.js";
import { Card } from "../../components/Card.js";

/** Auditors: every signal and fill, linked and re-verified in the browser. */
export function LedgerView() {
  const q = useLedger();
  if (q.error)
    return (
      <Card title="Trade ledger">
        {<p className="error">Could not read the ledger: {q.error.message}</p>}
      </Card>
    );
  if (!q.data) return <Card title="Trade ledger">Loading…</Card>;
  return (
    <div className="grid">
      <ChainCheck ledger={q.data} />
      <SignalTable signals={q.data.signals} />
      <TradeTable trades={q.data.trades} signals={q.data.signals} />
    </div>
  );
}
