import { useSigil } from "../hooks/useSigil.js";
import { useVaultState } from "../hooks/useVaultState.js";
import { RiskBadge } from "./RiskBadge.js";
import { WalletButton } from "./WalletButton.js";

/** Title, network, kill switch / breaker / NAV freshness, wallet. */
export function Header() {
  const { deployment } = useSigil();
  const vault = useVaultState();
  return (
    <header className="header">
      <div className="brand">
        <strong>Sigil</strong>{" "}
        <span className="muted">
          vault · {deployment.network} ({deployment.chainId})
        </span>
      </div>
      <RiskBadge />
      {vault.data && (
        <span className={`badge ${vault.data.fresh ? "badge-ok" : "badge-bad"}`} data-testid="nav-fresh">
          {vault.data.fresh ? "NAV fresh" : "NAV stale: requests paused"}
        </span>
      )}
      {vault.data?.depositsPaused && <span className="badge badge-bad">Deposits paused</span>}
      <WalletButton />
    </header>
  );
}
