import { VaultOverview } from "./VaultOverview.js";
import { NavChart } from "./NavChart.js";
import { DepositCard } from "./DepositCard.js";
import { RedeemCard } from "./RedeemCard.js";
import { PositionCard } from "./PositionCard.js";

/** Stakers: the vault, their position, deposits and redemptions. */
export function VaultView() {
  return (
    <div className="grid">
      <VaultOverview />
      <PositionCard />
      <DepositCard />
      <RedeemCard />
      <NavChart />
    </div>
  );
}
