import { useState } from "react";
import { erc20Abi, type Abi } from "viem";
import { useConnection } from "wagmi";
import { mockStableAbi, sigilVaultAbi } from "../../abi/generated.js";
import { AmountInput, parseAmount } from "../../components/AmountInput.js";
import { Card } from "../../components/Card.js";
import { NeedsWallet } from "../../components/ConnectHint.js";
import { usePosition } from "../../hooks/usePosition.js";
import { useSigil } from "../../hooks/useSigil.js";
import { useTokenInfo } from "../../hooks/useTokenInfo.js";
import { useTx, type TxRequest } from "../../hooks/useTx.js";
import { formatAmount } from "../../lib/format.js";

/** Approve (when needed) and request a deposit into the open epoch. */
export function DepositCard() {
  const [text, setText] = useState("");
  const { address } = useConnection();
  const { addresses } = useSigil();
  const t = useTokenInfo();
  const pos = usePosition();
  const { run } = useTx();
  const amount = parseAmount(text, t.assetDecimals);

  const deposit = () => {
    if (!amount || !address) return;
    const steps: TxRequest[] = [];
    if ((pos.data?.allowance ?? 0n) < amount)
      steps.push({
        label: `Approve ${text} ${t.assetSymbol} for the vault`,
        address: addresses.asset,
        abi: erc20Abi as Abi,
        functionName: "approve",
        args: [addresses.vault, amount],
      });
    steps.push({
      label: `Request deposit of ${text} ${t.assetSymbol}`,
      address: addresses.vault,
      abi: sigilVaultAbi as Abi,
      functionName: "requestDeposit",
      args: [amount, address],
    });
    void run(steps).then((ok) => ok && setText(""));
  };

  const faucet = () =>
    address &&
    void run([
      {
        label: `Mint 10,000 test ${t.assetSymbol}`,
        address: addresses.asset,
        abi: mockStableAbi as Abi,
        functionName: "mint",
        args: [address, 10_000n * 10n ** BigInt(t.assetDecimals)],
      },
    ]);

  return (
    <Card title="Deposit">
      <NeedsWallet>
        <p className="muted">
          Deposits are requests: your {t.assetSymbol} joins the open epoch and turns into shares at the next
          settlement price. You can cancel until then.
        </p>
        <p>
          Wallet balance:{" "}
          <strong data-testid="asset-balance">
            {formatAmount(pos.data?.assetBalance ?? 0n, t.assetDecimals)}
          </strong>{" "}
          {t.assetSymbol}
          {addresses.mockAsset && (
            <button className="link" onClick={faucet}>
              get test {t.assetSymbol}
            </button>
          )}
        </p>
        <AmountInput
          label="Amount"
          value={text}
          onChange={setText}
          unit={t.assetSymbol}
          testId="deposit-amount"
        />
        <button onClick={deposit} disabled={!amount} data-testid="deposit-button">
          {amount && (pos.data?.allowance ?? 0n) < amount ? "Approve and request deposit" : "Request deposit"}
        </button>
      </NeedsWallet>
    </Card>
  );
}
