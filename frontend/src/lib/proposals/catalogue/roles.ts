import { sigilAbis, type ContractKey } from "../contracts.js";
import { addressText, summaryText } from "../fields.js";
import { roleMeaning, roleNameOf, rolesOf, type RoleName } from "../roles.js";
import { danger, info, warning, type Warning } from "../warnings.js";
import { sameAddress, type CatalogueEntry, type CheckContext } from "./entry.js";

/** Roles whose holder can take funds, bypass the vote, or control the contract. */
const powerful: readonly RoleName[] = [
  "DEFAULT_ADMIN_ROLE",
  "GOVERNANCE_ROLE",
  "CUSTODIAN_ROLE",
  "PROPOSER_ROLE",
  "SLASHER_ROLE",
  "CANCELLER_ROLE",
];

/**
 * Who should hold each powerful role: the timelock; the Governor for PROPOSER and CANCELLER (the
 * security council cancels through the Governor, as its proposal guardian, and needs no timelock
 * role); OperatorBonds for SLASHER. Grants to anyone else are a danger.
 */
function expectedHolders(role: RoleName, c: CheckContext): string[] {
  const k = c.env.contracts;
  switch (role) {
    case "DEFAULT_ADMIN_ROLE":
    case "GOVERNANCE_ROLE":
      return [k.timelock.address];
    case "PROPOSER_ROLE":
    case "CANCELLER_ROLE":
      return [k.governor.address];
    case "SLASHER_ROLE":
      return [k.bonds.address];
    default:
      return [];
  }
}

function grantChecks(
  contract: string,
  role: RoleName | undefined,
  account: string,
  c: CheckContext,
): Warning[] {
  const who = addressText(c.env, account);
  if (!role) return [danger("unknown-role", `Grants a role id that is not a Sigil role to ${who}.`)];
  const out: Warning[] = [];
  const meaning = `${role} on ${contract} ${roleMeaning[role]}`;
  const expected = expectedHolders(role, c).some((a) => sameAddress(a, account));
  const eoa = c.hasCode(account) === false;
  if (c.proposer && sameAddress(account, c.proposer))
    out.push(danger("role-to-proposer", `Grants ${role} on ${contract} to the proposer.`));
  if (powerful.includes(role) && !expected)
    out.push(
      danger(
        role === "CUSTODIAN_ROLE" ? "custody-role" : "powerful-role",
        `Grants ${role} to ${who}${eoa ? ", an account without code (a single key)" : ""}: ${meaning}.${role === "CANCELLER_ROLE" ? " Only the Governor holds it: the security council cancels through the Governor, as its proposal guardian, and a canceller in the timelock could block every queued change, even one that revokes it." : ""}`,
      ),
    );
  else if (eoa)
    out.push(
      warning(
        "role-to-eoa",
        `Grants ${role} on ${contract} to ${who}, an account without code (a single key): it ${roleMeaning[role]}.`,
      ),
    );
  else out.push(warning("role-grant", `Grants ${role} on ${contract} to ${who}: it ${roleMeaning[role]}.`));
  return out;
}

function revokeChecks(
  contract: string,
  role: RoleName | undefined,
  account: string,
  c: CheckContext,
): Warning[] {
  const who = addressText(c.env, account);
  if (!role) return [danger("unknown-role", `Revokes a role id that is not a Sigil role from ${who}.`)];
  const k = c.env.contracts;
  const governanceLoses =
    (role === "DEFAULT_ADMIN_ROLE" || role === "GOVERNANCE_ROLE") && sameAddress(account, k.timelock.address);
  if (governanceLoses)
    return [
      danger(
        "governance-lockout",
        `Governance (the timelock) loses ${role} on ${contract}: no vote could change it again.`,
      ),
    ];
  if (role === "PROPOSER_ROLE" && sameAddress(account, k.governor.address))
    return [danger("governance-lockout", "The Governor could no longer queue proposals in the timelock.")];
  if (role === "CANCELLER_ROLE" && sameAddress(account, k.governor.address))
    return [
      danger(
        "governance-lockout",
        "The Governor could no longer cancel timelock operations: neither the security council nor a proposer could stop a queued proposal.",
      ),
    ];
  if (
    role === "BREAKER_ROLE" &&
    (sameAddress(account, k.vault.address) || sameAddress(account, k.ledger.address))
  )
    return [danger("breaker-removed", `${who} could no longer trip the loss breakers.`)];
  if (role === "SLASHER_ROLE" && sameAddress(account, k.bonds.address))
    return [danger("slashing-disabled", "Proven equivocations could no longer remove an operator.")];
  return [warning("role-revoke", `Revokes ${role} on ${contract} from ${who}.`)];
}

/** grantRole and revokeRole on one AccessControl contract (the timelock's roles included). */
function roleEntries(contract: ContractKey, name: string): CatalogueEntry[] {
  const roles = rolesOf(sigilAbis[contract]);
  return (["grantRole", "revokeRole"] as const).map((fn): CatalogueEntry => {
    const grant = fn === "grantRole";
    return {
      id: `${contract}.${fn}`,
      contract,
      functionName: fn,
      inputs: ["bytes32", "address"],
      group: "Roles",
      title: `${grant ? "Grant" : "Revoke"} a role on ${name}`,
      topics: ["role", grant ? "grant" : "revoke"],
      fields: [
        { name: "role", label: "Role", kind: { type: "role", roles }, part: "key" },
        { name: "account", label: "Account", kind: { type: "address", nonZero: true }, part: "key" },
        {
          name: "holds",
          label: "Holds the role",
          kind: { type: "bool", yes: "yes", no: "no" },
          derived: true,
        },
      ],
      toArgs: (v) => [v.role, v.account],
      fromArgs: (args) => ({ role: args[0], account: args[1], holds: grant }),
      summary: (v, t) =>
        `${grant ? "Grant" : "Revoke"} ${summaryText({ type: "role", roles }, v.role, t)} on ${name} ${grant ? "to" : "from"} ${summaryText({ type: "address" }, v.account, t)}`,
      current: async (c, v) => ({ holds: await c.read("hasRole", [v.role, v.account]) }),
      checks(v, cur, c) {
        const role = roleNameOf(String(v.role));
        const out = grant
          ? grantChecks(name, role, String(v.account), c)
          : revokeChecks(name, role, String(v.account), c);
        if (role && !roles.includes(role))
          out.push(warning("role-not-used", `${name} does not use ${role}: the change has no effect there.`));
        if (cur && cur.holds === grant)
          out.push(
            info(
              "no-op",
              `${addressText(c.env, v.account)} ${grant ? "already holds" : "does not hold"} this role.`,
            ),
          );
        return out;
      },
    };
  });
}

/** Every role change governance can make: the four governed contracts and the timelock. */
export const roleChangeEntries: CatalogueEntry[] = [
  ...roleEntries("vault", "SigilVault"),
  ...roleEntries("policy", "RiskPolicy"),
  ...roleEntries("registry", "OracleRegistry"),
  ...roleEntries("bonds", "OperatorBonds"),
  ...roleEntries("timelock", "SigilTimelock"),
];
