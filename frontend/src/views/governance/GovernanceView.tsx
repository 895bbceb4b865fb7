import { LimitsCard } from "./LimitsCard.js";
import { AssetTable } from "./AssetTable.js";
import { DelegateCard } from "./DelegateCard.js";
import { ProposalBuilder } from "./ProposalBuilder.js";
import { ProposalList } from "./ProposalList.js";
import { GuardianActions } from "./GuardianActions.js";
import { ParameterHistory } from "./ParameterHistory.js";

/** Governance: limits in force and their history, proposals, delegation and votes, the guardian's actions. */
export function GovernanceView() {
  return (
    <div className="grid">
      <LimitsCard />
      <DelegateCard />
      <ProposalList />
      <ProposalBuilder />
      <GuardianActions />
      <AssetTable />
      <ParameterHistory />
    </div>
  );
}
