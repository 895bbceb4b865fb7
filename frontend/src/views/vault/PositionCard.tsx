import type { Abi } from "viem";
import { useConnection } from "wagmi";
import { sigilVaultAbi } from "../../abi/generated.js";
import { Card } from "../../components/Card.js";
import { NeedsWallet } from "../../components/ConnectHint.js";
import { Stat } from "../../components/Stat.js";
import { usePosition } from "../../hooks/usePosition.js";
import { useSigil } from "../../hooks/useSigil.js";
import { useTokenInfo } from "../../hooks/useTokenInfo.js";
import { useTx } from "../../hooks/useTx.js";
import { useVaultState } from "../../hooks/useVaultState.js";
import { formatAmount, sharesToAssets } from "../../lib/format.js";

/** Shares, value, open and claimable requests, and P&L since the first deposit. */
export function PositionCard() {
  const { address } = useConnection();
  const { addresses } = useSigil();
  const t = useTokenInfo();
  const pos = usePosition();
  const vault = useVaultState();
  const { run } = useTx();
  const p = pos.data;
  const pps = vault.data?.pps ?? 0n;
  const usd = (x: bigint) => `${formatAmount(x, t.assetDecimals)} ${t.assetSymbol}`;
  const call = (label: string, functionName: string, args: readonly unknown[] = []) =>
    void run([{ label, address: addresses.vault, abi: sigilVaultAbi as Abi, functionName, args }]);

  let body = <p className="muted">Loading…</p>;
  if (p && address) {
    const heldShares = p.shares + p.claimableDepositShares + p.pendingRedeem;
    const value =
      sharesToAssets(heldShares, pps) + p.pendingDeposit + p.depositRefund + p.claimableRedeemAssets;
    const pnl = value + p.redeemedAssets - p.deposited;
    body = (
      <>
        <div className="stats">
          <Stat label="Your shares" value={formatAmount(p.shares, t.shareDecimals, 4)} testId="my-shares" />
          <Stat
            label="Position value"
            value={usd(value)}
            testId="my-value"
            hint="Shares at the current price, plus open requests"
          />
          <Stat
            label="Profit and loss"
            value={
              <span className={pnl < 0n ? "neg" : "pos"}>
                {(pnl < 0n ? "−" : "+") + usd(pnl < 0n ? -pnl : pnl)}
              </span>
            }
            hint="Value plus redeemed, minus deposited"
            testId="my-pnl"
          />
          <Stat label="Voting power" value={formatAmount(p.votes, t.shareDecimals, 4)} />
        </div>
        <ul className="requests">
          {p.pendingDeposit > 0n && (
            <li data-testid="pending-deposit">
              Deposit of {usd(p.pendingDeposit)} waiting for settlement.{" "}
              <button
                className="secondary"
                onClick={() => call("Cancel deposit request", "cancelDepositRequest")}
              >
                Cancel
              </button>
            </li>
          )}
          {(p.claimableDepositShares > 0n || p.depositRefund > 0n) && (
            <li data-testid="claimable-deposit">
              Deposit settled: {formatAmount(p.claimableDepositShares, t.shareDecimals, 4)} {t.shareSymbol}{" "}
              ready
              {p.depositRefund > 0n && (
                <span data-testid="deposit-refund">
                  {" "}
                  and {usd(p.depositRefund)} refunded (the vault reached its cap; deposits of that epoch were
                  filled pro rata)
                </span>
              )}
              .{" "}
              <button
                onClick={() => call("Claim deposited shares", "claimDeposit", [address])}
                data-testid="claim-deposit"
              >
                Claim shares
              </button>
            </li>
          )}
          {p.pendingRedeem > 0n && (
            <li>
              Redemption of {formatAmount(p.pendingRedeem, t.shareDecimals, 4)} {t.shareSymbol} waiting for
              settlement.{" "}
              <button
                className="secondary"
                onClick={() => call("Cancel redemption request", "cancelRedeemRequest")}
              >
                Cancel
              </button>
            </li>
          )}
          {p.claimableRedeemAssets > 0n && (
            <li>
              Redemption paid out: {usd(p.claimableRedeemAssets)} ready.{" "}
              <button onClick={() => call("Claim redeemed assets", "claimRedeem", [address])}>
                Claim {t.assetSymbol}
              </button>
            </li>
          )}
          {p.pendingDeposit +
            p.claimableDepositShares +
            p.depositRefund +
            p.pendingRedeem +
            p.claimableRedeemAssets ===
            0n && <li className="muted">No open requests.</li>}
        </ul>
      </>
    );
  }
  return (
    <Card title="Your position">
      <NeedsWallet>{body}</NeedsWallet>
    </Card>
  );
}
