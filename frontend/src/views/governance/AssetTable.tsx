import { hexToString } from "viem";
import { Card } from "../../components/Card.js";
import { usePolicyConfig } from "../../hooks/useGovernance.js";
import { duration, formatBps, short } from "../../lib/format.js";

/** Per-asset configuration: allow-list, max weight, shorting, reference feed, deviation, staleness. */
export function AssetTable() {
  const q = usePolicyConfig();
  return (
    <Card title="Assets" wide>
      {!q.data ? (
        <p className="muted">Loading…</p>
      ) : (
        <table data-testid="assets">
          <thead>
            <tr>
              <th>#</th>
              <th>Asset</th>
              <th>Max weight</th>
              <th>Short</th>
              <th>Max price deviation</th>
              <th>Max feed age</th>
              <th>Reference feed</th>
            </tr>
          </thead>
          <tbody>
            {q.data.assets.map((a) => (
              <tr key={a.index}>
                <td>{a.index}</td>
                <td>{hexToString(a.symbol, { size: 32 }).replace(/\0+$/, "")}</td>
                <td>
                  {a.config.maxWeightBps === 0 ? (
                    <span className="error">not allowed</span>
                  ) : (
                    formatBps(a.config.maxWeightBps)
                  )}
                </td>
                <td>{a.config.shortable ? "yes" : "no"}</td>
                <td>{formatBps(a.config.maxDeviationBps)}</td>
                <td>{duration(a.config.maxStaleness)}</td>
                <td className="mono" title={a.config.feed}>
                  {short(a.config.feed, 4)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}
