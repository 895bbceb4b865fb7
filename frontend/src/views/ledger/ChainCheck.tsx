import { Card } from "../../components/Card.js";
import type { Ledger } from "../../hooks/useLedger.js";

/** The verdict of re-computing the ledger's hash chain in this browser. */
export function ChainCheck({ ledger }: { ledger: Ledger }) {
  const { verdict } = ledger;
  const ok = verdict.matchesContract && verdict.firstMismatch < 0;
  return (
    <Card title="Hash chain" wide>
      <p className={ok ? "ok" : "error"} data-testid="chain-verdict">
        {ok
          ? `Verified: ${ledger.links} records re-hashed in your browser give the contract's head.`
          : verdict.firstMismatch >= 0
            ? `Mismatch at record ${verdict.firstMismatch + 1}: the emitted head differs from the recomputed one.`
            : "Mismatch: the recomputed head differs from the contract's head()."}
      </p>
      <dl className="kv mono">
        <dt>head() on-chain</dt>
        <dd data-testid="contract-head">{ledger.contractHead}</dd>
        <dt>recomputed</dt>
        <dd>{verdict.computedHead}</dd>
      </dl>
      <p className="muted">
        Signals: keccak256(abi.encode(prevHead, 1, sequence, reportHash, reason)); fills:
        keccak256(abi.encode(prevHead, 2, executionSequence, signalSequence, fillHash, violations)).
      </p>
    </Card>
  );
}
