import type { BaseContract, BaseContractMethod, ContractRunner } from "ethers";
import type { Fixture } from "./sigilFixture.js";

/**
 * A contract whose listed methods are known to exist. Without generated bindings, ethers' `Contract`
 * exposes methods through an index signature, which strict TypeScript (`noUncheckedIndexedAccess`)
 * treats as possibly undefined; naming the methods gives plain, callable properties.
 */
export type Typed<N extends string> = Omit<BaseContract, "connect"> & {
  readonly [K in N]: BaseContractMethod;
} & {
  connect(runner: ContractRunner | null): Typed<N>;
};

export function typed<N extends string>(contract: BaseContract): Typed<N> {
  return contract as unknown as Typed<N>;
}

type AccessControlFn = "hasRole" | "grantRole" | "revokeRole" | "renounceRole" | "DEFAULT_ADMIN_ROLE";
type Erc20Fn =
  "balanceOf" | "totalSupply" | "transfer" | "transferFrom" | "approve" | "allowance" | "decimals" | "mint";

export type VaultFn =
  | AccessControlFn
  | Erc20Fn
  | "requestDeposit"
  | "requestRedeem"
  | "cancelDepositRequest"
  | "cancelRedeemRequest"
  | "claimDeposit"
  | "claimRedeem"
  | "settle"
  | "sendToVenue"
  | "returnFromVenue"
  | "setFees"
  | "setOperatorRewards"
  | "setCap"
  | "setSchedule"
  | "schedule"
  | "pauseDeposits"
  | "unpauseDeposits"
  | "totalAssets"
  | "lastNav"
  | "currentEpoch"
  | "navSequence"
  | "isNavFresh"
  | "reservedAssets"
  | "offchainEquity"
  | "custodyTotals"
  | "epochBook"
  | "navGuard"
  | "sharePrice"
  | "fees"
  | "parameters"
  | "deposit"
  | "withdraw"
  | "redeem"
  | "previewDeposit"
  | "previewMint"
  | "previewWithdraw"
  | "previewRedeem"
  | "maxDeposit"
  | "maxMint"
  | "maxWithdraw"
  | "maxRedeem"
  | "convertToShares"
  | "convertToAssets"
  | "asset"
  | "registry"
  | "policy"
  | "delegate"
  | "delegates"
  | "getVotes"
  | "getPastVotes"
  | "GOVERNANCE_ROLE"
  | "GUARDIAN_ROLE"
  | "CUSTODIAN_ROLE"
  | "MAX_MANAGEMENT_FEE_BPS"
  | "MAX_PERFORMANCE_FEE_BPS";

export type PolicyFn =
  | AccessControlFn
  | "setAsset"
  | "setLimits"
  | "setKillLevel"
  | "tightenAsset"
  | "tightenLimits"
  | "raiseKillLevel"
  | "tripBreaker"
  | "checkSignal"
  | "checkPrice"
  | "assetCount"
  | "assetConfig"
  | "limits"
  | "killLevel"
  | "GOVERNANCE_ROLE"
  | "GUARDIAN_ROLE"
  | "BREAKER_ROLE"
  | "MIN_NAV_CHANGE_BPS";

export type RegistryFn =
  | AccessControlFn
  | "setConfig"
  | "setConsumers"
  | "consumers"
  | "configDigest"
  | "operators"
  | "threshold"
  | "configVersion"
  | "isOperator"
  | "GOVERNANCE_ROLE"
  | "SLASHER_ROLE";

export type LedgerFn =
  | "submitSignal"
  | "submitExecution"
  | "head"
  | "sequences"
  | "position"
  | "targetWeight"
  | "FILL_FEED_INVALID"
  | "FILL_FEED_STALE"
  | "FILL_PRICE_DEVIATION"
  | "FILL_SIGNAL_UNKNOWN";

export type BondsFn = AccessControlFn | "GOVERNANCE_ROLE" | "params" | "setParams";

export type GovernorFn =
  | "propose"
  | "castVote"
  | "queue"
  | "execute"
  | "state"
  | "proposalSnapshot"
  | "proposalDeadline"
  | "proposalVotes"
  | "hasVoted"
  | "hashProposal"
  | "quorum"
  | "votingDelay"
  | "votingPeriod"
  | "getVotes"
  | "timelock"
  | "proposalEta"
  | "proposalThreshold"
  | "proposalThresholdBps"
  | "proposalGuardian"
  | "lateQuorumVoteExtension"
  | "cancel";

export type BookFn =
  | "epochState"
  | "requestEpoch"
  | "pendingTotals"
  | "depositRequestOf"
  | "redeemRequestOf"
  | "requestsOf"
  | "fulfilmentOf"
  | "vault";

export type NavGuardFn = "pending" | "range" | "index" | "window" | "vault" | "registry" | "BUCKETS";

export type TimelockFn =
  | AccessControlFn
  | "PROPOSER_ROLE"
  | "EXECUTOR_ROLE"
  | "CANCELLER_ROLE"
  | "getMinDelay"
  | "schedule"
  | "updateDelay"
  | "operationDelay"
  | "requiredDelay"
  | "getTimestamp"
  | "isOperationPending"
  | "hashOperationBatch"
  | "cancel";

export type AggregatorFn = "setAnswer" | "setAnswerAt" | "setBroken" | "latestRoundData" | "decimals";

export type Erc20 = Typed<Erc20Fn>;

/** The fixture's contracts with their methods typed as present. */
export function typedContracts(f: Fixture) {
  return {
    vault: typed<VaultFn>(f.vault),
    book: typed<BookFn>(f.book),
    policy: typed<PolicyFn>(f.policy),
    registry: typed<RegistryFn>(f.registry),
    ledger: typed<LedgerFn>(f.ledger),
    bonds: typed<BondsFn>(f.bonds),
    governor: typed<GovernorFn>(f.governor),
    timelock: typed<TimelockFn>(f.timelock),
    asset: typed<Erc20Fn>(f.asset),
  };
}
