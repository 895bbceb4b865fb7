/**
 * The dApp's proposal decoder (frontend/src/lib/proposals): every action in words, the catalogue, and
 * the warning rules, without a chain. The chain-backed review (current → new) is in
 * proposalsOnChain.test.ts.
 */
import { expect } from "chai";
import { getAddress, id, zeroPadValue } from "ethers";
import {
  encodeAction,
  parseForm,
  catalogue,
  checkDescription,
  decodeAction,
  decodeProposal,
  delayText,
  entryById,
  hasFunction,
  parseInput,
  proposalDescription,
  requiredDelayOf,
  reviewProposal,
  roleId,
  roleNameOf,
  sigilAbis,
  summaryOf,
  type CatalogueEntry,
  type Abi,
  type FormatEnv,
  type Hex,
  type ProposalReview,
} from "../../frontend/src/lib/proposals/index.js";
import { A, envOf, fakeChain, iface, roleHash, token } from "./proposalFixture.js";

const codes = (r: ProposalReview, severity?: string) =>
  r.warnings.filter((w) => !severity || w.severity === severity).map((w) => w.code);

/** The attack of issue 10: "set the vault cap" in words, setFees to the proposer in the calldata. */
function attack(env: FormatEnv) {
  const data = iface(env, "vault").encodeFunctionData("setFees", [
    { managementBps: 500, performanceBps: 3_000, operatorShareBps: 1_000, treasury: A.attacker },
  ]) as Hex;
  return {
    targets: [A.vault],
    values: [0n],
    calldatas: [data],
    description: "Set the vault cap to 30,000,000 mUSD\n\nRoom for more stakers.",
    proposer: A.attacker,
  };
}

/** Build an action the way the dApp's builder does: form text → values → calldata. */
function build(env: FormatEnv, entryId: string, form: Record<string, string>) {
  const entry = entryById(entryId)!;
  const parsed = parseForm(entry, form, token);
  if (!parsed.values) throw new Error(`${entryId}: ${JSON.stringify(parsed)}`);
  return {
    ...encodeAction(entry, parsed.values, env.contracts),
    summary: entry.summary(parsed.values, token),
    entry,
  };
}

/** The local deployment's schedule as builder form text, with some fields changed. */
function localSchedule(change: Record<string, string> = {}): Record<string, string> {
  return {
    epochDuration: "1 min",
    maxNavAge: "5 min",
    navConfirmDelay: "10 min",
    navTtl: "2 days",
    riskWindow: "1 day",
    ...change,
  };
}

const scheduleSummary =
  "Set the vault schedule: epoch duration 1 min, max NAV age 5 min, NAV confirmation delay 10 min, NAV lifetime 3 days, risk window 1 day";

const grantRoleSelector = id("grantRole(bytes32,address)").slice(0, 10);

describe("dApp proposal decoder", () => {
  const env = envOf();

  describe("the issue-10 attack", () => {
    it("decodes setFees behind a 'vault cap' description, flags the proposer as treasury and the mismatch", () => {
      const r = decodeProposal(attack(env), env);
      expect(r.actions).to.have.length(1);
      const a = r.actions[0]!;
      expect(a.contract?.name).to.equal("SigilVault");
      expect(a.call?.functionName).to.equal("setFees");
      expect(a.entry?.id).to.equal("vault.setFees");
      expect(a.summary).to.equal(
        `Set the fees: management 5%, performance 30%, operators' share 10%, treasury ${A.attacker}`,
      );
      const treasury = a.changes.find((c) => c.field === "treasury")!;
      expect(treasury.proposed).to.equal(`${A.attacker} (the proposer)`);
      expect(r.severity).to.equal("danger");
      expect(codes(r, "danger")).to.include.members([
        "pays-proposer",
        "treasury-change",
        "description-names-other",
        "description-missing-action",
      ]);
      expect(r.description.matches).to.equal(false);
      const text = r.warnings.map((w) => w.message).join("\n");
      expect(text).to.contain("vault cap");
      expect(text).to.contain("Fees would be paid to the proposer");
    });

    it("is not rescued by a generated-looking description of a different action", () => {
      const p = attack(env);
      const honestCap = build(env, "vault.setCap", { value: "30000000" });
      const r = decodeProposal({ ...p, description: honestCap.summary }, env);
      expect(r.severity).to.equal("danger");
      expect(r.description.matches).to.equal(false);
    });
  });

  describe("honest proposals built from the catalogue", () => {
    it("a builder proposal's description starts with the generated summary: it matches, with no danger", () => {
      const cap = build(env, "vault.setCap", { value: "20000000" });
      const schedule = build(env, "vault.setSchedule", localSchedule({ navTtl: "3 days" }));
      expect(cap.summary).to.equal("Set the vault cap to 20,000,000 mUSD");
      expect(schedule.summary).to.equal(scheduleSummary);
      const description = proposalDescription(summaryOf([cap, schedule]), "Room for more stakers");
      const r = decodeProposal(
        {
          targets: [cap.target, schedule.target],
          values: [0n, 0n],
          calldatas: [cap.data, schedule.data],
          description,
        },
        env,
      );
      expect(r.description.matches).to.equal(true);
      expect(r.severity).to.equal("info");
      expect(r.summary).to.equal(`Set the vault cap to 20,000,000 mUSD; ${scheduleSummary}`);
      const navTtl = r.actions[1]!.changes.find((c) => c.field === "navTtl")!;
      expect(navTtl).to.include({ label: "NAV lifetime", proposed: "3 days (259,200 s)" });
    });

    it("every catalogue entry round-trips: builder values → calldata → decoder → same entry and summary", () => {
      const samples: Record<string, string> = {
        amount: "1234.5",
        bps: "2.5",
        percent: "4",
        seconds: "2 h",
        blocks: "7200",
        address: A.guardian,
        addresses: [...A.operators].reverse().join(", "),
        count: "2",
        killLevel: "2",
        bool: "true",
        text32: "BTC",
        assetIndex: "1",
        selector: "0x12345678",
      };
      expect(catalogue.length).to.be.greaterThan(20);
      for (const entry of catalogue) {
        const form: Record<string, string> = {};
        for (const f of entry.fields)
          form[f.name] = f.kind.type === "role" ? f.kind.roles.at(-1)! : samples[f.kind.type]!;
        const action = build(env, entry.id, form);
        const d = decodeAction(action, 0, env);
        expect(d.entry?.id, entry.id).to.equal(entry.id);
        expect(d.summary, entry.id).to.equal(action.summary);
        expect(
          d.warnings.map((w) => w.code),
          entry.id,
        ).to.not.include.members(["unknown-function", "undecodable", "not-a-setter"]);
      }
    });

    it("covers every governance setter of the deployed contracts", () => {
      const ids = catalogue.map((e) => e.id);
      expect(ids).to.include.members([
        "policy.setLimits",
        "policy.setAsset",
        "policy.setKillLevel",
        "vault.setFees",
        "vault.setCap",
        "vault.setSchedule",
        "vault.setOperatorRewards",
        "vault.unpauseDeposits",
        "registry.setConfig",
        "registry.setConsumers",
        "bonds.setParams",
        "vault.grantRole",
        "vault.revokeRole",
        "policy.grantRole",
        "registry.grantRole",
        "bonds.grantRole",
        "timelock.grantRole",
        "timelock.revokeRole",
        "governor.setVotingDelay",
        "governor.setVotingPeriod",
        "governor.setProposalThreshold",
        "governor.updateQuorumNumerator",
        "governor.setProposalThresholdBps",
        "governor.setLateQuorumVoteExtension",
        "governor.setProposalGuardian",
        "timelock.updateDelay",
        "timelock.setOperationDelay",
        "governor.updateTimelock",
      ]);
      // Every non-view function guarded by GOVERNANCE_ROLE or onlyGovernance/onlyTimelock has an entry:
      // the setters named set*/update*/unpause* on the governed contracts.
      for (const key of ["vault", "policy", "registry", "bonds", "governor", "timelock"] as const) {
        const fns = (sigilAbis[key] as Abi).filter(
          (x) =>
            x.type === "function" &&
            x.stateMutability !== "view" &&
            x.stateMutability !== "pure" &&
            /^(set[A-Z]|update[A-Z]|unpause)/.test(x.name),
        );
        for (const f of fns)
          expect(ids, `${key}.${(f as { name: string }).name}`).to.include(
            `${key}.${(f as { name: string }).name}`,
          );
      }
      // And the other way round: every entry calls a function the generated ABI has, with its inputs.
      for (const e of catalogue)
        expect(hasFunction(sigilAbis[e.contract], e.functionName, e.inputs), e.id).to.equal(true);
    });
  });

  describe("what reviewers will try", () => {
    const vault = () => iface(env, "vault");
    const one = (
      target: string,
      data: string,
      value = 0n,
      description = "Set the vault cap",
      proposer?: string,
    ) =>
      decodeProposal(
        {
          targets: [target],
          values: [value],
          calldatas: [data as Hex],
          description,
          proposer: proposer as `0x${string}`,
        },
        env,
      );

    it("a call to an unknown target", () => {
      const r = one(
        getAddress("0x000000000000000000000000000000000000dEaD"),
        vault().encodeFunctionData("setCap", [1n]),
      );
      expect(codes(r, "danger")).to.include("unknown-target");
    });

    it("a target that looks like a Sigil contract (same first and last hex digits)", () => {
      const fake = getAddress(`${A.vault.slice(0, 6)}${"1".repeat(32)}${A.vault.slice(-4)}`.toLowerCase());
      const r = one(fake, vault().encodeFunctionData("setCap", [1n]));
      expect(codes(r, "danger")).to.include("look-alike");
      expect(r.warnings.find((w) => w.code === "look-alike")!.message).to.contain("looks like SigilVault");
      // Decoded against the ABI it imitates, so the voter sees what it pretends to do.
      expect(r.actions[0]!.call?.functionName).to.equal("setCap");
    });

    it("an address argument that looks like a known one (a treasury look-alike)", () => {
      const fake = getAddress(
        `${A.deployer.slice(0, 6)}${"2".repeat(32)}${A.deployer.slice(-4)}`.toLowerCase(),
      );
      const data = vault().encodeFunctionData("setFees", [
        { managementBps: 200, performanceBps: 2_000, operatorShareBps: 1_000, treasury: fake },
      ]);
      const r = one(A.vault, data);
      expect(r.warnings.find((w) => w.code === "look-alike")?.message).to.match(
        /Treasury .* looks like deployer/,
      );
    });

    it("an unknown selector on a known target", () => {
      const r = one(A.vault, "0xdeadbeef");
      expect(codes(r, "danger")).to.include("unknown-function");
    });

    it("a selector of another Sigil contract sent to the wrong one is named", () => {
      const r = one(
        A.vault,
        iface(env, "policy").encodeFunctionData("setKillLevel", [0, zeroPadValue("0x", 32)]),
      );
      const w = r.warnings.find((x) => x.code === "unknown-function")!;
      expect(w.message).to.contain("setKillLevel on RiskPolicy");
    });

    it("undecodable calldata (a known selector with truncated arguments), empty and short calldata", () => {
      const full = vault().encodeFunctionData("setFees", [
        { managementBps: 1, performanceBps: 1, operatorShareBps: 1, treasury: A.deployer },
      ]);
      expect(codes(one(A.vault, full.slice(0, 40)), "danger")).to.include("undecodable");
      expect(codes(one(A.vault, "0x"), "danger")).to.include("undecodable");
      expect(codes(one(A.vault, "0x1234"), "danger")).to.include("undecodable");
    });

    it("out-of-range values in calldata (a uint16 with high bits set) are undecodable or non-canonical", () => {
      const ok = vault().encodeFunctionData("setFees", [
        { managementBps: 1, performanceBps: 1, operatorShareBps: 1, treasury: A.deployer },
      ]);
      const dirty = `${ok.slice(0, 10)}${"f".repeat(60)}${ok.slice(70)}`;
      const r = one(A.vault, dirty);
      expect(codes(r)).to.satisfy((c: string[]) => c.includes("undecodable") || c.includes("non-canonical"));
      const trailing = one(A.vault, `${ok}00000000`);
      expect(codes(trailing)).to.include("non-canonical");
    });

    it("a batch that mixes an honest action with a malicious one", () => {
      const cap = build(env, "vault.setCap", { value: "20000000" });
      const fees = vault().encodeFunctionData("setFees", [
        { managementBps: 200, performanceBps: 2_000, operatorShareBps: 1_000, treasury: A.attacker },
      ]);
      const r = decodeProposal(
        {
          targets: [A.vault, A.vault],
          values: [0n, 0n],
          calldatas: [cap.data, fees as Hex],
          description: cap.summary,
          proposer: A.attacker,
        },
        env,
      );
      expect(r.actions.map((a) => a.call?.functionName)).to.deep.equal(["setCap", "setFees"]);
      expect(r.description.matches).to.equal(false);
      expect(codes(r, "danger")).to.include.members([
        "description-missing-action",
        "pays-proposer",
        "treasury-change",
      ]);
    });

    it("grantRole of a powerful role to an account that is not the timelock", () => {
      const data = vault().encodeFunctionData("grantRole", [roleHash("GOVERNANCE_ROLE"), A.attacker]);
      const r = one(A.vault, data, 0n, "Grant GOVERNANCE_ROLE on SigilVault to a helper", A.attacker);
      expect(codes(r, "danger")).to.include.members(["powerful-role", "role-to-proposer"]);
      const custody = one(
        A.vault,
        vault().encodeFunctionData("grantRole", [roleHash("CUSTODIAN_ROLE"), A.guardian]),
      );
      expect(codes(custody, "danger")).to.include("custody-role");
      // GOVERNANCE_ROLE to the timelock is the expected holder: no "powerful-role" danger.
      const toTimelock = one(
        A.vault,
        vault().encodeFunctionData("grantRole", [roleHash("GOVERNANCE_ROLE"), A.timelock]),
      );
      expect(codes(toTimelock, "danger")).to.not.include("powerful-role");
    });

    it("an unknown role id, and the role ids are keccak256 of their names", () => {
      expect(roleId("GOVERNANCE_ROLE")).to.equal(id("GOVERNANCE_ROLE"));
      expect(roleNameOf(id("CANCELLER_ROLE"))).to.equal("CANCELLER_ROLE");
      expect(roleNameOf(`0x${"0".repeat(64)}`)).to.equal("DEFAULT_ADMIN_ROLE");
      const r = one(A.vault, vault().encodeFunctionData("grantRole", [id("MINTER_ROLE"), A.guardian]));
      expect(codes(r, "danger")).to.include("unknown-role");
    });

    it("revoking governance's own roles locks governance out", () => {
      const r = one(
        A.policy,
        iface(env, "policy").encodeFunctionData("revokeRole", [roleHash("DEFAULT_ADMIN_ROLE"), A.timelock]),
      );
      expect(codes(r, "danger")).to.include("governance-lockout");
    });

    it("a call with ETH value", () => {
      const cap = build(env, "vault.setCap", { value: "1" });
      const r = one(A.vault, cap.data, 10n ** 18n, cap.summary);
      expect(codes(r, "danger")).to.include("value");
      expect(r.warnings.find((w) => w.code === "value")!.message).to.contain("1 ETH");
    });

    it("calls to the timelock itself: updateDelay and role changes", () => {
      const t = iface(env, "timelock");
      const delay = one(
        A.timelock,
        t.encodeFunctionData("updateDelay", [60n]),
        0n,
        "Set the timelock's minimum delay to 1 min",
      );
      expect(delay.actions[0]!.entry?.id).to.equal("timelock.updateDelay");
      expect(codes(delay)).to.include.members(["timelock-self", "timelock-delay"]);
      const proposer = one(
        A.timelock,
        t.encodeFunctionData("grantRole", [roleHash("PROPOSER_ROLE"), A.guardian]),
      );
      expect(codes(proposer, "danger")).to.include("powerful-role");
      // CANCELLER_ROLE belongs to the Governor alone: the security council cancels through the Governor
      // (its proposal guardian), so a timelock canceller, even the guardian, is a danger.
      const council = one(
        A.timelock,
        t.encodeFunctionData("grantRole", [roleHash("CANCELLER_ROLE"), A.guardian]),
      );
      expect(codes(council, "danger")).to.include("powerful-role");
      expect(council.warnings.find((w) => w.code === "powerful-role")!.message).to.contain(
        "the security council cancels through the Governor",
      );
      const toGovernor = one(
        A.timelock,
        t.encodeFunctionData("grantRole", [roleHash("CANCELLER_ROLE"), A.governor]),
      );
      expect(codes(toGovernor, "danger")).to.not.include("powerful-role");
      const revokeGovernor = one(
        A.timelock,
        t.encodeFunctionData("revokeRole", [roleHash("CANCELLER_ROLE"), A.governor]),
      );
      expect(codes(revokeGovernor, "danger")).to.include("governance-lockout");
      const stranger = one(
        A.timelock,
        t.encodeFunctionData("grantRole", [roleHash("CANCELLER_ROLE"), A.attacker]),
      );
      expect(codes(stranger, "danger")).to.include("powerful-role");
      const schedule = one(
        A.timelock,
        t.encodeFunctionData("schedule", [
          A.vault,
          0n,
          "0x",
          zeroPadValue("0x", 32),
          zeroPadValue("0x", 32),
          0n,
        ]),
      );
      expect(codes(schedule, "danger")).to.include("not-a-setter");
    });

    it("functions of a Sigil contract that are not governance setters (a token transfer, Governor.relay)", () => {
      const transfer = one(A.vault, vault().encodeFunctionData("transfer", [A.attacker, 10n ** 18n]));
      expect(codes(transfer, "danger")).to.include("not-a-setter");
      expect(transfer.actions[0]!.call?.rendered[0]!.text).to.contain("unknown account");
      const relay = one(A.governor, iface(env, "governor").encodeFunctionData("relay", [A.asset, 0n, "0x"]));
      expect(codes(relay, "danger")).to.include("not-a-setter");
    });

    it("a description that names a different change than the calldata, or none", () => {
      const schedule = build(env, "vault.setSchedule", localSchedule({ navTtl: "3 days" }));
      const wrong = decodeAction(schedule, 0, env);
      expect(
        codes(
          { warnings: checkDescription("Lower the quorum to 1%", [wrong]).warnings } as ProposalReview,
          "danger",
        ),
      ).to.include.members(["description-names-other", "description-missing-action"]);
      expect(
        codes({ warnings: checkDescription("", [wrong]).warnings } as ProposalReview, "danger"),
      ).to.include("description-missing");
      // Free text that mentions the right change is only a warning: the summary is not generated.
      const free = checkDescription("Give the NAV lifetime a day more", [wrong]);
      expect(free.warnings.map((w) => `${w.severity}:${w.code}`)).to.deep.equal([
        "warning:description-not-generated",
      ]);
    });

    it("operator-set changes: who is added and removed, and new operators that alone reach the threshold", () => {
      const fresh = [
        getAddress("0x00000000000000000000000000000000000000c1"),
        getAddress("0x00000000000000000000000000000000000000c2"),
      ];
      const data = iface(env, "registry").encodeFunctionData("setConfig", [[...fresh, A.operators[0]!], 2]);
      const r = one(A.registry, data, 0n, "Set the oracle operators");
      expect(r.actions[0]!.entry?.id).to.equal("registry.setConfig");
      expect(codes(r)).to.include("operator-set");
      // A set that breaks the contract's rules is shown as failing on execution.
      const unsorted = iface(env, "registry").encodeFunctionData("setConfig", [
        [A.operators[1]!, A.operators[0]!],
        1,
      ]);
      expect(codes(one(A.registry, unsorted, 0n, "Set the oracle operators"))).to.include("will-revert");
    });

    it("fees paid elsewhere: operator rewards and consumers that drop the ledger", () => {
      const rewards = one(A.vault, vault().encodeFunctionData("setOperatorRewards", [A.attacker]));
      expect(codes(rewards, "danger")).to.include("rewards-recipient");
      const consumers = one(
        A.registry,
        iface(env, "registry").encodeFunctionData("setConsumers", [[A.attacker]]),
      );
      expect(codes(consumers, "danger")).to.include.members(["ledger-unsynced", "unknown-consumer"]);
    });

    it("lists of different lengths are malformed", () => {
      const r = decodeProposal(
        { targets: [A.vault, A.vault], values: [0n], calldatas: ["0x"], description: "x" },
        env,
      );
      expect(codes(r, "danger")).to.include("malformed");
    });
  });

  describe("form input: units and validation", () => {
    const field = (entryId: string, name: string) => entryById(entryId)!.fields.find((f) => f.name === name)!;
    it("parses amounts, percentages and durations exactly and refuses what it cannot represent", () => {
      expect(parseInput(field("vault.setCap", "value"), "20,000,000.5", token)).to.equal(20_000_000_500_000n);
      expect(() => parseInput(field("vault.setCap", "value"), "1.0000001", token)).to.throw(
        /at most 6 decimals/,
      );
      expect(() => parseInput(field("vault.setCap", "value"), "-1", token)).to.throw(/enter a number/);
      expect(parseInput(field("vault.setFees", "managementBps"), "2.5%", token)).to.equal(250);
      expect(() => parseInput(field("vault.setFees", "managementBps"), "6", token)).to.throw(/at most 5%/);
      expect(() => parseInput(field("vault.setFees", "performanceBps"), "30.01", token)).to.throw(
        /at most 30%/,
      );
      expect(parseInput(field("vault.setSchedule", "navTtl"), "1 day 30 min", token)).to.equal(88_200);
      expect(() => parseInput(field("vault.setSchedule", "navTtl"), "soon", token)).to.throw(
        /not a duration/,
      );
      // The contract's schedule bounds, field by field.
      expect(() => parseInput(field("vault.setSchedule", "epochDuration"), "0", token)).to.throw(
        /at least 1 s/,
      );
      expect(() => parseInput(field("vault.setSchedule", "epochDuration"), "7 days 1 s", token)).to.throw(
        /at most 7 days/,
      );
      expect(() => parseInput(field("vault.setSchedule", "maxNavAge"), "59", token)).to.throw(
        /at least 1 min/,
      );
      expect(() => parseInput(field("vault.setSchedule", "maxNavAge"), "25 h", token)).to.throw(
        /at most 1 day/,
      );
      expect(parseInput(field("vault.setSchedule", "navConfirmDelay"), "0", token)).to.equal(0);
      expect(() => parseInput(field("vault.setSchedule", "navTtl"), "31 days", token)).to.throw(
        /at most 30 days/,
      );
      expect(() => parseInput(field("vault.setSchedule", "riskWindow"), "6 s", token)).to.throw(
        /at least 7 s/,
      );
      // RiskPolicy.MIN_NAV_CHANGE_BPS: nobody may set the max NAV move below 1 %.
      expect(() => parseInput(field("policy.setLimits", "maxNavChangeBps"), "0.99", token)).to.throw(
        /at least 1%/,
      );
      expect(() => parseInput(field("governor.setProposalThresholdBps", "value"), "10.01", token)).to.throw(
        /at most 10%/,
      );
      expect(() =>
        parseInput(field("vault.setFees", "treasury"), "0x0000000000000000000000000000000000000000", token),
      ).to.throw(/zero address/);
      expect(() =>
        parseInput(field("registry.setConfig", "operators"), `${A.guardian}, ${A.guardian}`, token),
      ).to.throw(/twice/);
      expect(
        parseInput(field("registry.setConfig", "operators"), [...A.operators].reverse().join(" "), token),
      ).to.deep.equal(A.operators);
      expect(() => parseInput(field("policy.setAsset", "symbol"), "A".repeat(32), token)).to.throw(
        /31 characters/,
      );
    });
  });

  describe("the vault schedule (setSchedule)", () => {
    const vaultNow = {
      "vault.schedule": {
        epochDuration: 60,
        maxNavAge: 300,
        navConfirmDelay: 600,
        navTtl: 172_800,
        riskWindow: 86_400,
      },
      "timelock.getMinDelay": 3_600n,
    };
    const review = async (form: Record<string, string>, e: FormatEnv = env) => {
      const a = build(e, "vault.setSchedule", localSchedule(form));
      return reviewProposal(
        { targets: [a.target], values: [0n], calldatas: [a.data], description: a.summary },
        e,
        fakeChain(vaultNow),
      );
    };
    const loosened = (r: ProposalReview) =>
      r.actions[0]!.warnings.filter((w) => w.code === "loosening").map((w) => w.message);

    it("decodes the struct into durations, current → new per field, and changes nothing else", async () => {
      const r = await review({ navTtl: "3 days" });
      const a = r.actions[0]!;
      expect(a.entry?.id).to.equal("vault.setSchedule");
      expect(a.call?.signature).to.equal("setSchedule((uint32,uint32,uint32,uint32,uint32))");
      expect(a.summary).to.equal(scheduleSummary);
      const rows = Object.fromEntries(a.changes.map((c) => [c.label, `${c.current} → ${c.proposed}`]));
      expect(rows).to.deep.equal({
        "Epoch duration": "1 min (60 s) → 1 min (60 s)",
        "Max NAV age": "5 min (300 s) → 5 min (300 s)",
        "NAV confirmation delay": "10 min (600 s) → 10 min (600 s)",
        "NAV lifetime": "2 days (172,800 s) → 3 days (259,200 s)",
        "Risk window": "1 day (86,400 s) → 1 day (86,400 s)",
      });
      expect(a.changes.filter((c) => c.changed).map((c) => c.field)).to.deep.equal(["navTtl"]);
      expect(loosened(r)).to.deep.equal([
        "Lengthens the NAV lifetime (2 days (172,800 s) → 3 days (259,200 s)): new deposits may be priced on an older valuation.",
      ]);
      expect(r.severity).to.equal("warning");
    });

    it("warns for every loosening: longer epoch, NAV age and lifetime; shorter confirmation delay and risk window", async () => {
      const r = await review({
        epochDuration: "2 min",
        maxNavAge: "10 min",
        navConfirmDelay: "5 min",
        navTtl: "3 days",
        riskWindow: "12 h",
      });
      expect(loosened(r).map((m) => m.split(" (")[0])).to.deep.equal([
        "Lengthens the epoch duration",
        "Lengthens the max NAV age",
        "Shortens the NAV confirmation delay",
        "Lengthens the NAV lifetime",
        "Shortens the risk window",
      ]);
      expect(codes(r)).to.include("window-reset");
      // 2 min + 10 min + the custodian's 10 min is still within the 1 h minimum delay.
      expect(codes(r)).to.not.include("exit-path");
    });

    it("tightening is not flagged; the same schedule is a no-op", async () => {
      const tighter = await review({ epochDuration: "30 s", navConfirmDelay: "1 h", navTtl: "1 day" });
      expect(loosened(tighter)).to.deep.equal([]);
      expect(tighter.severity).to.equal("info");
      const same = await review({});
      expect(codes(same)).to.include("no-op");
    });

    it("a danger when the exit path (epoch + 2 × NAV age + custodian's return) would outlast the timelock's minimum delay", async () => {
      const r = await review({ epochDuration: "1 h" });
      const w = r.actions[0]!.warnings.find((x) => x.code === "exit-path")!;
      expect(w.severity).to.equal("danger");
      expect(w.message).to.contain(
        "1 h 20 min (epoch 1 h + 2 × NAV age 5 min + custodian's return 10 min) against 1 h, up from 21 min",
      );
      // Without the custodian's return time in the deployment file, it is counted as 0, and said so.
      const unknown = await review({ epochDuration: "1 h" }, envOf({ custodyReturnSeconds: undefined }));
      expect(unknown.actions[0]!.warnings.find((x) => x.code === "exit-path")!.message).to.contain(
        "custodian's return not known (counted as 0",
      );
    });

    it("calldata outside the contract's bounds is decoded and flagged as failing on execution", () => {
      const data = iface(env, "vault").encodeFunctionData("setSchedule", [
        { epochDuration: 0, maxNavAge: 30, navConfirmDelay: 0, navTtl: 60, riskWindow: 60 },
      ]) as Hex;
      const d = decodeAction({ target: A.vault, value: 0n, data }, 0, env);
      expect(d.entry?.id).to.equal("vault.setSchedule");
      const w = d.warnings.find((x) => x.code === "will-revert")!;
      expect(w.message).to.contain("epoch duration must be 1 s to 7 days (proposed 0 s)");
      const limits = iface(env, "policy").encodeFunctionData("setLimits", [
        {
          maxGrossBps: 10_000,
          maxDailyLossBps: 1_000,
          maxDrawdownBps: 3_000,
          maxOffchainBps: 8_000,
          maxNavChangeBps: 50,
          sizeToleranceBps: 100,
          killLevel: 0,
        },
      ]) as Hex;
      expect(
        decodeAction({ target: A.policy, value: 0n, data: limits }, 0, env).warnings.find(
          (x) => x.code === "will-revert",
        )?.message,
      ).to.contain("max NAV move per report must be 1% to 100%");
    });
  });

  describe("governance and timelock settings", () => {
    const chain = fakeChain({
      "governor.proposalThresholdBps": 100n,
      "governor.lateQuorumVoteExtension": 20,
      "governor.votingPeriod": 50,
      "governor.proposalGuardian": A.guardian,
      "timelock.getMinDelay": 3_600n,
      "timelock.operationDelay": ([selector]: readonly unknown[]) =>
        selector === grantRoleSelector ? 7_200n : 3_600n,
    });
    const review = async (id: string, form: Record<string, string>, proposer?: string) => {
      const a = build(env, id, form);
      return reviewProposal(
        {
          targets: [a.target],
          values: [0n],
          calldatas: [a.data],
          description: a.summary,
          proposer: proposer as `0x${string}`,
        },
        env,
        chain,
      );
    };
    const found = (r: ProposalReview, code: string) =>
      r.actions[0]!.warnings.filter((w) => w.code === code).map((w) => `${w.severity}: ${w.message}`);

    it("the security council (proposal guardian): replacing or removing it is a danger", async () => {
      const replaced = await review("governor.setProposalGuardian", { value: A.attacker }, A.attacker);
      expect(found(replaced, "security-council")).to.deep.equal([
        `danger: Replaces the security council (now ${A.guardian} (guardian, security council)) with ${A.attacker} (the proposer): it could cancel any proposal before it executes, and it is the proposer.`,
      ]);
      const removed = await review("governor.setProposalGuardian", {
        value: "0x0000000000000000000000000000000000000000",
      });
      expect(found(removed, "security-council")[0]).to.match(/^danger: Removes the security council/);
      const same = await review("governor.setProposalGuardian", { value: A.guardian });
      expect(codes(same)).to.include("no-op");
      expect(codes(same, "danger")).to.deep.equal([]);
    });

    it("the late-quorum extension: removing it is a danger, beyond the voting period it will revert", async () => {
      expect(
        found(await review("governor.setLateQuorumVoteExtension", { value: "0" }), "governance-setting")[0],
      ).to.match(/^danger: Removes the late-quorum extension/);
      expect(
        found(await review("governor.setLateQuorumVoteExtension", { value: "10" }), "governance-setting"),
      ).to.deep.equal([
        "warning: Shortens the late-quorum extension (20 → 10 blocks): less time to answer a vote that reaches quorum late.",
      ]);
      expect(codes(await review("governor.setLateQuorumVoteExtension", { value: "51" }))).to.include(
        "will-revert",
      );
    });

    it("the proposal threshold as a share of the supply, current → new", async () => {
      const r = await review("governor.setProposalThresholdBps", { value: "0.5" });
      expect(r.actions[0]!.changes[0]).to.include({ current: "1%", proposed: "0.5%", changed: true });
      expect(found(r, "governance-setting")).to.deep.equal([
        "warning: Lowers the votes needed to propose: 1% → 0.5% of the supply.",
      ]);
      expect(r.summary).to.equal("Set the proposal threshold to 0.5% of the vote supply");
    });

    it("an operation's delay: shortening a sensitive function's delay is a danger; 0 means the minimum", async () => {
      const r = await review("timelock.setOperationDelay", { selector: grantRoleSelector, delay: "0" });
      const a = r.actions[0]!;
      expect(a.changes.find((c) => c.field === "selector")!.proposed).to.contain("grantRole on SigilVault");
      expect(a.changes.find((c) => c.field === "delay")).to.include({ current: "2 h (7,200 s)" });
      expect(found(r, "timelock-delay")).to.deep.equal([
        `danger: Shortens the timelock's delay for ${a.changes[0]!.proposed} (2 h → 1 h): holders get less time to exit before a change takes effect.`,
        "info: A delay of 0 s is below the minimum delay: calls to it wait the minimum, 1 h.",
      ]);
    });

    it("the delay shown is requiredDelay(payloads): the sensitive calls, and the minimum delay", async () => {
      const data = [
        build(env, "vault.setCap", { value: "1" }).data,
        iface(env, "vault").encodeFunctionData("grantRole", [roleHash("GUARDIAN_ROLE"), A.guardian]) as Hex,
      ];
      const calls: unknown[] = [];
      const withDelay = fakeChain({
        "timelock.requiredDelay": ([payloads]: readonly unknown[]) => {
          calls.push(payloads);
          return 7_200n;
        },
        "timelock.getMinDelay": 3_600n,
        "timelock.operationDelay": ([selector]: readonly unknown[]) =>
          selector === grantRoleSelector ? 7_200n : 3_600n,
      });
      const d = await requiredDelayOf(data, env.contracts, withDelay.reader);
      expect(calls).to.deep.equal([data]); // the payloads only: delays are per selector
      expect(d).to.deep.include({ seconds: 7_200n, minDelay: 3_600n });
      expect(d.longer.map((x) => [x.index, x.seconds])).to.deep.equal([[1, 7_200n]]);
      expect(delayText(d)).to.equal(
        "2 h: action 2 (grantRole on SigilVault, 2 h) is a sensitive operation that waits longer than the minimum delay, 1 h",
      );
      const plain = await requiredDelayOf([data[0]!], env.contracts, {
        ...withDelay.reader,
        read: async (c, fn, args) => (fn === "requiredDelay" ? 3_600n : withDelay.reader.read(c, fn, args)),
      });
      expect(delayText(plain)).to.equal("1 h (the timelock's minimum delay)");
    });
  });

  it("every catalogue entry has a unique id, a title and topics for the description check", () => {
    const ids = catalogue.map((e: CatalogueEntry) => e.id);
    expect(new Set(ids).size).to.equal(ids.length);
    for (const e of catalogue) {
      expect(e.title, e.id).to.not.equal("");
      expect(e.topics.length, e.id).to.be.greaterThan(0);
    }
  });
});
