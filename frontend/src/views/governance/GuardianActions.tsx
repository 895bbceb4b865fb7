import { Card } from "../../components/Card.js";
import { usePolicyConfig } from "../../hooks/useGovernance.js";
import { short } from "../../lib/format.js";

/** What the guardian did: it can only tighten limits or raise the kill level. */
export function GuardianActions() {
  const q = usePolicyConfig();
  const actions = q.data?.guardianActions ?? [];
  return (
    <Card title="Guardian actions">
      <p className="muted">
        Guardian {q.data ? short(q.data.guardian, 4) : "…"}: tightening only, effective at once.
      </p>
      {actions.length === 0 ? (
        <p className="muted" data-testid="guardian-actions">
          None so far.
        </p>
      ) : (
        <ul data-testid="guardian-actions">
          {actions.map((a, i) => (
            <li key={i}>
              Block {a.block.toString()}: {a.what}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
