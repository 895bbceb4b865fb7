import { useState } from "react";
import { encodeFunctionData, stringToHex, type Abi, type Hex } from "viem";
import { riskPolicyAbi, sigilGovernorAbi, sigilVaultAbi } from "../../abi/generated.js";
import { AmountInput, parseAmount } from "../../components/AmountInput.js";
import { Card } from "../../components/Card.js";
import { NeedsWallet } from "../../components/ConnectHint.js";
import { useSigil } from "../../hooks/useSigil.js";
import { useTokenInfo } from "../../hooks/useTokenInfo.js";
import { useTx } from "../../hooks/useTx.js";
import { killLevels } from "../../lib/words.js";

type Kind = "cap" | "kill";

/** Propose a change for the timelock to execute: a new vault cap, or a kill level (up or down). */
export function ProposalForm() {
  const { addresses } = useSigil();
  const t = useTokenInfo();
  const { run } = useTx();
  const [kind, setKind] = useState<Kind>("cap");
  const [cap, setCap] = useState("");
  const [level, setLevel] = useState(0);
  const [description, setDescription] = useState("");

  let action: { target: `0x${string}`; data: Hex; summary: string } | undefined;
  if (kind === "cap") {
    const amount = parseAmount(cap, t.assetDecimals);
    if (amount !== undefined)
      action = {
        target: addresses.vault,
        data: encodeFunctionData({ abi: sigilVaultAbi, functionName: "setCap", args: [amount] }),
        summary: `Set the vault cap to ${cap} ${t.assetSymbol}`,
      };
  } else {
    action = {
      target: addresses.policy,
      data: encodeFunctionData({
        abi: riskPolicyAbi,
        functionName: "setKillLevel",
        args: [level, stringToHex("governance", { size: 32 })],
      }),
      summary: `Set the kill switch to ${killLevels[level]?.name}`,
    };
  }

  const propose = () => {
    if (!action) return;
    const text = description.trim() ? `${action.summary}: ${description.trim()}` : action.summary;
    void run([
      {
        label: `Propose: ${action.summary}`,
        address: addresses.governor,
        abi: sigilGovernorAbi as Abi,
        functionName: "propose",
        args: [[action.target], [0n], [action.data], text],
      },
    ]).then((ok) => ok && (setCap(""), setDescription("")));
  };

  return (
    <Card title="New proposal">
      <NeedsWallet>
        <label className="field">
          <span>Change</span>
          <select value={kind} onChange={(e) => setKind(e.target.value as Kind)} data-testid="proposal-kind">
            <option value="cap">Vault cap</option>
            <option value="kill">Kill-switch level</option>
          </select>
        </label>
        {kind === "cap" ? (
          <AmountInput
            label="New cap"
            value={cap}
            onChange={setCap}
            unit={t.assetSymbol}
            testId="proposal-cap"
          />
        ) : (
          <label className="field">
            <span>Level</span>
            <select value={level} onChange={(e) => setLevel(Number(e.target.value))}>
              {killLevels.map((k, i) => (
                <option key={k.name} value={i}>
                  {k.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <label className="field">
          <span>Why</span>
          <input
            value={description}
            onChange={(e) => setDescription(e.target.value)}
            placeholder="Reason for voters"
            data-testid="proposal-why"
          />
        </label>
        <button disabled={!action} onClick={propose} data-testid="propose-button">
          Propose
        </button>
      </NeedsWallet>
    </Card>
  );
}
