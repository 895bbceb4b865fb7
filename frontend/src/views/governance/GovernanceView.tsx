import { LimitsCard } from "./LimitsCard.js";
import { AssetTable } from "./AssetTable.js";
import { DelegateCard } from "./DelegateCard.js";
import { ProposalForm } from "./ProposalForm.js";
import { ProposalList } from "./ProposalList.js";
import { GuardianActions } from "./GuardianActions.js";

/** Governance: limits in force, proposals, delegation and votes, the guardian's actions. */
export function GovernanceView() {
  return (
    <div className="grid">
      <LimitsCard />
      <DelegateCard />
      <ProposalList />
      <ProposalForm />
      <GuardianActions />
      <AssetTable />
    </div>
  );
}
