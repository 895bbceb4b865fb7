import { Card } from "../../components/Card.js";
import { useSigil } from "../../hooks/useSigil.js";
import { usePolicyConfig } from "../../hooks/useGovernance.js";
import { short } from "../../lib/format.js";

/** Every change of the risk parameters, oldest first, with who made it. */
export function ParameterHistory() {
  const q = usePolicyConfig();
  const { deployment, addresses } = useSigil();
  const names: Record<string, string> = {
    [deployment.parameters.guardian.toLowerCase()]: "guardian",
    [String(addresses.vault).toLowerCase()]: "vault breaker",
    [String(addresses.ledger).toLowerCase()]: "ledger breaker",
    [String(deployment.contracts.SigilTimelock?.address ?? "").toLowerCase()]: "governance (timelock)",
    [deployment.deployer.toLowerCase()]: "deployer",
  };
  const history = q.data?.history ?? [];
  return (
    <Card title="Risk parameter history" wide>
      {history.length === 0 ? (
        <p className="muted">No changes yet.</p>
      ) : (
        <ul data-testid="parameter-history">
          {history.map((h, i) => (
            <li key={i}>
              Block {h.block.toString()} — {names[h.by.toLowerCase()] ?? short(h.by, 4)}: {h.what}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
