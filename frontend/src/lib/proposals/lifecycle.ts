import { encodeAbiParameters, keccak256, padHex, stringToBytes, toHex, type Address, type Hex } from "viem";
import { hasFunction, type KnownContracts } from "./contracts.js";
import { labelOf, type FormatEnv } from "./env.js";
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

/** Where a proposal stands in the timelock: its delay, its operation, and who cancelled it. */
export interface Lifecycle {
  /** The delay the timelock will apply: `requiredDelay(targets, payloads)` when the timelock has it. */
  delay?: { seconds: bigint; source: "requiredDelay" | "getMinDelay" };
  operationId: Hex;
  operationState?: OperationState;
  cancelled?: { bySecurityCouncil: boolean; account?: Address; text: string };
}

/** Read a proposal's timelock delay, operation state, and how it was cancelled (if it was). */
export async function lifecycleOf(
  p: {
    id: bigint;
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
  try {
    out.delay = hasFunction(t.abi, "requiredDelay", ["address[]", "bytes[]"])
      ? {
          seconds: BigInt((await chain.reader.read(t, "requiredDelay", [p.targets, p.calldatas])) as bigint),
          source: "requiredDelay",
        }
      : { seconds: BigInt((await chain.reader.read(t, "getMinDelay")) as bigint), source: "getMinDelay" };
  } catch {
    /* shown as unknown */
  }
  try {
    out.operationState =
      operationStates[Number(await chain.reader.read(t, "getOperationState", [operationId]))];
  } catch {
    /* shown as unknown */
  }
  if (p.state === 2) {
    const byGovernor = (
      await chain.reader.events(contracts.governor, "ProposalCanceled", chain.fromBlock)
    ).some((e) => BigInt(e.args.proposalId as bigint) === p.id);
    const inTimelock = (await chain.reader.events(t, "Cancelled", chain.fromBlock)).find(
      (e) => String(e.args.id).toLowerCase() === operationId.toLowerCase(),
    );
    if (byGovernor)
      out.cancelled = { bySecurityCouncil: false, text: "Cancelled through the Governor (by its proposer)." };
    else if (inTimelock) {
      const tx = await chain.reader.transaction(inTimelock.transactionHash);
      const label = labelOf(env, tx.from);
      out.cancelled = {
        bySecurityCouncil: true,
        account: tx.from,
        text: `Cancelled by the security council in the timelock (${tx.from}${label ? `, ${label}` : ""}).`,
      };
    }
  }
  return out;
}
