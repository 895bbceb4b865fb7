/**
 * The dApp's proposal decoder (frontend/src/lib/proposals): every action in words, the catalogue, and
 * the warning rules, without a chain. The chain-backed review (current → new) is in
 * proposalsOnChain.test.ts.
 */
import { expect } from "chai";
import { Interface, getAddress, id, zeroPadValue } from "ethers";
import {
  availableEntries,
  encodeAction,
  parseForm,
  catalogue,
  checkDescription,
  decodeAction,
  decodeProposal,
  entryById,
  isAvailable,
  parseInput,
  proposalDescription,
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
import { A, envOf, iface, roleHash, token } from "./proposalFixture.js";

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

/** A viem-style ABI from human-readable signatures (through ethers: the root has no viem). */
const parseAbi = (signatures: string[]) => JSON.parse(new Interface(signatures).formatJson()) as Abi;

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
      const ttl = build(env, "vault.setNavTtl", { value: "3 days" });
      expect(cap.summary).to.equal("Set the vault cap to 20,000,000 mUSD");
      expect(ttl.summary).to.equal("Set the NAV lifetime to 3 days");
      const description = proposalDescription(summaryOf([cap, ttl]), "Room for more stakers");
      const r = decodeProposal(
        { targets: [cap.target, ttl.target], values: [0n, 0n], calldatas: [cap.data, ttl.data], description },
        env,
      );
      expect(r.description.matches).to.equal(true);
      expect(r.severity).to.equal("info");
      expect(r.summary).to.equal("Set the vault cap to 20,000,000 mUSD; Set the NAV lifetime to 3 days");
      expect(r.actions[1]!.changes[0]!.proposed).to.equal("3 days (259,200 s)");
    });

    it("every available entry round-trips: builder values → calldata → decoder → same entry and summary", () => {
      const samples: Record<string, string> = {
        amount: "1234.5",
        bps: "2.5",
        percent: "4",
        seconds: "1 day 2 h",
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
      const entries = availableEntries(env.contracts);
      expect(entries.length).to.be.greaterThan(20);
      for (const entry of entries) {
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
      const ids = availableEntries(env.contracts).map((e) => e.id);
      expect(ids).to.include.members([
        "policy.setLimits",
        "policy.setAsset",
        "policy.setKillLevel",
        "vault.setFees",
        "vault.setCap",
        "vault.setNavTtl",
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
        "timelock.updateDelay",
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
      // The guardian as security council (CANCELLER_ROLE): flagged, not a danger; anyone else: a danger.
      const council = one(
        A.timelock,
        t.encodeFunctionData("grantRole", [roleHash("CANCELLER_ROLE"), A.guardian]),
      );
      expect(codes(council)).to.include.members(["role-grant", "security-council"]);
      expect(codes(council, "danger")).to.deep.equal([
        "description-names-other",
        "description-missing-action",
      ]);
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
      const ttl = build(env, "vault.setNavTtl", { value: "3 days" });
      const wrong = decodeAction(ttl, 0, env);
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
      expect(parseInput(field("vault.setNavTtl", "value"), "1 day 30 min", token)).to.equal(88_200n);
      expect(() => parseInput(field("vault.setNavTtl", "value"), "soon", token)).to.throw(/not a duration/);
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

  describe("upcoming contract functions", () => {
    const upcoming = catalogue.filter((e) => e.upcoming);

    it("wait for the generated ABI: not offered, and a call to one is an unknown function", () => {
      expect(upcoming.map((e) => e.id)).to.include.members([
        "vault.setEpochDuration",
        "vault.setMaxNavAge",
        "vault.setNavConfirmDelay",
        "vault.setRiskWindow",
        "timelock.setOperationDelay",
        "governor.setProposalThresholdBps",
      ]);
      for (const e of upcoming) expect(isAvailable(e, env.contracts), e.id).to.equal(false);
      const data = new Interface(["function setRiskWindow(uint256)"]).encodeFunctionData("setRiskWindow", [
        3_600n,
      ]) as Hex;
      const r = decodeProposal(
        { targets: [A.vault], values: [0n], calldatas: [data], description: "Set the risk window" },
        env,
      );
      expect(codes(r, "danger")).to.include("unknown-function");
    });

    it("are decoded and offered once the ABI has them (one entry each)", () => {
      const extended = envOf({
        vault: [
          ...sigilAbis.vault,
          ...parseAbi([
            "function setEpochDuration(uint256 seconds_)",
            "function setMaxNavAge(uint256 seconds_)",
            "function setNavConfirmDelay(uint256 seconds_)",
            "function setRiskWindow(uint256 seconds_)",
          ]),
        ] as Abi,
        timelock: [
          ...sigilAbis.timelock,
          ...parseAbi(["function setOperationDelay(bytes4 selector, uint256 delay)"]),
        ] as Abi,
        governor: [
          ...sigilAbis.governor,
          ...parseAbi(["function setProposalThresholdBps(uint256 bps)"]),
        ] as Abi,
      });
      for (const e of upcoming) expect(isAvailable(e, extended.contracts), e.id).to.equal(true);
      const setFees = build(envOf(), "vault.setFees", {
        managementBps: "2",
        performanceBps: "20",
        operatorShareBps: "10",
        treasury: A.deployer,
      });
      const selector = setFees.data.slice(0, 10);
      const op = build(extended, "timelock.setOperationDelay", { selector, delay: "1 min" });
      const r = decodeProposal(
        { targets: [op.target], values: [0n], calldatas: [op.data], description: op.summary },
        extended,
      );
      expect(r.actions[0]!.entry?.id).to.equal("timelock.setOperationDelay");
      expect(r.actions[0]!.changes.find((c) => c.field === "selector")!.proposed).to.contain(
        "setFees on SigilVault",
      );
      const risk = build(extended, "vault.setRiskWindow", { value: "6 h" });
      expect(decodeAction(risk, 0, extended).summary).to.equal("Set the risk window to 6 h");
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
