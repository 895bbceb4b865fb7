import {
  BaseError,
  ContractFunctionRevertedError,
  UserRejectedRequestError,
  decodeErrorResult,
  formatUnits,
  type Abi,
  type Hex,
} from "viem";
import { sigilAbis } from "./proposals/contracts.js";
import { text32 } from "./proposals/fields.js";
import { operationStates } from "./proposals/lifecycle.js";
import { roleNameOf } from "./proposals/roles.js";
import { bpsText, durationText } from "./proposals/units.js";
import { proposalStates } from "./words.js";

type AbiError = Extract<Abi[number], { type: "error" }>;

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

const seconds = (v: unknown) =>
  typeof v === "bigint" || typeof v === "number" ? durationText(BigInt(v)) : String(v);

const shortHex = (v: unknown) => {
  const s = String(v);
  return s.length > 14 ? `${s.slice(0, 8)}…${s.slice(-4)}` : s;
};

const role = (v: unknown) => roleNameOf(String(v)) ?? `an unknown role (${shortHex(v)})`;

/** The names of the states set in a `bytes32(1 << state)` bitmap (Governor and TimelockController). */
export function statesOfBitmap(bitmap: unknown, names: readonly string[]): string[] {
  let bits: bigint;
  try {
    bits = BigInt(bitmap as string | bigint);
  } catch {
    return [];
  }
  return names.filter((_, i) => (bits >> BigInt(i)) & 1n);
}

const orList = (xs: string[]) =>
  xs.length <= 1 ? (xs[0] ?? "none") : `${xs.slice(0, -1).join(", ")} or ${xs.at(-1)}`;

function operationStateWords(expected: unknown): string {
  const want = statesOfBitmap(expected, operationStates);
  const hint =
    want.length === 1 && want[0] === "Ready"
      ? " It is still waiting for its delay, or it was cancelled or already executed."
      : want.length === 1 && want[0] === "Unset"
        ? " It was queued already."
        : "";
  return `The timelock operation is not in the state this step needs (${orList(want)}).${hint}`;
}

/** Every custom error of the Sigil contracts and of the OpenZeppelin code they use, in plain words. */
export const explanations: Record<string, Explain> = {
  // SigilVault
  SigilVaultAsyncOnly: () => "This vault works by request: request a deposit or redemption, then claim it.",
  SigilVaultZeroAmount: () => "Enter an amount above zero.",
  SigilVaultCapReached: ([total, cap], c) =>
    `The vault is full: its assets (${amount(total, c.assetDecimals)} ${c.assetSymbol}) already reach its cap of ${amount(cap, c.assetDecimals)} ${c.assetSymbol}.`,
  SigilVaultDepositsPaused: () =>
    "Deposits are paused (by the guardian, or because the kill switch is at Flatten).",
  SigilVaultNavStale: ([last]) =>
    `The vault's valuation is out of date (last settled ${when(last)}); requests reopen after the next settlement.`,
  SigilVaultNothingToClaim: () => "There is nothing settled to claim for this account yet.",
  SigilVaultNothingToCancel: ([, cutoff]) =>
    `Nothing can be cancelled: only requests whose epoch's cut-off has not passed can be (this epoch's cut-off: ${when(cutoff)}); a request past it settles with its epoch.`,
  SigilVaultRequestPending: ([batch]) =>
    `An earlier redemption (epoch ${String(batch)}) is still waiting to settle in the slot this request needs; claim it once it settles, then request again.`,
  SigilVaultInsufficientIdle: () => "The vault does not hold enough idle funds on-chain for this right now.",
  SigilVaultOffchainLimit: () => "This would put more of the vault at the venue than the risk policy allows.",
  SigilVaultStaleSequence: () => "This valuation report is older than one already used.",
  SigilVaultReportExpired: () => "This valuation report expired before it reached the chain.",
  SigilVaultWrongEpoch: ([expected, actual]) =>
    `This valuation report is for epoch ${String(actual)}, but the vault is in epoch ${String(expected)}.`,
  SigilVaultBadNavTimestamp: () => "This valuation report has an impossible time.",
  SigilVaultWrongVault: ([reported]) => `This valuation report is for another vault (${shortHex(reported)}).`,
  SigilVaultValuedBeforeCutoff: ([at, cutoff]) =>
    `This valuation (${when(at)}) is from before the epoch's cut-off (${when(cutoff)}): requests up to the cut-off must be priced after it.`,
  SigilVaultNavTooOld: ([at, maxAge]) =>
    `This valuation (${when(at)}) is older than the schedule allows (at most ${seconds(maxAge)}).`,
  SigilVaultCustodyMismatch: ([reported, sent], c) =>
    `The report says the venue received ${amount(reported, c.assetDecimals)} ${c.assetSymbol} from the vault, more than the vault ever sent (${amount(sent, c.assetDecimals)}).`,
  SigilVaultInvalidSchedule: ([field]) =>
    `The schedule's ${text32(field as Hex)} is out of bounds (epoch duration 1 s to 7 days, max NAV age 1 min to 1 day, NAV confirmation delay at most 7 days, NAV lifetime 1 s to 30 days, risk window 7 s to 30 days).`,
  SigilVaultFeeAboveCap: ([fee]) =>
    `The ${text32(fee as Hex)} fee is above its hard cap (5 %/year management, 30 % performance, 100 % operators' share).`,
  SigilVaultZeroAddress: () => "An address is missing (the zero address is not allowed here).",
  // TradeLedger and oracle reports
  TradeLedgerStaleSequence: () => "This report is older than one already recorded.",
  TradeLedgerReportExpired: () => "This report expired before it reached the chain.",
  TradeLedgerEmptyExecution: () => "This execution report has no fills.",
  OracleConfigConsumerNotRegistry: () => "Only the oracle registry may push its configuration to the ledger.",
  OracleRegistryConfigDigestMismatch: () => "The report was signed under an old oracle operator set.",
  OracleRegistryTooFewSignatures: ([got, need]) =>
    `Only ${String(got)} operator signatures; ${String(need)} are needed.`,
  OracleRegistryMalformedSignatures: () => "The operator signatures are malformed.",
  OracleRegistryInvalidSignature: () => "An operator signature is invalid.",
  OracleRegistryUnexpectedSigner: () =>
    "A signature is not from a current operator (or signers are out of order).",
  OracleRegistryNotOperator: () => "That account is not an oracle operator.",
  OracleRegistryNoQuorum: () =>
    "No operator set is in force for this contract (none configured, or it is no longer a consumer): no report can verify.",
  OracleRegistryInvalidOperators: () =>
    "The operator set must have 1 to 31 operators, in strictly ascending address order.",
  OracleRegistryInvalidThreshold: ([threshold, n]) =>
    `A threshold of ${String(threshold)} is not a strict majority of ${String(n)} operators.`,
  OracleRegistryTooManyConsumers: ([n]) =>
    `At most 4 contracts may receive the oracle configuration (${String(n)} given).`,
  CodeStoreWriteFailed: () => "The operator list could not be stored on-chain.",
  ReportTypesUnknownStream: ([s]) => `Unknown report stream ${String(s)}.`,
  // RiskPolicy
  RiskPolicyNotTighter: ([field]) =>
    `The guardian can only tighten limits (${text32(field as Hex)}); loosening needs a governance vote.`,
  RiskPolicyInvalidLimit: ([field]) =>
    `The limit ${text32(field as Hex)} is out of its valid range${text32(field as Hex) === "maxNavChangeBps" ? " (the max NAV move per report is 1 % to 100 %)" : ""}.`,
  RiskPolicyInvalidFeed: () => "That price feed is not valid (a listed asset needs a reference feed).",
  RiskPolicyAssetIndexOutOfRange: ([i]) =>
    `Asset index ${String(i)} is outside the policy's universe (the next free index lists a new asset; at most 16).`,
  // OperatorBonds
  OperatorBondsZeroAmount: () => "Enter an amount above zero.",
  OperatorBondsInsufficientBond: () => "The bond is smaller than that amount.",
  OperatorBondsStillLocked: ([at]) => `The bond is still locked until ${when(at)}.`,
  OperatorBondsNothingToClaim: () => "There are no rewards to claim.",
  OperatorBondsNothingToSlash: () => "That operator has no bond to slash.",
  OperatorBondsInvalidParams: () =>
    "Invalid bond parameters: shares must be at most 100 % and the treasury must be set.",
  OperatorBondsNotEquivocation: () =>
    "The two reports are not an equivocation (same stream, sequence and configuration, different payloads).",
  OperatorBondsInvalidSignature: () => "A signature in the equivocation proof is invalid.",
  OperatorBondsSignersDiffer: () => "The two reports were signed by different operators.",
  OperatorBondsAlreadySlashed: () => "This equivocation was already slashed.",
  // AccessControl
  AccessControlUnauthorizedAccount: ([account, needed]) =>
    `The account ${shortHex(account)} lacks ${role(needed)}, which this needs.`,
  AccessControlBadConfirmation: () => "A role can only be renounced by the account itself.",
  // ERC-20, ERC-4626, permits, votes
  ERC20InsufficientAllowance: () => "The vault is not approved to take that much; approve first.",
  ERC20InsufficientBalance: () => "Your balance is too low for this amount.",
  ERC20InvalidApprover: () => "The approving account is invalid (the zero address).",
  ERC20InvalidReceiver: () => "The receiving account is invalid (the zero address).",
  ERC20InvalidSender: () => "The sending account is invalid (the zero address).",
  ERC20InvalidSpender: () => "The spender is invalid (the zero address).",
  ERC20ExceededSafeSupply: () => "This would mint more shares than votes can count.",
  ERC2612ExpiredSignature: ([deadline]) => `The permit expired at ${when(deadline)}.`,
  ERC2612InvalidSigner: () => "The permit was not signed by the owner.",
  ERC4626ExceededMaxDeposit: () => "This vault works by request: request a deposit instead.",
  ERC4626ExceededMaxMint: () => "This vault works by request: request a deposit instead.",
  ERC4626ExceededMaxRedeem: () => "This vault works by request: request a redemption instead.",
  ERC4626ExceededMaxWithdraw: () => "This vault works by request: request a redemption instead.",
  ERC5805FutureLookup: () => "That block is in the future.",
  ERC6372InconsistentClock: () => "The votes token and the Governor disagree on their clock.",
  VotesExpiredSignature: ([expiry]) => `The delegation signature expired at ${when(expiry)}.`,
  InvalidAccountNonce: () => "The signature was made for another nonce (already used, or out of order).",
  CheckpointUnorderedInsertion: () => "A vote checkpoint would go back in time.",
  ECDSAInvalidSignature: () => "A signature is invalid.",
  ECDSAInvalidSignatureLength: ([n]) => `A signature has ${String(n)} bytes instead of 65.`,
  ECDSAInvalidSignatureS: () => "A signature is malleable (high s) and is refused.",
  InvalidShortString: () => "A name is too long.",
  StringTooLong: () => "A name is too long.",
  ReentrancyGuardReentrantCall: () =>
    "A call came back into the contract while it was busy (re-entrancy refused).",
  SafeCastOverflowedUintDowncast: () => "A number is too large for the field it goes into.",
  SafeCastOverflowedUintToInt: () => "A number is too large for the field it goes into.",
  SafeERC20FailedOperation: ([token]) => `The token transfer failed (${shortHex(token)}).`,
  // Governor
  GovernorUnexpectedProposalState: ([, current, expected]) => {
    const want = statesOfBitmap(expected, proposalStates);
    return `The proposal is ${proposalStates[Number(current)] ?? `in state ${String(current)}`}; this step needs it to be ${orList(want)}.`;
  },
  GovernorAlreadyCastVote: () => "You already voted on this proposal.",
  GovernorInsufficientProposerVotes: ([, votes, threshold], c) =>
    `You need more voting power to propose: ${amount(votes, c.shareDecimals)} votes, the threshold is ${amount(threshold, c.shareDecimals)}.`,
  GovernorNonexistentProposal: () => "There is no such proposal.",
  GovernorInvalidProposalLength: ([targets, calldatas, values]) =>
    `The proposal's actions are malformed (${String(targets)} targets, ${String(calldatas)} calldatas, ${String(values)} values).`,
  GovernorRestrictedProposer: () =>
    "This account may not make this proposal (the description restricts its proposer).",
  GovernorOnlyExecutor: ([account]) =>
    `Only governance (the timelock, executing a passed proposal) may do this; ${shortHex(account)} may not.`,
  GovernorInvalidQuorumFraction: ([n, d]) => `A quorum of ${String(n)}/${String(d)} is not possible.`,
  GovernorInvalidVotingPeriod: () => "The voting period must be at least one block.",
  GovernorAlreadyQueuedProposal: () => "This proposal is queued already.",
  GovernorProposalQueueingFailed: () => "The timelock did not queue the proposal.",
  GovernorProposalQueueingNotRequired: () => "This proposal does not need queueing.",
  GovernorUnableToCancel: () =>
    "Only the security council (the proposal guardian) may cancel at any stage before execution; the proposer only while the proposal is pending (at any stage when there is no security council).",
  GovernorPreventLateQuorumVoteExtensionTooLarge: ([extension, max]) =>
    `A late-quorum extension of ${String(extension)} blocks is longer than the voting period (${String(max)} blocks).`,
  SigilGovernorInvalidThreshold: ([bps]) =>
    `A proposal threshold of ${bpsText(BigInt(bps as bigint))} of the supply is above the maximum, 10%.`,
  GovernorInvalidVoteType: () => "That is not a valid vote (for, against or abstain).",
  GovernorInvalidVoteParams: () => "The vote's parameters are not valid.",
  GovernorInvalidSignature: () => "The vote signature is invalid.",
  GovernorDisabledDeposit: () => "The Governor does not take ETH or tokens.",
  // TimelockController
  TimelockInsufficientDelay: ([delay, minDelay]) =>
    `A delay of ${seconds(delay)} is shorter than the timelock's required ${seconds(minDelay)}.`,
  TimelockUnexpectedOperationState: ([, expected]) => operationStateWords(expected),
  TimelockUnexecutedPredecessor: ([id]) =>
    `An operation this one depends on (${shortHex(id)}) has not been executed yet.`,
  TimelockUnauthorizedCaller: ([caller]) =>
    `Only the timelock itself may do this (through a proposal); ${shortHex(caller)} may not.`,
  TimelockInvalidOperationLength: ([targets, payloads, values]) =>
    `The timelock operation is malformed (${String(targets)} targets, ${String(payloads)} payloads, ${String(values)} values).`,
  FailedCall: () =>
    "A call the change makes failed without a reason (e.g. an address without code, or ETH it does not accept).",
};

/** Every error of every Sigil ABI, once per selector: to decode a revert from any contract in a call. */
const allErrors: Abi = (() => {
  const seen = new Set<string>();
  const out: AbiError[] = [];
  for (const abi of Object.values(sigilAbis))
    for (const item of abi)
      if (item.type === "error") {
        const key = `${item.name}(${item.inputs.map((i) => i.type).join(",")})`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(item);
      }
  return out;
})();

/** The names of every custom error the Sigil ABIs declare. */
export function sigilErrorNames(): string[] {
  return [...new Set(allErrors.map((e) => (e as AbiError).name))];
}

const governanceErrors = new Set(
  [sigilAbis.governor, sigilAbis.timelock].flatMap((abi) =>
    abi.filter((x) => x.type === "error").map((x) => (x as AbiError).name),
  ),
);

/** Revert data in words: a Sigil or OpenZeppelin custom error, Error(string) or a panic. */
export function explainRevertData(data: Hex, ctx: ErrorContext): string | undefined {
  if (!data || data === "0x") return undefined;
  try {
    const d = decodeErrorResult({ abi: allErrors, data });
    return explainNamed(d.errorName, d.args ?? [], ctx);
  } catch {
    return `The contract refused with an unknown error (${data.slice(0, 10)}).`;
  }
}

function explainNamed(name: string, args: readonly unknown[], ctx: ErrorContext): string {
  const explain = explanations[name];
  if (explain) return explain(args, ctx);
  if (name === "Error") return `The contract refused: ${String(args[0])}.`;
  if (name === "Panic") return `The contract failed (panic code ${String(args[0])}).`;
  return `The contract refused (${name}).`;
}

/**
 * A transaction error in words a staker understands. For `execute` of a passed proposal, an error
 * that is not the Governor's or the timelock's is the executed change's own, bubbled up: it says so.
 */
export function explainError(error: unknown, ctx: ErrorContext, call?: { functionName: string }): string {
  if (error instanceof BaseError) {
    if (error.walk((e) => e instanceof UserRejectedRequestError))
      return "You rejected the request in your wallet.";
    const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
    if (reverted instanceof ContractFunctionRevertedError) {
      let name = reverted.data?.errorName;
      let args: readonly unknown[] = reverted.data?.args ?? [];
      if (!name && reverted.raw && reverted.raw !== "0x") {
        try {
          const d = decodeErrorResult({ abi: allErrors, data: reverted.raw });
          name = d.errorName;
          args = d.args ?? [];
        } catch {
          return `The contract refused with an unknown error (${reverted.raw.slice(0, 10)}).`;
        }
      }
      if (name) {
        const words = explainNamed(name, args, ctx);
        const inner = call?.functionName === "execute" && name !== "Error" && !governanceErrors.has(name);
        return inner || (call?.functionName === "execute" && name === "FailedCall")
          ? `The approved change itself failed when executed: ${words}`
          : words;
      }
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
