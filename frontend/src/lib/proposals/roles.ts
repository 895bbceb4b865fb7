import { keccak256, stringToBytes, zeroHash, type Abi, type Hex } from "viem";

/** Every AccessControl role the Sigil contracts and the timelock use, by name. */
export const roleNames = [
  "DEFAULT_ADMIN_ROLE",
  "GOVERNANCE_ROLE",
  "GUARDIAN_ROLE",
  "CUSTODIAN_ROLE",
  "BREAKER_ROLE",
  "SLASHER_ROLE",
  "PROPOSER_ROLE",
  "EXECUTOR_ROLE",
  "CANCELLER_ROLE",
] as const;

export type RoleName = (typeof roleNames)[number];

/** A role's id as the contracts compute it: keccak256 of its name; DEFAULT_ADMIN_ROLE is zero. */
export function roleId(name: RoleName): Hex {
  return name === "DEFAULT_ADMIN_ROLE" ? zeroHash : keccak256(stringToBytes(name));
}

const byId = new Map<string, RoleName>(roleNames.map((n) => [roleId(n), n]));

/** The role's name for an id, or undefined when the id is not a Sigil role. */
export function roleNameOf(id: string): RoleName | undefined {
  return byId.get(id.toLowerCase());
}

/** What holding each role lets an account do, in words. */
export const roleMeaning: Record<RoleName, string> = {
  DEFAULT_ADMIN_ROLE: "full control: it can grant and revoke every role of the contract",
  GOVERNANCE_ROLE: "changes every governed parameter without a vote or the timelock",
  GUARDIAN_ROLE: "tightens limits, raises the kill level or pauses deposits at once",
  CUSTODIAN_ROLE: "moves vault funds to and from the trading venue",
  BREAKER_ROLE: "raises the kill level (a loss breaker)",
  SLASHER_ROLE: "removes any oracle operator from the registry",
  PROPOSER_ROLE: "schedules timelock operations without a vote",
  EXECUTOR_ROLE: "executes timelock operations that are ready",
  CANCELLER_ROLE: "cancels any queued timelock operation (held by the Governor alone)",
};

/** The roles a contract defines: DEFAULT_ADMIN_ROLE plus every `X_ROLE()` view its ABI has. */
export function rolesOf(abi: Abi): RoleName[] {
  const declared = new Set(
    abi
      .filter((x) => x.type === "function" && x.name.endsWith("_ROLE"))
      .map((x) => (x as { name: string }).name),
  );
  return roleNames.filter((n) => n === "DEFAULT_ADMIN_ROLE" || declared.has(n));
}
