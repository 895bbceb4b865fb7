import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { Abi } from "viem";
import { useConnection } from "wagmi";
import { sigilGovernorAbi } from "../../abi/generated.js";
import { Card } from "../../components/Card.js";
import { NeedsWallet } from "../../components/ConnectHint.js";
import { CHAIN_KEY } from "../../hooks/useChainQuery.js";
import { useProposalEnv } from "../../hooks/useProposalEnv.js";
import { useTx } from "../../hooks/useTx.js";
import {
  catalogue,
  defaultForm,
  delayText,
  displayText,
  encodeAction,
  entryById,
  formFields,
  formOf,
  parseForm,
  parseInput,
  readCurrent,
  requiredDelayOf,
  proposalDescription,
  reviewProposal,
  summaryOf,
  type CatalogueEntry,
  type EncodedAction,
  type FormText,
  type Values,
} from "../../lib/proposals/index.js";
import { FieldInput } from "./FieldInput.js";
import { ReviewView } from "./ReviewView.js";

interface BatchItem extends EncodedAction {
  summary: string;
}

/** The key fields' text (an asset index, a role and account): when it changes, current values reload. */
const keyOf = (entry: CatalogueEntry, form: FormText) =>
  formFields(entry)
    .filter((f) => f.part === "key")
    .map((f) => form[f.name] ?? "")
    .join("|");

/**
 * Propose any governance-controlled change: one form per catalogue setter (the entry's fields, units
 * and limits), starting from the values in force; several actions make one proposal. The description
 * starts with the generated summary, and the proposer sees exactly what voters will see.
 */
export function ProposalBuilder() {
  const { contracts, env, chain } = useProposalEnv();
  const { address } = useConnection();
  const { run } = useTx();
  const [entryId, setEntryId] = useState("vault.setCap");
  const entry = entryById(entryId) ?? catalogue[0]!;
  const [form, setForm] = useState<FormText>(() => defaultForm(entry));
  const [now, setNow] = useState<Values | undefined>();
  const [batch, setBatch] = useState<BatchItem[]>([]);
  const [why, setWhy] = useState("");
  const token = env?.token;

  const choose = (id: string) => {
    const next = entryById(id);
    if (!next) return;
    setEntryId(id);
    setForm(defaultForm(next));
    setNow(undefined);
  };

  // Start from what is in force: read the setter's current values and fill the non-key fields.
  const key = keyOf(entry, form);
  useEffect(() => {
    if (!env || !chain || !entry.current) return;
    let cancelled = false;
    const keys: Values = {};
    for (const f of formFields(entry).filter((x) => x.part === "key")) {
      try {
        keys[f.name] = parseInput(f, form[f.name] ?? "", env.token);
      } catch {
        /* not valid yet */
      }
      if (keys[f.name] === undefined) return;
    }
    readCurrent(entry, keys, contracts, chain)
      .then((cur) => {
        if (cancelled) return;
        setNow(cur);
        if (cur) {
          const filled = formOf(
            { ...entry, fields: entry.fields.filter((f) => f.part !== "key") },
            cur,
            env.token,
          );
          setForm((prev) => ({ ...prev, ...filled }));
        }
      })
      .catch(() => !cancelled && setNow(undefined));
    return () => {
      cancelled = true;
    };
    // Reload only when the setter or its key fields change, not on every keystroke.
  }, [entry.id, key, env !== undefined, chain !== undefined]);

  const parsed = token ? parseForm(entry, form, token) : undefined;
  const current: BatchItem | undefined =
    parsed?.values && token
      ? { ...encodeAction(entry, parsed.values, contracts), summary: entry.summary(parsed.values, token) }
      : undefined;
  const actions = batch.length ? batch : current ? [current] : [];
  const summary = summaryOf(actions);
  const description = proposalDescription(summary, why);

  const preview = useQuery({
    queryKey: [
      CHAIN_KEY,
      "proposal-preview",
      actions.map((a) => a.data + a.target).join(","),
      description,
      address,
    ],
    queryFn: () =>
      reviewProposal(
        {
          targets: actions.map((a) => a.target),
          values: actions.map((a) => a.value),
          calldatas: actions.map((a) => a.data),
          description,
          proposer: address,
        },
        env!,
        chain!,
      ),
    enabled: !!env && !!chain && actions.length > 0,
  });
  // The delay the timelock will hold these calls once queued (sensitive functions wait longer).
  const delay = useQuery({
    queryKey: [CHAIN_KEY, "proposal-delay", actions.map((a) => a.data).join(",")],
    queryFn: () =>
      requiredDelayOf(
        actions.map((a) => a.data),
        contracts,
        chain!.reader,
      ),
    enabled: !!chain && actions.length > 0,
  });

  /** Add the form's action to the batch; the form goes back to the values in force. */
  const add = () => {
    if (!current || !token) return;
    setBatch((b) => [...b, current]);
    resetForm();
  };

  /** Back to the values in force (key fields cleared). */
  const resetForm = () => {
    const values =
      now && token
        ? formOf({ ...entry, fields: entry.fields.filter((f) => f.part !== "key") }, now, token)
        : {};
    setForm({ ...defaultForm(entry), ...values });
  };

  const propose = () => {
    if (!actions.length) return;
    void run([
      {
        label: `Propose: ${summary}`,
        address: contracts.governor.address,
        abi: sigilGovernorAbi as Abi,
        functionName: "propose",
        args: [
          actions.map((a) => a.target),
          actions.map((a) => a.value),
          actions.map((a) => a.data),
          description,
        ],
      },
    ]).then((ok) => {
      if (!ok) return;
      setBatch([]);
      setWhy("");
      resetForm();
    });
  };

  const groups = [...new Set(catalogue.map((e) => e.group))];
  return (
    <Card title="New proposal" wide>
      <NeedsWallet>
        {!token ? (
          <p className="muted">Loading…</p>
        ) : (
          <>
            <label className="field">
              <span>Change</span>
              <select value={entry.id} onChange={(e) => choose(e.target.value)} data-testid="proposal-kind">
                {groups.map((g) => (
                  <optgroup key={g} label={g}>
                    {catalogue
                      .filter((e) => e.group === g)
                      .map((e) => (
                        <option key={e.id} value={e.id}>
                          {e.title} — {contracts[e.contract].name}.{e.functionName}
                        </option>
                      ))}
                  </optgroup>
                ))}
              </select>
            </label>
            {formFields(entry).map((f) => (
              <FieldInput
                key={`${entry.id}.${f.name}`}
                field={f}
                value={form[f.name] ?? ""}
                onChange={(text) => setForm((prev) => ({ ...prev, [f.name]: text }))}
                token={token}
                now={
                  f.part !== "key" && now?.[f.name] !== undefined && env
                    ? displayText(f.kind, now[f.name], env)
                    : undefined
                }
                error={(form[f.name] ?? "") === "" ? undefined : parsed?.errors[f.name]}
              />
            ))}
            {parsed?.problem && <p className="error">The contract would refuse this: {parsed.problem}.</p>}
            {current && <p data-testid="proposal-action-summary">{current.summary}</p>}
            <button className="secondary" disabled={!current} onClick={add} data-testid="add-action">
              Add to proposal
            </button>
            {batch.length > 0 && (
              <ol data-testid="batch">
                {batch.map((a, i) => (
                  <li key={i}>
                    {a.summary}{" "}
                    <button className="link" onClick={() => setBatch((b) => b.filter((_, j) => j !== i))}>
                      remove
                    </button>
                  </li>
                ))}
              </ol>
            )}
            <label className="field">
              <span>Why</span>
              <input
                value={why}
                onChange={(e) => setWhy(e.target.value)}
                placeholder="Reason for voters"
                data-testid="proposal-why"
              />
            </label>
            {actions.length > 0 && (
              <>
                <p className="muted">
                  {batch.length
                    ? `${batch.length} action(s) added.`
                    : "This action alone (add it to combine several)."}{" "}
                  The description will be:
                </p>
                <pre className="description-text" data-testid="proposal-description-preview">
                  {description}
                </pre>
                {delay.data && (
                  <p className="muted" data-testid="proposal-builder-delay">
                    Once passed and queued, the timelock will hold it {delayText(delay.data)}.
                  </p>
                )}
                <p className="muted">What voters will see:</p>
                {preview.data ? <ReviewView review={preview.data} /> : <p className="muted">Checking…</p>}
              </>
            )}
            <button disabled={!actions.length} onClick={propose} data-testid="propose-button">
              Propose{actions.length > 1 ? ` ${actions.length} actions` : ""}
            </button>
          </>
        )}
      </NeedsWallet>
    </Card>
  );
}
