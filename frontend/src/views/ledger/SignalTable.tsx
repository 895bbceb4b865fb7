import { Card } from "../../components/Card.js";
import { useSigil } from "../../hooks/useSigil.js";
import type { SignalRow } from "../../hooks/useLedger.js";
import { formatBps, short } from "../../lib/format.js";
import { violationWordsOf } from "../../lib/words.js";
import { Signers } from "./Signers.js";
import { unpackTargets } from "../../../../offchain/protocol/targets.js";

function Targets({ packed }: { packed: bigint }) {
  const { deployment } = useSigil();
  const entries = [...unpackTargets(packed)];
  if (entries.length === 0) return <span className="muted">all cash</span>;
  return (
    <span>
      {entries
        .map(
          ([a, bps]) =>
            `${deployment.assets.find((x) => x.index === a)?.symbol ?? `#${a}`} ${formatBps(bps)}`,
        )
        .join(", ")}
    </span>
  );
}

/** Every signal with the run, inputs and model hashes that produced it, and the operators who signed it. */
export function SignalTable({ signals }: { signals: SignalRow[] }) {
  return (
    <Card title={`Signals (${signals.length})`} wide>
      {signals.length === 0 ? (
        <p className="muted">No signal recorded yet.</p>
      ) : (
        <table data-testid="signals">
          <thead>
            <tr>
              <th>#</th>
              <th>Outcome</th>
              <th>Targets</th>
              <th>Run hash</th>
              <th>Inputs hash</th>
              <th>Model hash</th>
              <th>Checked by</th>
              <th>Signers</th>
            </tr>
          </thead>
          <tbody>
            {signals.map((s) => (
              <tr
                key={s.sequence.toString()}
                id={`signal-${s.sequence}`}
                className={s.accepted ? "" : "rejected"}
              >
                <td>{s.sequence.toString()}</td>
                <td>
                  {s.accepted ? (
                    <span className="ok">Accepted</span>
                  ) : (
                    <span className="error">Rejected: {violationWordsOf(s.reason)}</span>
                  )}
                </td>
                <td>
                  <Targets packed={s.targets} />
                </td>
                <td className="mono" title={s.runHash}>
                  {short(s.runHash)}
                </td>
                <td className="mono" title={s.inputsHash}>
                  {short(s.inputsHash)}
                </td>
                <td className="mono" title={s.modelHash}>
                  {short(s.modelHash)}
                </td>
                <td>{s.recomputed ? "re-computation" : "bounds check"}</td>
                <td>
                  <Signers info={s.signers} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}
