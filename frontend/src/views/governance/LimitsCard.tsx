import { Card } from "../../components/Card.js";
import { Stat } from "../../components/Stat.js";
import { useRiskState } from "../../hooks/useRiskState.js";
import { formatBps } from "../../lib/format.js";
import { killLevelOf } from "../../lib/words.js";

/** Portfolio-wide risk limits in force. */
export function LimitsCard() {
  const q = useRiskState();
  const l = q.data?.limits;
  const level = q.data?.killLevel ?? 0;
  return (
    <Card title="Risk limits">
      {!l ? (
        <p className="muted">Loading…</p>
      ) : (
        <div className="stats" data-testid="limits">
          <Stat
            label="Max gross exposure"
            value={formatBps(l.maxGrossBps)}
            hint="Sum of |weights|; 100% = no leverage"
          />
          <Stat label="Daily loss breaker" value={formatBps(l.maxDailyLossBps)} hint="Trips Reduce only" />
          <Stat label="Drawdown breaker" value={formatBps(l.maxDrawdownBps)} hint="Trips Flatten" />
          <Stat label="Max at the venue" value={formatBps(l.maxOffchainBps)} />
          <Stat label="Max NAV move per report" value={formatBps(l.maxNavChangeBps)} />
          <Stat label="Fill size tolerance" value={formatBps(l.sizeToleranceBps)} />
          <Stat label="Kill switch" value={killLevelOf(level).name} />
        </div>
      )}
      <p className="muted">
        The guardian may tighten these at once; loosening needs a governance vote and the timelock.
      </p>
    </Card>
  );
}
