import {
  encodeAbiParameters,
  isHex,
  keccak256,
  padHex,
  size,
  slice,
  stringToBytes,
  toHex,
  type Address,
  type Hex,
} from "viem";
import type { KnownContracts } from "./contracts.js";
import { labelOf, type FormatEnv } from "./env.js";
import { selectorNames } from "./fields.js";
import type { ChainEvent, ChainReader } from "./reader.js";
import { durationText } from "./units.js";
import type { ChainContext } from "./review.js";

/** TimelockController.OperationState, in order. */
export const operationStates = ["Unset", "Waiting", "Ready", "Done"] as const;
export type OperationState = (typeof operationStates)[number];

/** The salt GovernorTimelockControl queues with: bytes20(governor) XOR the description hash. */
export function timelockSalt(governor: Address, description: string): Hex {
  const hash = BigInt(keccak256(stringToBytes(description)));
  const left = BigInt(padHex(governor, { size: 32, dir: "right" }));
  return toHex(hash ^ left, { size: 32 });
}

/** The timelock operation id of a proposal (TimelockController.hashOperationBatch with no predecessor). */
export function timelockOperationId(
  governor: Address,
  p: {
    targets: readonly string[];
    values: readonly bigint[];
    calldatas: readonly Hex[];
    description: string;
  },
): Hex {
  return keccak256(
    encodeAbiParameters(
      [
        { type: "address[]" },
        { type: "uint256[]" },
        { type: "bytes[]" },
        { type: "bytes32" },
        { type: "bytes32" },
      ],
      [
        p.targets as Address[],
        [...p.values],
        [...p.calldatas],
        padHex("0x0", { size: 32 }),
        timelockSalt(governor, p.description),
      ],
    ),
  );
}

/** The delay a batch of calls waits in the timelock once queued, and why. */
export interface TimelockDelay {
  /** `requiredDelay(payloads)`: the longest delay any call needs (at least the minimum delay). */
  seconds: bigint;
  /** `getMinDelay()`: what a plain change waits. */
  minDelay: bigint;
  /** The calls that wait longer than the minimum (sensitive functions, `operationDelay(selector)`). */
  longer: Array<{ index: number; selector: Hex; seconds: bigint; names: string[] }>;
}

/**
 * The delay the timelock will apply to these calls: `requiredDelay(payloads)` (the timelock raises
 * what the Governor schedules to it), with the minimum delay and the calls that need more.
 */
export async function requiredDelayOf(
  calldatas: readonly Hex[],
  contracts: KnownContracts,
  reader: ChainReader,
): Promise<TimelockDelay> {
  const t = contracts.timelock;
  const [seconds, minDelay] = await Promise.all([
    reader.read(t, "requiredDelay", [calldatas]),
    reader.read(t, "getMinDelay"),
  ]);
  const min = BigInt(minDelay as bigint);
  const per = await Promise.all(
    calldatas.map(async (data, index) => {
      if (!isHex(data) || size(data) < 4) return undefined;
      const selector = slice(data, 0, 4);
      const d = BigInt((await reader.read(t, "operationDelay", [selector])) as bigint);
      return d > min
        ? { index, selector, seconds: d, names: selectorNames({ contracts }, selector) }
        : undefined;
    }),
  );
  return {
    seconds: BigInt(seconds as bigint),
    minDelay: min,
    longer: per.filter((x): x is NonNullable<typeof x> => x !== undefined),
  };
}

/** "2 h: action 2 (setFees on SigilVault) waits longer than the minimum delay, 1 h" or "1 h (the minimum delay)". */
export function delayText(d: TimelockDelay): string {
  if (!d.longer.length) return `${durationText(d.seconds)} (the timelock's minimum delay)`;
  const which = d.longer
    .map((x) => `action ${x.index + 1} (${x.names[0] ?? x.selector}, ${durationText(x.seconds)})`)
    .join(", ");
  return `${durationText(d.seconds)}: ${which} ${d.longer.length === 1 ? "is a sensitive operation" : "are sensitive operations"} that wait${d.longer.length === 1 ? "s" : ""} longer than the minimum delay, ${durationText(d.minDelay)}`;
}

/** How a cancelled proposal was cancelled, and by whom. */
export interface Cancellation {
  /**
   * "security council": the Governor's proposal guardian (its `ProposalCanceled` transaction came from
   * it, or went to it when it is a contract wallet); "proposer": the proposer itself; "timelock": the
   * operation was cancelled in the timelock without the Governor (a CANCELLER_ROLE holder other
   * than the Governor); "unknown": another sender (through a contract the dApp cannot see into).
   */
  by: "security council" | "proposer" | "timelock" | "unknown";
  account?: Address;
  text: string;
}

/** Where a proposal stands in the timelock: its delay, its ETA, its operation, and who cancelled it. */
export interface Lifecycle {
  /** The delay the timelock will apply once queued (`requiredDelay`). */
  delay?: TimelockDelay;
  /** `proposalEta`: when the queued operation becomes executable (absent before it is queued). */
  eta?: bigint;
  operationId: Hex;
  operationState?: OperationState;
  cancelled?: Cancellation;
}

const same = (a: string | null | undefined, b: string | null | undefined) =>
  !!a && !!b && a.toLowerCase() === b.toLowerCase();

const before = (x: ChainEvent, y: ChainEvent) =>
  x.blockNumber < y.blockNumber || (x.blockNumber === y.blockNumber && x.logIndex < y.logIndex);

/** The proposal guardian in force when `at` happened: the last `ProposalGuardianSet` before it. */
async function guardianAt(at: ChainEvent, contracts: KnownContracts, chain: ChainContext): Promise<string> {
  const set = (await chain.reader.events(contracts.governor, "ProposalGuardianSet", chain.fromBlock)).filter(
    (e) => before(e, at),
  );
  const last = set.at(-1);
  // No event since the scan start (the guardian was set before it): the one in force now.
  if (!last) return String(await chain.reader.read(contracts.governor, "proposalGuardian"));
  return String(last.args.newProposalGuardian);
}

const named = (env: FormatEnv, a: string) => {
  const label = labelOf(env, a);
  return label ? `${a}, ${label}` : a;
};

/** Who sent the Governor's `ProposalCanceled`: the security council, the proposer, or someone else. */
async function governorCancellation(
  event: ChainEvent,
  proposer: string | undefined,
  contracts: KnownContracts,
  env: FormatEnv,
  chain: ChainContext,
): Promise<Cancellation> {
  const [tx, guardian] = await Promise.all([
    chain.reader.transaction(event.transactionHash),
    guardianAt(event, contracts, chain),
  ]);
  const council = BigInt(guardian) !== 0n;
  if (council && (same(tx.from, guardian) || same(tx.to, guardian))) {
    const via = same(tx.from, guardian) ? "" : `, sent by ${tx.from}`;
    return {
      by: "security council",
      account: guardian as Address,
      text: `Cancelled by the security council (the Governor's proposal guardian ${named(env, guardian)}${via}).`,
    };
  }
  if (proposer && (same(tx.from, proposer) || same(tx.to, proposer)))
    return {
      by: "proposer",
      account: proposer as Address,
      text: `Cancelled by its proposer (${proposer}).`,
    };
  return {
    by: "unknown",
    account: tx.from,
    text: `Cancelled through the Governor in a transaction from ${named(env, tx.from)}${tx.to && !same(tx.to, contracts.governor.address) ? ` through ${named(env, tx.to)}` : ""}: only the security council${council ? ` (${guardian})` : ""} or the proposer may cancel.`,
  };
}

/** Read a proposal's timelock delay, ETA, operation state, and how it was cancelled (if it was). */
export async function lifecycleOf(
  p: {
    id: bigint;
    proposer?: string;
    targets: readonly string[];
    values: readonly bigint[];
    calldatas: readonly Hex[];
    description: string;
    state: number;
  },
  contracts: KnownContracts,
  env: FormatEnv,
  chain: ChainContext,
): Promise<Lifecycle> {
  const t = contracts.timelock;
  const operationId = timelockOperationId(contracts.governor.address, p);
  const out: Lifecycle = { operationId };
  const [delay, eta, state] = await Promise.allSettled([
    requiredDelayOf(p.calldatas, contracts, chain.reader),
    chain.reader.read(contracts.governor, "proposalEta", [p.id]),
    chain.reader.read(t, "getOperationState", [operationId]),
  ]);
  // A failed read is shown as unknown.
  if (delay.status === "fulfilled") out.delay = delay.value;
  if (eta.status === "fulfilled" && BigInt(eta.value as bigint) > 0n) out.eta = BigInt(eta.value as bigint);
  if (state.status === "fulfilled") out.operationState = operationStates[Number(state.value)];
  if (p.state === 2) {
    const byGovernor = (
      await chain.reader.events(contracts.governor, "ProposalCanceled", chain.fromBlock)
    ).find((e) => BigInt(e.args.proposalId as bigint) === p.id);
    if (byGovernor) out.cancelled = await governorCancellation(byGovernor, p.proposer, contracts, env, chain);
    else {
      // Cancelled in the timelock without the Governor: by a CANCELLER_ROLE holder other than it.
      const inTimelock = (await chain.reader.events(t, "Cancelled", chain.fromBlock)).find(
        (e) => String(e.args.id).toLowerCase() === operationId.toLowerCase(),
      );
      if (inTimelock) {
        const tx = await chain.reader.transaction(inTimelock.transactionHash);
        out.cancelled = {
          by: "timelock",
          account: tx.from,
          text: `Cancelled in the timelock directly, not through the Governor, by ${named(env, tx.from)} (a holder of CANCELLER_ROLE).`,
        };
      }
    }
  }
  return out;
}
