import { useState } from "react";
import { isAddress, zeroAddress, type Abi } from "viem";
import { useConnection } from "wagmi";
import { sigilVaultAbi } from "../../abi/generated.js";
import { Card } from "../../components/Card.js";
import { NeedsWallet } from "../../components/ConnectHint.js";
import { usePosition } from "../../hooks/usePosition.js";
import { useSigil } from "../../hooks/useSigil.js";
import { useTokenInfo } from "../../hooks/useTokenInfo.js";
import { useTx } from "../../hooks/useTx.js";
import { formatAmount, short } from "../../lib/format.js";

/** Vault shares vote only once delegated (to yourself or someone else). */
export function DelegateCard() {
  const { address } = useConnection();
  const { addresses } = useSigil();
  const t = useTokenInfo();
  const pos = usePosition();
  const { run } = useTx();
  const [to, setTo] = useState("");
  const delegate = (target: string) =>
    void run([
      {
        label: target === address ? "Delegate votes to yourself" : `Delegate votes to ${short(target, 4)}`,
        address: addresses.vault,
        abi: sigilVaultAbi as Abi,
        functionName: "delegate",
        args: [target],
      },
    ]);
  const current = pos.data?.delegate;
  return (
    <Card title="Your votes">
      <NeedsWallet>
        <p>
          Voting power:{" "}
          <strong data-testid="voting-power">
            {formatAmount(pos.data?.votes ?? 0n, t.shareDecimals, 4)}
          </strong>{" "}
          · delegated to{" "}
          <span className="mono">
            {!current || current === zeroAddress
              ? "nobody"
              : current === address
                ? "yourself"
                : short(current, 4)}
          </span>
        </p>
        <p className="muted">Votes count from the block a proposal is made; delegate before it.</p>
        <button onClick={() => address && delegate(address)} data-testid="delegate-self">
          Delegate to myself
        </button>
        <div className="row">
          <input placeholder="0x… delegate address" value={to} onChange={(e) => setTo(e.target.value)} />
          <button className="secondary" disabled={!isAddress(to)} onClick={() => delegate(to)}>
            Delegate
          </button>
        </div>
      </NeedsWallet>
    </Card>
  );
}
