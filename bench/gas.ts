/**
 * Gas benchmark for the Sigil contracts: `npm run bench:gas`.
 *
 * Prints gas per operation next to its target, a plain OpenZeppelin ERC-4626 measured in the same
 * run as the reference, and compares with the committed snapshot `bench/gas-snapshot.json`
 * (`--update` rewrites it). Every figure is the transaction's gasUsed (21,000 intrinsic included),
 * measured in steady state (storage slots already warm from earlier use, as on a live deployment).
 */
import { readFile, writeFile } from "node:fs/promises";
import { network } from "hardhat";
import type { ContractTransactionResponse } from "ethers";
import { Stream } from "../offchain/protocol/reportTypes.js";
import {
  USD,
  cosign,
  deployFixture,
  executionReport,
  fill,
  fund,
  now,
  operatorWallets,
  settle,
  signalReport,
  type Fixture,
} from "../test/helpers/sigilFixture.js";

const SNAPSHOT = new URL("./gas-snapshot.json", import.meta.url);
const update = process.argv.includes("--update") || process.env.SIGIL_GAS_UPDATE === "1";

async function gasOf(p: Promise<ContractTransactionResponse>): Promise<number> {
  const rc = await (await p).wait();
  return Number(rc!.gasUsed);
}

const results: Record<string, number> = {};
const notes: Record<string, string> = {};
function put(name: string, gas: number, note = "") {
  results[name] = gas;
  if (note) notes[name] = note;
}

const { ethers } = await network.create();

// ---------------------------------------------------------------- vault requests vs plain ERC-4626
{
  const f = await deployFixture(ethers);
  const users = f.others.slice(0, 4);
  for (const u of [f.alice, f.bob, ...users]) await fund(f, u, USD(1_000_000));
  // Warm the vault: one settled deposit, so balances and totals are non-zero (steady state).
  await (await f.vault.connect(f.alice).requestDeposit(USD(1000), f.alice.address)).wait();
  await (await settle(f, 0n)).wait();
  put("vault.requestDeposit", await gasOf(f.vault.connect(f.bob).requestDeposit(USD(1000), f.bob.address)));
  await (await settle(f, 0n)).wait();
  put("vault.claimDeposit", await gasOf(f.vault.connect(f.bob).claimDeposit(f.bob.address)));
  await (await f.vault.connect(f.alice).claimDeposit(f.alice.address)).wait();
  const shares = await f.vault.balanceOf(f.bob.address);
  put(
    "vault.requestRedeem",
    await gasOf(f.vault.connect(f.bob).requestRedeem(shares / 2n, f.bob.address, f.bob.address)),
  );
  await (await settle(f, 0n)).wait();
  put("vault.claimRedeem", await gasOf(f.vault.connect(f.bob).claimRedeem(f.bob.address)));

  // Settlement cost against queue length: 1, 10, 100 queued requests.
  const signers = await ethers.getSigners();
  for (const q of [1, 10, 100]) {
    const queue = signers.slice(7, 7 + q);
    if (queue.length < q) {
      // Not enough funded accounts: make wallets and fund them with ETH and tokens.
      for (let i = queue.length; i < q; i++) {
        const w = ethers.Wallet.createRandom().connect(ethers.provider);
        await (await signers[0]!.sendTransaction({ to: w.address, value: 10n ** 18n })).wait();
        queue.push(w as never);
      }
    }
    for (const u of queue) {
      await fund(f, u, USD(100));
      await (await f.vault.connect(u).requestDeposit(USD(100), await u.getAddress())).wait();
    }
    put(`vault.settle (${q} queued)`, await gasOf(settle(f, 0n)));
  }

  const plain = await ethers.deployContract("PlainVault", [await f.asset.getAddress()]);
  for (const u of [f.alice, f.bob])
    await (await f.asset.connect(u).approve(await plain.getAddress(), USD(1_000_000))).wait();
  await (await plain.connect(f.alice).deposit(USD(1000), f.alice.address)).wait();
  put("oz4626.deposit", await gasOf(plain.connect(f.bob).deposit(USD(1000), f.bob.address)));
  put("oz4626.redeem", await gasOf(plain.connect(f.bob).redeem(USD(500) * 1n, f.bob.address, f.bob.address)));
}

// ---------------------------------------------------------------- signal reports at 3-of-5, 5-of-9, 11-of-16
async function signalGas(n: number, m: number): Promise<number> {
  const f = await deployFixture(ethers, { operators: n, threshold: m });
  const ops = operatorWallets(n);
  const assets = [0, 1, 2, 3, 4];
  // Warm up the ring of target slots and the sequence slot (steady state after 8 signals).
  let seq = 1n;
  let gas = 0;
  for (let i = 0; i < 10; i++, seq++) {
    const w = i % 2 === 0 ? [2000, 1500, 1000, 500, 500] : [1900, 1600, 900, 600, 400];
    const r = await signalReport(f, seq, assets, w);
    const sigs = await cosign(Stream.Signal, f.domain, r, ops.slice(0, m));
    gas = await gasOf(f.ledger.submitSignal(r, sigs));
  }
  return gas;
}
const s35 = await signalGas(5, 3);
const s59 = await signalGas(9, 5);
const s1116 = await signalGas(16, 11);
put("ledger.submitSignal 3-of-5, 5 assets", s35);
put("ledger.submitSignal 5-of-9, 5 assets", s59);
put("ledger.submitSignal 11-of-16, 5 assets", s1116);
// Marginal gas per extra signature (slope from 3 to 11 signatures; includes its calldata).
put("quorum: gas per extra signature", Math.round((s1116 - s35) / 8), "slope from 3-of-5 to 11-of-16");

// ---------------------------------------------------------------- trade records and NAV settlement
{
  const f: Fixture = await deployFixture(ethers);
  await fund(f, f.alice, USD(1_000_000));
  await (await f.vault.connect(f.alice).requestDeposit(USD(1_000_000), f.alice.address)).wait();
  await (await settle(f, 0n)).wait();
  const t = await now(ethers);
  let sigSeq = 1n;
  let execSeq = 1n;
  const submit = async (assets: number[], w: number[]) => {
    const r = await signalReport(f, sigSeq, assets, w);
    await (
      await f.ledger.submitSignal(r, await cosign(Stream.Signal, f.domain, r, f.operators.slice(0, 2)))
    ).wait();
    return sigSeq++;
  };
  const execute = async (signalSeq: bigint, fills: ReturnType<typeof fill>[]) => {
    const r = await executionReport(f, execSeq++, signalSeq, fills);
    return gasOf(
      f.ledger.submitExecution(r, await cosign(Stream.Execution, f.domain, r, f.operators.slice(0, 2))),
    );
  };
  // Steady state: every asset already has a position (non-zero slot), as in a running portfolio.
  const prices = [42_000n, 2_300n, 310n, 100n, 1n];
  const qty = (usd: bigint, p: bigint) => (usd * 10n ** 8n) / p;
  const leg = (a: number, usd: bigint) => fill(a, qty(usd, prices[a]!), prices[a]! * 10n ** 8n, t);
  const s1 = await submit([0, 1, 2, 3], [100, 100, 100, 100]);
  await execute(
    s1,
    [0, 1, 2, 3].map((a) => leg(a, 5_000n)),
  );
  const s2 = await submit([0, 1, 2, 3], [200, 200, 200, 200]);
  put("ledger.submitExecution, 1 fill (2-of-3)", await execute(s2, [leg(0, 5_000n)]));
  const g5 = await execute(s2, [
    leg(1, 5_000n),
    leg(2, 5_000n),
    leg(3, 5_000n),
    leg(0, 2_000n),
    leg(0, 2_000n),
  ]);
  put("ledger.submitExecution, 5 fills (2-of-3)", g5);
  put("trade record (per fill, batch of 5)", Math.round(g5 / 5));
  put(
    "trade record (marginal fill)",
    Math.round((g5 - results["ledger.submitExecution, 1 fill (2-of-3)"]!) / 4),
    "5-fill minus 1-fill report, per extra fill",
  );
  put("vault.settle (NAV report, 2-of-3, none queued)", await gasOf(settle(f, 0n)));
}

// ---------------------------------------------------------------- report
const targets: Record<string, [number, string]> = {
  "ledger.submitSignal 3-of-5, 5 assets": [80_000, "≤ 80,000"],
  "quorum: gas per extra signature": [7_000, "≤ 7,000"],
  "trade record (per fill, batch of 5)": [50_000, "≤ 50,000"],
  "trade record (marginal fill)": [50_000, "≤ 50,000"],
};
let previous: Record<string, number> = {};
try {
  previous = (JSON.parse(await readFile(SNAPSHOT, "utf8")) as { gas: Record<string, number> }).gas;
} catch {
  previous = {};
}
const ratio = results["vault.requestDeposit"]! / results["oz4626.deposit"]!;
const rows = Object.entries(results).map(([name, gas]) => {
  const t = targets[name];
  const prev = previous[name];
  const delta = prev === undefined ? "new" : gas === prev ? "=" : `${gas > prev ? "+" : ""}${gas - prev}`;
  const verdict = t ? (gas <= t[0] ? `meets ${t[1]}` : `MISSES ${t[1]}`) : "";
  return { operation: name, gas, "vs snapshot": delta, target: verdict, note: notes[name] ?? "" };
});
console.table(rows);
console.log(
  `requestDeposit / plain ERC-4626 deposit = ${ratio.toFixed(3)} (target ≤ 1.3: ${ratio <= 1.3 ? "meets" : "MISSES"})`,
);
const q1 = results["vault.settle (1 queued)"]!;
const q100 = results["vault.settle (100 queued)"]!;
console.log(
  `settlement with 100 queued / with 1 queued = ${(q100 / q1).toFixed(3)} (flat: claims pull at the epoch price)`,
);
if (update) {
  await writeFile(
    SNAPSHOT,
    JSON.stringify(
      { note: "gasUsed per transaction, steady state; see bench/gas.ts", gas: results },
      null,
      2,
    ) + "\n",
  );
  console.log(`wrote ${SNAPSHOT.pathname}`);
}
