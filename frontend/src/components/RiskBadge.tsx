import { hexToString, type Hex } from "viem";
import { useRiskState } from "../hooks/useRiskState.js";
import { killLevelOf } from "../lib/words.js";

export function bytes32Text(value: Hex): string {
  return hexToString(value, { size: 32 }).replace(/\0+$/, "");
}

/** Kill-switch level and breaker state, always in the header. */
export function RiskBadge() {
  const risk = useRiskState();
  if (!risk.data) return <span className="badge">Kill switch: loading…</span>;
  const level = killLevelOf(risk.data.killLevel);
  const last = risk.data.lastChange;
  const tripped = last?.byBreaker === true && risk.data.killLevel > 0;
  return (
    <div className="risk">
      <span className={`badge badge-${level.tone}`} data-testid="kill-level" title={level.meaning}>
        Kill switch: {level.name}
      </span>
      <span
        className={`badge ${tripped ? "badge-bad" : "badge-ok"}`}
        data-testid="breaker"
        title="Loss breakers"
      >
        {tripped ? `Breaker tripped: ${bytes32Text(last.reason)}` : "Breakers armed"}
      </span>
    </div>
  );
}
