import { useState } from "react";
import { Header } from "./components/Header.js";
import { TxList } from "./components/TxList.js";
import { VaultView } from "./views/vault/VaultView.js";
import { LedgerView } from "./views/ledger/LedgerView.js";
import { GovernanceView } from "./views/governance/GovernanceView.js";
import { OperatorsView } from "./views/operators/OperatorsView.js";

const tabs = [
  { id: "vault", label: "Vault", view: VaultView },
  { id: "ledger", label: "Trade ledger", view: LedgerView },
  { id: "governance", label: "Governance", view: GovernanceView },
  { id: "operators", label: "Operators", view: OperatorsView },
] as const;

type TabId = (typeof tabs)[number]["id"];

function initialTab(): TabId {
  const hash = window.location.hash.slice(1);
  return tabs.some((t) => t.id === hash) ? (hash as TabId) : "vault";
}

export function App() {
  const [tab, setTab] = useState<TabId>(initialTab);
  const View = tabs.find((t) => t.id === tab)!.view;
  return (
    <>
      <Header />
      <nav className="tabs" role="tablist">
        {tabs.map((t) => (
          <button
            key={t.id}
            role="tab"
            aria-selected={t.id === tab}
            className={t.id === tab ? "tab active" : "tab"}
            onClick={() => {
              setTab(t.id);
              window.location.hash = t.id;
            }}
          >
            {t.label}
          </button>
        ))}
      </nav>
      <main>
        <View />
      </main>
      <TxList />
    </>
  );
}
