import type { FormatEnv } from "../env.js";
import { durationText } from "../units.js";
import { big, structOf, type CurrentContext } from "./entry.js";

/** The vault's `Schedule`, seconds by field. */
export interface VaultSchedule {
  epochDuration: bigint;
  maxNavAge: bigint;
  navConfirmDelay: bigint;
  navTtl: bigint;
  riskWindow: bigint;
}

/** The vault's schedule in force (`SigilVault.schedule()`). */
export async function readSchedule(c: CurrentContext): Promise<VaultSchedule> {
  const s = structOf(await c.reader.read(c.contracts.vault, "schedule"));
  return {
    epochDuration: big(s.epochDuration),
    maxNavAge: big(s.maxNavAge),
    navConfirmDelay: big(s.navConfirmDelay),
    navTtl: big(s.navTtl),
    riskWindow: big(s.riskWindow),
  };
}

/** A holder's longest exit, in seconds and in words. */
export interface ExitPath {
  seconds: bigint;
  /** "epoch 1 min + NAV age 5 min + custodian's return 10 min". */
  parts: string;
}

/**
 * The longest wait between asking to exit and holding the assets (as `exitPathSeconds` in
 * scripts/deploy/deploySigil.ts): a request made just after a cut-off waits for that epoch's settlement
 * (a valuation at most `maxNavAge` old), a whole epoch (`epochDuration`) to the next cut-off and that
 * epoch's settlement, and the custodian's return of funds from the venue within its commitment. The timelock's minimum delay must
 * be at least this, so holders who disagree with a queued change can leave before it applies. The
 * custodian's return time comes from the deployment file; when unknown it is counted as 0 (said so).
 */
export function exitPathOf(epochDuration: unknown, maxNavAge: unknown, env: FormatEnv): ExitPath {
  const custody = env.custodyReturnSeconds;
  const e = big(epochDuration);
  const a = big(maxNavAge);
  return {
    seconds: e + 2n * a + (custody ?? 0n),
    parts: `epoch ${durationText(e)} + 2 × NAV age ${durationText(a)} + custodian's return ${custody !== undefined ? durationText(custody) : "not known (counted as 0: the deployment file has no custody.returnWithinSeconds)"}`,
  };
}
