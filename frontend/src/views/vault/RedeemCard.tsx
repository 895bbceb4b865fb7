import { useState } from "react";
import type { Abi } from "viem";
import { useConnection } from "wagmi";
import { sigilVaultAbi } from "../../abi/generated.js";
import { AmountInput, parseAmount } from "../../components/AmountInput.js";
import { Card } from "../../components/Card.js";
import { NeedsWallet } from "../../components/ConnectHint.js";
import { usePosition } from "../../hooks/usePosition.js";
import { useSigil } from "../../hooks/useSigil.js";
import { useTokenInfo } from "../../hooks/useTokenInfo.js";
import { useTx } from "../../hooks/useTx.js";
import { formatAmount } from "../../lib/format.js";

/** Request a redemption of shares at the next settlement. */
export function RedeemCard() {
  const [text, setText] = useState("");
  const { address } = useConnection();
  const { addresses } = useSigil();
  const t = useTokenInfo();
  const pos = usePosition();
  const { run } = useTx();
  const shares = parseAmount(text, t.shareDecimals);
  const redeem = () =>
    shares &&
    address &&
    void run([
      {
        label: `Request redemption of ${text} ${t.shareSymbol}`,
        address: addresses.vault,
        abi: sigilVaultAbi as Abi,
        functionName: "requestRedeem",
        args: [shares, address, address],
      },
    ]).then((ok) => ok && setText(""));
  return (
    <Card title="Redeem">
      <NeedsWallet>
        <p className="muted">
          Redemptions are requests too: your shares stay exposed to profit and loss until the next settlement
          pays them out.
        </p>
        <p>
          Your shares: <strong>{formatAmount(pos.data?.shares ?? 0n, t.shareDecimals, 4)}</strong>{" "}
          <button
            className="link"
            onClick={() =>
              setText(formatAmount(pos.data?.shares ?? 0n, t.shareDecimals, 12).replace(/,/g, ""))
            }
          >
            max
          </button>
        </p>
        <AmountInput
          label="Shares"
          value={text}
          onChange={setText}
          unit={t.shareSymbol}
          testId="redeem-amount"
        />
        <button onClick={redeem} disabled={!shares} data-testid="redeem-button">
          Request redemption
        </button>
      </NeedsWallet>
    </Card>
  );
}
