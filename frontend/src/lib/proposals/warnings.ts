/** How much a finding should worry a voter. */
export type Severity = "danger" | "warning" | "info";

/** One finding about a proposal or an action, in words. `code` names the rule (docs/dapp.md). */
export interface Warning {
  severity: Severity;
  code: string;
  message: string;
}

const rank: Record<Severity | "ok", number> = { ok: 0, info: 1, warning: 2, danger: 3 };

/** The most serious severity among `warnings` ("ok" when there are none above info). */
export function worstOf(warnings: readonly Warning[]): Severity | "ok" {
  let worst: Severity | "ok" = "ok";
  for (const w of warnings) if (rank[w.severity] > rank[worst]) worst = w.severity;
  return worst;
}

export const danger = (code: string, message: string): Warning => ({ severity: "danger", code, message });
export const warning = (code: string, message: string): Warning => ({ severity: "warning", code, message });
export const info = (code: string, message: string): Warning => ({ severity: "info", code, message });
