import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { WagmiProvider } from "wagmi";
import { App } from "./App.js";
import { addressesOf, loadDeployment } from "./config/deployment.js";
import { createWagmiConfig } from "./config/wagmi.js";
import { SigilContext } from "./hooks/useSigil.js";
import { TxProvider } from "./components/TxProvider.js";
import "./styles.css";

const root = createRoot(document.getElementById("root")!);

async function start() {
  try {
    const deployment = await loadDeployment();
    const addresses = addressesOf(deployment);
    const config = createWagmiConfig(deployment);
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: 1 } } });
    root.render(
      <StrictMode>
        <WagmiProvider config={config}>
          <QueryClientProvider client={queryClient}>
            <SigilContext.Provider value={{ deployment, addresses }}>
              <TxProvider>
                <App />
              </TxProvider>
            </SigilContext.Provider>
          </QueryClientProvider>
        </WagmiProvider>
      </StrictMode>,
    );
  } catch (error) {
    root.render(
      <main className="fatal">
        <h1>Sigil vault</h1>
        <p>The app could not start: {error instanceof Error ? error.message : String(error)}</p>
        <p>
          It needs the contract addresses: serve deployments.json next to the app, or build with
          VITE_SIGIL_DEPLOYMENT.
        </p>
      </main>,
    );
  }
}

void start();
