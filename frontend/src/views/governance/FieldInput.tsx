import type { Field, TokenInfo } from "../../lib/proposals/index.js";
import { killLevels } from "../../lib/words.js";

function unitOf(field: Field, token: TokenInfo): string | undefined {
  const k = field.kind;
  switch (k.type) {
    case "amount":
      return k.token === "asset" ? token.assetSymbol : token.shareSymbol;
    case "bps":
    case "percent":
      return "%";
    case "blocks":
      return "blocks";
    default:
      return undefined;
  }
}

const placeholders: Partial<Record<Field["kind"]["type"], string>> = {
  seconds: "e.g. 3600, 90 min, 2 h, 2 days",
  address: "0x…",
  addresses: "0x…, 0x…",
  text32: "short text",
  selector: "0x12345678",
  assetIndex: "0–15",
};

/** One catalogue field as a form input, with its unit, the value in force now, and its error. */
export function FieldInput({
  field,
  value,
  onChange,
  token,
  now,
  error,
}: {
  field: Field;
  value: string;
  onChange(v: string): void;
  token: TokenInfo;
  now?: string;
  error?: string;
}) {
  const k = field.kind;
  const testId = `proposal-field-${field.name}`;
  let input;
  if (k.type === "killLevel")
    input = (
      <select value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
        {killLevels.map((l, i) => (
          <option key={l.name} value={String(i)}>
            {l.name}
          </option>
        ))}
      </select>
    );
  else if (k.type === "bool")
    input = (
      <select value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
        <option value="true">{k.yes}</option>
        <option value="false">{k.no}</option>
      </select>
    );
  else if (k.type === "role")
    input = (
      <select value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
        {k.roles.map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </select>
    );
  else
    input = (
      <input
        value={value}
        onChange={(e) => onChange(e.target.value)}
        placeholder={placeholders[k.type] ?? ""}
        data-testid={testId}
        className={k.type === "address" || k.type === "addresses" ? "mono" : undefined}
      />
    );
  const unit = unitOf(field, token);
  return (
    <label className="param">
      <span className="param-label">{field.label}</span>
      <span className="param-input">
        {input}
        {unit && <span className="unit">{unit}</span>}
      </span>
      {field.help && <span className="param-note muted">{field.help}</span>}
      {now !== undefined && (
        <span className="param-note muted" data-testid={`proposal-now-${field.name}`}>
          Now: {now}
        </span>
      )}
      {error && <span className="param-note error">{error}</span>}
    </label>
  );
}
