import { useTx, type TxPhase } from "../hooks/useTx.js";
import { short } from "../lib/format.js";

const phaseWords: Record<TxPhase, string> = {
  checking: "Checking…",
  wallet: "Waiting for your wallet…",
  pending: "Pending on-chain…",
  confirmed: "Confirmed",
  failed: "Failed",
};

/** Every transaction of this session: what it does, where it is, and why it failed. */
export function TxList() {
  const { entries, dismiss } = useTx();
  if (entries.length === 0) return null;
  return (
    <aside className="tx-list" aria-label="Transactions">
      {entries.map((e) => (
        <div key={e.id} className={`tx tx-${e.phase}`} data-testid="tx" data-phase={e.phase}>
          <div className="tx-head">
            <strong>{e.label}</strong>
            <span className="tx-phase">{phaseWords[e.phase]}</span>
            <button className="link" onClick={() => dismiss(e.id)} aria-label="Dismiss">
              ×
            </button>
          </div>
          {e.hash && <div className="muted mono">tx {short(e.hash)}</div>}
          {e.message && <div className="tx-message">{e.message}</div>}
        </div>
      ))}
    </aside>
  );
}
