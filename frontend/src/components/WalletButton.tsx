import { useConnect, useConnection, useConnectors, useDisconnect, useSwitchChain } from "wagmi";
import { useSigil } from "../hooks/useSigil.js";
import { short } from "../lib/format.js";

/** Connect / disconnect, and a switch button when the wallet is on the wrong network. */
export function WalletButton() {
  const { address, chainId, isConnected } = useConnection();
  const connectors = useConnectors();
  const connect = useConnect();
  const { disconnect } = useDisconnect();
  const switchChain = useSwitchChain();
  const { deployment } = useSigil();

  if (!isConnected) {
    return (
      <div className="wallet">
        {connectors.map((c) => (
          <button key={c.uid} onClick={() => connect.mutate({ connector: c })} disabled={connect.isPending}>
            {connect.isPending ? "Connecting…" : `Connect ${c.name === "Injected" ? "wallet" : c.name}`}
          </button>
        ))}
        {connect.error && <span className="error">{connect.error.message.split("\n")[0]}</span>}
      </div>
    );
  }
  const wrong = chainId !== deployment.chainId;
  return (
    <div className="wallet">
      {wrong && (
        <span className="badge badge-bad" data-testid="wrong-network">
          Wrong network ({chainId})
        </span>
      )}
      {wrong && (
        <button
          onClick={() => switchChain.mutate({ chainId: deployment.chainId })}
          disabled={switchChain.isPending}
        >
          Switch to chain {deployment.chainId}
        </button>
      )}
      <span className="mono" data-testid="account">
        {short(address ?? "", 4)}
      </span>
      <button className="secondary" onClick={() => disconnect()}>
        Disconnect
      </button>
    </div>
  );
}
