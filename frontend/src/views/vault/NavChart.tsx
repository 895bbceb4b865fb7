import { Card } from "../../components/Card.js";
import { useNavHistory, type NavPoint } from "../../hooks/useNavHistory.js";
import { useTokenInfo } from "../../hooks/useTokenInfo.js";
import { formatAmount, sharePriceToNumber } from "../../lib/format.js";

const W = 560;
const H = 160;
const PAD = 36;

function Line({
  values,
  color,
  label,
  fmt,
}: {
  values: number[];
  color: string;
  label: string;
  fmt: (x: number) => string;
}) {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const span = hi - lo || Math.abs(hi) * 0.01 || 1;
  const x = (i: number) =>
    PAD + (values.length === 1 ? (W - 2 * PAD) / 2 : (i * (W - 2 * PAD)) / (values.length - 1));
  const y = (v: number) => H - PAD / 2 - ((v - lo) / span) * (H - PAD);
  const d = values.map((v, i) => `${i === 0 ? "M" : "L"}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
  return (
    <figure className="chart">
      <figcaption>
        {label}{" "}
        <span className="muted">
          (low {fmt(lo)}, high {fmt(hi)})
        </span>
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label}>
        <line x1={PAD} y1={H - PAD / 2} x2={W - PAD} y2={H - PAD / 2} className="axis" />
        <path d={d} fill="none" stroke={color} strokeWidth={2} />
        {values.map((v, i) => (
          <circle key={i} cx={x(i)} cy={y(v)} r={3} fill={color}>
            <title>{fmt(v)}</title>
          </circle>
        ))}
      </svg>
    </figure>
  );
}

/** NAV and share price per settled epoch (EpochSettled events). */
export function NavChart() {
  const q = useNavHistory();
  const t = useTokenInfo();
  const points: NavPoint[] = q.data?.points ?? [];
  return (
    <Card title="NAV and share price history" wide>
      {points.length === 0 ? (
        <p className="muted">No epoch settled yet.</p>
      ) : (
        <div className="charts" data-testid="nav-chart">
          <Line
            label="NAV per epoch"
            color="#2563eb"
            values={points.map((p) =>
              Number(formatAmount(p.totalAssets, t.assetDecimals, 2).replace(/,/g, "")),
            )}
            fmt={(x) => `${x.toLocaleString("en-US")} ${t.assetSymbol}`}
          />
          <Line
            label="Share price per epoch"
            color="#059669"
            values={points.map((p) => sharePriceToNumber(p.pps, t.shareDecimals, t.assetDecimals))}
            fmt={(x) => x.toFixed(6)}
          />
        </div>
      )}
      <p className="muted">
        {points.length} settled epoch{points.length === 1 ? "" : "s"}
        {q.data && q.data.rejected > 0
          ? `; ${q.data.rejected} NAV report(s) rejected for moving too far`
          : ""}
        .
      </p>
      {q.data?.awaiting && (
        <p className="warning-warning" data-testid="nav-awaiting-confirmation">
          The last NAV report ({formatAmount(q.data.awaiting.reported, t.assetDecimals, 2)} {t.assetSymbol}{" "}
          against {formatAmount(q.data.awaiting.booked, t.assetDecimals, 2)} booked) moved beyond the risk
          policy&apos;s bound and is not booked. A second report agreeing with it, valued from{" "}
          {new Date(Number(q.data.awaiting.confirmableAt) * 1000).toLocaleString()}, books it; until then the
          epoch does not settle, and a loss has already tripped the breakers.
        </p>
      )}
    </Card>
  );
}
