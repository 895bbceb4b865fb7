import type { SignerInfo } from "../../hooks/useLedger.js";
import { short } from "../../lib/format.js";

/**
 * The operators whose signatures the submitting transaction carried (recovered in this browser from
 * the calldata), each marked as a current operator (`OracleRegistry.operators()`) or not.
 */
export function Signers({ info }: { info: SignerInfo }) {
  if (!info.ok)
    return (
      <span className="muted" data-testid="signers" title={info.error}>
        unknown
      </span>
    );
  return (
    <span
      className="mono"
      data-testid="signers"
      data-signers={info.signers.map((s) => s.address.toLowerCase()).join(",")}
    >
      {info.signers.map((s, i) => (
        <span
          key={s.address}
          className={s.operator ? "" : "error"}
          style={{ whiteSpace: "nowrap" }}
          title={`${s.address}: ${s.operator ? "a current operator" : "not a current operator"}`}
        >
          {i > 0 && ", "}
          {short(s.address, 4)}
          {s.operator ? " ✓" : " (not an operator)"}
        </span>
      ))}
    </span>
  );
}
