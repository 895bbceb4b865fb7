import { Card } from "../../components/Card.js";
import { Stat } from "../../components/Stat.js";
import { useOperators } from "../../hooks/useOperators.js";
import { useTokenInfo } from "../../hooks/useTokenInfo.js";
import { duration, formatAmount, formatBps, short } from "../../lib/format.js";

/** Oracle operators: who signs, how many must, their bonds and rewards, and who was slashed. */
export function OperatorsView() {
  const q = useOperators();
  const t = useTokenInfo();
  if (q.error)
    return (
      <Card title="Operators">
        {<p className="error">Could not read the operators: {q.error.message}</p>}
      </Card>
    );
  if (!q.data) return <Card title="Operators">Loading…</Card>;
  const d = q.data;
  const usd = (x: bigint) => `${formatAmount(x, t.assetDecimals)} ${t.assetSymbol}`;
  return (
    <div className="grid">
      <Card title="Oracle configuration">
        <div className="stats">
          <Stat
            label="Signatures needed"
            value={`${d.threshold} of ${d.operators.length}`}
            testId="threshold"
          />
          <Stat label="Config version" value={d.version.toString()} />
          <Stat label="Slash share" value={formatBps(d.params.slashBps)} />
          <Stat label="Prover reward" value={formatBps(d.params.proverRewardBps)} />
          <Stat label="Unbonding delay" value={duration(d.params.unbondDelay)} />
        </div>
        <p className="muted mono">config digest {short(d.digest, 10)}</p>
      </Card>
      <Card title="Operators" wide>
        <table data-testid="operators">
          <thead>
            <tr>
              <th>Operator</th>
              <th>Active bond</th>
              <th>Unbonding</th>
              <th>Rewards to claim</th>
            </tr>
          </thead>
          <tbody>
            {d.operators.map((o) => (
              <tr key={o.address}>
                <td className="mono">{o.address}</td>
                <td>{usd(o.bond.active)}</td>
                <td>
                  {usd(o.bond.unbonding)}
                  {o.bond.unbonding > 0n &&
                    ` (unlocks ${new Date(Number(o.bond.unlockAt) * 1000).toLocaleString()})`}
                </td>
                <td>{usd(o.rewards)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      <Card title="Slashings" wide>
        {d.slashed.length === 0 ? (
          <p className="muted">No operator has been slashed.</p>
        ) : (
          <ul>
            {d.slashed.map((s, i) => (
              <li key={i}>
                Block {s.block.toString()}: {short(s.operator ?? "", 4)} signed two different reports for
                stream {s.stream} sequence {s.sequence?.toString()}; {usd(s.slashed ?? 0n)} slashed,{" "}
                {usd(s.proverReward ?? 0n)} to the prover {short(s.prover ?? "", 4)}.
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}
