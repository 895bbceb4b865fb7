import { Card } from "../../components/Card.js";
import { Stat } from "../../components/Stat.js";
import { useTokenInfo } from "../../hooks/useTokenInfo.js";
import { useVaultState } from "../../hooks/useVaultState.js";
import { ago, duration, formatAmount, sharePriceToNumber } from "../../lib/format.js";

export function VaultOverview() {
  const q = useVaultState();
  const t = useTokenInfo();
  if (q.error)
    return <Card title="Vault">{<p className="error">Could not read the vault: {q.error.message}</p>}</Card>;
  if (!q.data) return <Card title="Vault">Loading…</Card>;
  const d = q.data;
  const price = (pps: bigint) => sharePriceToNumber(pps, t.shareDecimals, t.assetDecimals).toFixed(6);
  const usd = (x: bigint) => `${formatAmount(x, t.assetDecimals)} ${t.assetSymbol}`;
  return (
    <Card title="Vault">
      <div className="stats">
        <Stat label="Total assets (NAV)" value={usd(d.totalAssets)} testId="total-assets" />
        <Stat label="Share price" value={`${price(d.pps)} ${t.assetSymbol}`} testId="share-price" />
        <Stat
          label="High-water mark"
          value={price(d.highWaterMark)}
          hint="Performance fees are taken only above this price"
        />
        <Stat
          label="Epoch settling next"
          value={d.epoch.toString()}
          testId="epoch"
          hint="Settled by the first NAV report valued at or after its cut-off"
        />
        <Stat
          label="Cut-off"
          value={
            d.chainTime < d.cutoff
              ? `in ${duration(d.cutoff - d.chainTime)}`
              : `passed ${ago(d.cutoff, Number(d.chainTime))}`
          }
          testId="cutoff"
          hint={`Requests now join epoch ${d.requestEpoch}; a request can be cancelled only before its epoch's cut-off`}
        />
        <Stat label="Cap" value={usd(d.cap)} />
        <Stat label="Shares outstanding" value={formatAmount(d.totalSupply, t.shareDecimals)} />
        <Stat
          label="Last NAV settlement"
          value={d.navTime === 0n ? "never" : ago(d.navTime, Number(d.chainTime))}
          hint={`Valid for ${duration(d.navTtl)}`}
        />
        <Stat
          label="NAV freshness"
          value={d.fresh ? "fresh" : "stale"}
          hint={`A NAV older than ${duration(d.navTtl)} pauses deposits; redemptions can always be requested`}
        />
        <Stat label="Waiting deposits" value={usd(d.pendingDeposits)} testId="pending-deposits" />
        <Stat
          label="Waiting redemptions"
          value={`${formatAmount(d.pendingRedeems, t.shareDecimals)} ${t.shareSymbol}`}
        />
      </div>
    </Card>
  );
}
