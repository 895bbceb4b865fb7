import { formatEther } from "viem";
import type { ProposalReview, ReviewedAction, Warning } from "../../lib/proposals/index.js";

const verdictWords: Record<ProposalReview["severity"], string> = {
  danger:
    "Danger: these actions do something the description does not say, or something risky. Read every action before voting.",
  warning: "Check the findings below before voting.",
  info: "The actions match the description; nothing risky found.",
  ok: "The actions match the description; nothing risky found.",
};

function WarningList({ warnings }: { warnings: readonly Warning[] }) {
  if (!warnings.length) return null;
  return (
    <ul className="warnings">
      {warnings.map((w, i) => (
        <li
          key={i}
          className={`warning warning-${w.severity}`}
          data-testid="proposal-warning"
          data-severity={w.severity}
          data-code={w.code}
        >
          <span className="warning-mark">
            {w.severity === "danger" ? "⚠ " : w.severity === "warning" ? "! " : "✓ "}
          </span>
          {w.message}
        </li>
      ))}
    </ul>
  );
}

function ActionView({ a }: { a: ReviewedAction }) {
  const values = a.changes.filter((c) => c.part === "value");
  const context = a.changes.filter((c) => c.part !== "value");
  return (
    <li className="action" data-testid="proposal-action" data-entry={a.entry?.id ?? ""}>
      <div className="action-head">
        <span className="action-index">#{a.index + 1}</span>
        <strong>{a.contract?.name ?? "Not a Sigil contract"}</strong>
        <code>{a.call?.signature ?? (a.data.length >= 10 ? a.data.slice(0, 10) : "no call")}</code>
      </div>
      <div className="mono muted action-target">
        {a.target}
        {a.value !== 0n && <span className="error"> · sends {formatEther(a.value)} ETH</span>}
      </div>
      <div className="action-summary">{a.summary}</div>
      {context.length > 0 && (
        <ul className="action-context">
          {context.map((c) => (
            <li key={c.field}>
              {c.label}: <span className="mono">{c.proposed}</span>
            </li>
          ))}
        </ul>
      )}
      {values.length > 0 && (
        <table className="changes">
          <thead>
            <tr>
              <th>Parameter</th>
              <th>Now</th>
              <th />
              <th>Proposed</th>
            </tr>
          </thead>
          <tbody>
            {values.map((c) => (
              <tr key={c.field} className={c.changed ? "changed" : ""} data-testid="action-change">
                <td>{c.label}</td>
                <td className="mono">{c.current ?? "—"}</td>
                <td>→</td>
                <td className="mono">{c.proposed}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {!a.entry && a.call && (
        <ul className="action-context">
          {a.call.rendered.map((r) => (
            <li key={r.name}>
              {r.name} ({r.type}): <span className="mono">{r.text}</span>
            </li>
          ))}
        </ul>
      )}
      <WarningList warnings={a.warnings} />
    </li>
  );
}

/** What a proposal does, action by action, with what is in force now and every warning. */
export function ReviewView({ review }: { review: ProposalReview }) {
  return (
    <div className={`review review-${review.severity}`} data-testid="proposal-review">
      <div
        className={`verdict verdict-${review.severity}`}
        data-testid="proposal-verdict"
        data-severity={review.severity}
      >
        {verdictWords[review.severity]}
      </div>
      <WarningList warnings={review.proposalWarnings} />
      <ol className="actions">
        {review.actions.map((a) => (
          <ActionView key={a.index} a={a} />
        ))}
      </ol>
    </div>
  );
}
