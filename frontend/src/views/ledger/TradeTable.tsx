import { formatUnits } from "viem";
import { Card } from "../../components/Card.js";
import { useSigil } from "../../hooks/useSigil.js";
import type { SignalRow, TradeRow } from "../../hooks/useLedger.js";
import { short } from "../../lib/format.js";
import { fillViolationWords } from "../../lib/words.js";
import { Signers } from "./Signers.js";

const e8 = (x: bigint) => Number(formatUnits(x, 8)).toLocaleString("en-US", { maximumFractionDigits: 8 });

/** Every recorded fill, linked to the signal it executes, with the operators who signed its execution report. */
export function TradeTable({ trades, signals }: { trades: TradeRow[]; signals: SignalRow[] }) {
  const { deployment } = useSigil();
  return (
    <Card title={`Trades (${trades.length})`} wide>
      {trades.length === 0 ? (
        <p className="muted">No fill recorded yet.</p>
      ) : (
        <table data-testid="trades">
          <thead>
            <tr>
              <th>Execution</th>
              <th>Signal</th>
              <th>Asset</th>
              <th>Quantity</th>
              <th>Price</th>
              <th>Position after</th>
              <th>Checks</th>
              <th>Fill hash</th>
              <th>Signers</th>
            </tr>
          </thead>
          <tbody>
            {trades.map((t, i) => {
              const signal = signals.find((s) => s.sequence === t.signalSequence);
              const issues = fillViolationWords(t.violations);
              return (
                <tr key={i}>
                  <td>{t.executionSequence.toString()}</td>
                  <td>
                    {signal ? (
                      <a href={`#signal-${t.signalSequence}`} title={`model ${signal.modelHash}`}>
                        #{t.signalSequence.toString()} (model {short(signal.modelHash, 4)})
                      </a>
                    ) : (
                      <span className="error">#{t.signalSequence.toString()} not found</span>
                    )}
                  </td>
                  <td>{deployment.assets.find((a) => a.index === t.asset)?.symbol ?? `#${t.asset}`}</td>
                  <td>{e8(t.quantityE8)}</td>
                  <td>{e8(t.priceE8)}</td>
                  <td>{e8(t.positionE8)}</td>
                  <td>
                    {issues.length ? (
                      <span className="error">{issues.join("; ")}</span>
                    ) : (
                      <span className="ok">clean</span>
                    )}
                  </td>
                  <td className="mono" title={t.fillHash}>
                    {short(t.fillHash)}
                  </td>
                  <td>
                    <Signers info={t.signers} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </Card>
  );
}
