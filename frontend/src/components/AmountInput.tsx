import { parseUnits } from "viem";

/** Parse a decimal string into token units; undefined when empty or malformed. */
export function parseAmount(text: string, decimals: number): bigint | undefined {
  const trimmed = text.trim();
  if (!/^\d+(\.\d+)?$/.test(trimmed)) return undefined;
  try {
    return parseUnits(trimmed, decimals);
  } catch {
    return undefined;
  }
}

export function AmountInput({
  value,
  onChange,
  unit,
  label,
  testId,
}: {
  value: string;
  onChange(v: string): void;
  unit: string;
  label: string;
  testId?: string;
}) {
  return (
    <label className="amount">
      <span>{label}</span>
      <input
        inputMode="decimal"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        placeholder="0.0"
        data-testid={testId}
      />
      <span className="unit">{unit}</span>
    </label>
  );
}
