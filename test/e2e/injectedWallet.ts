/**
 * A minimal EIP-1193 wallet for the e2e test, injected into the page as `window.ethereum` (plain JS
 * source, so no TypeScript transform helper leaks into the page). It starts on `startChainId` (so the
 * dApp's wrong-network detection shows), switches on `wallet_switchEthereumChain`, and forwards every
 * other call to the node through `rpcPath`; the node holds `account` unlocked, so `eth_sendTransaction`
 * is signed there.
 */
export function testWalletScript(opts: { account: string; rpcPath: string; startChainId: string }): string {
  return `(() => {
  const opts = ${JSON.stringify(opts)};
  const listeners = new Map();
  let chainId = opts.startChainId;
  let connected = false;
  let nextId = 1;
  const emit = (event, ...args) => (listeners.get(event) || new Set()).forEach((l) => l(...args));
  const forward = async (method, params) => {
    const res = await fetch(opts.rpcPath, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: nextId++, method, params: params || [] }),
    });
    const body = await res.json();
    if (body.error) throw Object.assign(new Error(body.error.message), body.error);
    return body.result;
  };
  const provider = {
    isSigilTestWallet: true,
    async request({ method, params }) {
      switch (method) {
        case "eth_requestAccounts":
          connected = true;
          emit("connect", { chainId });
          return [opts.account];
        case "eth_accounts":
          return connected ? [opts.account] : [];
        case "eth_chainId":
          return chainId;
        case "net_version":
          return String(parseInt(chainId, 16));
        case "wallet_switchEthereumChain": {
          const wanted = params[0].chainId;
          if (wanted.toLowerCase() !== "0x7a69") throw Object.assign(new Error("Unrecognized chain"), { code: 4902 });
          chainId = wanted;
          emit("chainChanged", chainId);
          return null;
        }
        case "wallet_requestPermissions":
        case "wallet_getPermissions":
          return [{ parentCapability: "eth_accounts" }];
        case "wallet_revokePermissions":
          connected = false;
          return null;
        default:
          if (method.startsWith("wallet_")) return null;
          return forward(method, params);
      }
    },
    on(event, listener) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event).add(listener);
      return provider;
    },
    removeListener(event, listener) {
      (listeners.get(event) || new Set()).delete(listener);
      return provider;
    },
  };
  window.ethereum = provider;
})();`;
}
