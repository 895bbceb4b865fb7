import { BaseError, ContractFunctionRevertedError, UserRejectedRequestError, formatUnits } from "viem";

type Explain = (args: readonly unknown[], ctx: ErrorContext) => string;

/** What the explanations need to print amounts. */
export interface ErrorContext {
  assetDecimals: number;
  shareDecimals: number;
  assetSymbol: string;
}

const amount = (v: unknown, decimals: number) =>
  typeof v === "bigint" ? Number(formatUnits(v, decimals)).toLocaleString("en-US") : String(v);

const when = (v: unknown) =>
  typeof v === "bigint" || typeof v === "number" ? new Date(Number(v) * 1000).toLocaleString() : String(v);

/** Every custom error of the Sigil contracts (and the OpenZeppelin ones users can hit), in plain words. */
const explanations: Record<string, Explain> = {
  SigilVaultAsyncOnly: () => "This vault works by request: request a deposit or redemption, then claim it.",
  SigilVaultZeroAmount: () => "Enter an amount above zero.",
  SigilVaultCapExceeded: ([wouldBe, cap], c) =>
    `The vault is full: this would bring it to ${amount(wouldBe, c.assetDecimals)} ${c.assetSymbol}, above its cap of ${amount(cap, c.assetDecimals)}.`,
  SigilVaultDepositsPaused: () =>
    "Deposits are paused (by the guardian, or because the kill switch is at Flatten).",
  SigilVaultNavStale: ([last]) =>
    `The vault's valuation is out of date (last settled ${when(last)}); requests reopen after the next settlement.`,
  SigilVaultNothingToClaim: () => "There is nothing to claim or cancel for this account yet.",
  SigilVaultRequestAlreadyFulfilled: () =>
    "This request was already settled; claim it instead of cancelling.",
  SigilVaultInsufficientIdle: () => "The vault does not hold enough idle funds on-chain for this right now.",
  SigilVaultOffchainLimit: () => "This would put more of the vault at the venue than the risk policy allows.",
  SigilVaultStaleSequence: () => "This valuation report is older than one already used.",
  SigilVaultReportExpired: () => "This valuation report expired before it reached the chain.",
  SigilVaultWrongEpoch: ([expected, actual]) =>
    `This valuation report is for epoch ${String(actual)}, but the vault is in epoch ${String(expected)}.`,
  SigilVaultBadNavTimestamp: () => "This valuation report has an impossible time.",
  SigilVaultFeeAboveCap: () => "That fee is above the hard cap.",
  SigilVaultZeroAddress: () => "An address is missing.",
  TradeLedgerStaleSequence: () => "This report is older than one already recorded.",
  TradeLedgerReportExpired: () => "This report expired before it reached the chain.",
  TradeLedgerEmptyExecution: () => "This execution report has no fills.",
  OracleRegistryConfigDigestMismatch: () => "The report was signed under an old oracle operator set.",
  OracleRegistryTooFewSignatures: ([got, need]) =>
    `Only ${String(got)} operator signatures; ${String(need)} are needed.`,
  OracleRegistryMalformedSignatures: () => "The operator signatures are malformed.",
  OracleRegistryInvalidSignature: () => "An operator signature is invalid.",
  OracleRegistryUnexpectedSigner: () =>
    "A signature is not from a current operator (or signers are out of order).",
  OracleRegistryNotOperator: () => "That account is not an oracle operator.",
  RiskPolicyNotTighter: () => "The guardian can only tighten limits; loosening needs a governance vote.",
  RiskPolicyInvalidLimit: () => "That limit value is not valid.",
  RiskPolicyInvalidFeed: () => "That price feed is not valid.",
  RiskPolicyAssetIndexOutOfRange: () => "That asset index is outside the policy's universe.",
  OperatorBondsZeroAmount: () => "Enter an amount above zero.",
  OperatorBondsInsufficientBond: () => "The bond is smaller than that amount.",
  OperatorBondsStillLocked: ([at]) => `The bond is still locked until ${when(at)}.`,
  OperatorBondsNothingToClaim: () => "There are no rewards to claim.",
  OperatorBondsNothingToSlash: () => "That operator has no bond to slash.",
  AccessControlUnauthorizedAccount: () =>
    "Your account is not allowed to do this (it lacks the needed role).",
  ERC20InsufficientAllowance: () => "The vault is not approved to take that much; approve first.",
  ERC20InsufficientBalance: () => "Your balance is too low for this amount.",
  ERC5805FutureLookup: () => "That block is in the future.",
  GovernorUnexpectedProposalState: ([, state]) =>
    `The proposal is not in the right stage for this (it is ${proposalStage(state)}).`,
  GovernorAlreadyCastVote: () => "You already voted on this proposal.",
  GovernorInsufficientProposerVotes: () => "You need more voting power to propose.",
  GovernorNonexistentProposal: () => "There is no such proposal.",
  GovernorInvalidProposalLength: () => "The proposal's actions are malformed.",
  GovernorRestrictedProposer: () => "This account may not make this proposal.",
  TimelockUnexpectedOperationState: () => "The timelock is not ready for this step yet (wait for its delay).",
  TimelockUnderlyingTransactionReverted: () => "The approved change itself failed when executed.",
};

const stages = ["pending", "active", "canceled", "defeated", "succeeded", "queued", "expired", "executed"];
function proposalStage(state: unknown): string {
  return stages[Number(state)] ?? `state ${String(state)}`;
}

/** A transaction error in words a staker understands. */
export function explainError(error: unknown, ctx: ErrorContext): string {
  if (error instanceof BaseError) {
    if (error.walk((e) => e instanceof UserRejectedRequestError))
      return "You rejected the request in your wallet.";
    const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
    if (reverted instanceof ContractFunctionRevertedError) {
      const name = reverted.data?.errorName;
      if (name && explanations[name]) return explanations[name](reverted.data?.args ?? [], ctx);
      if (name === "Error" && reverted.reason) return `The contract refused: ${reverted.reason}.`;
      if (name) return `The contract refused (${name}).`;
      if (reverted.reason) return `The contract refused: ${reverted.reason}.`;
      return "The contract refused the transaction.";
    }
    const text = error.shortMessage || error.message;
    if (/insufficient funds/i.test(text)) return "Your wallet does not have enough ETH to pay for gas.";
    if (/chain/i.test(text) && /mismatch|does not match/i.test(text))
      return "Your wallet is on another network; switch to the vault's network.";
    return text;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
