import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Plugin } from "vite";
import { defineConfig } from "vite";

/**
 * In `vite dev` and `vite preview`, serve `/deployments.json` from SIGIL_DEPLOYMENT_FILE (default:
 * ../deployments/localhost.json), so the app finds the contracts a local deploy just wrote.
 */
function serveDeployment(): Plugin {
  const file = resolve(process.env.SIGIL_DEPLOYMENT_FILE ?? "../deployments/localhost.json");
  const handler = async (
    req: { url?: string },
    res: { setHeader(k: string, v: string): void; end(body: string): void; statusCode: number },
    next: () => void,
  ) => {
    if (req.url?.split("?")[0] !== "/deployments.json") return next();
    try {
      const body = await readFile(file, "utf8");
      res.setHeader("content-type", "application/json");
      res.end(body);
    } catch {
      res.statusCode = 404;
      res.end(JSON.stringify({ error: `no deployment at ${file}` }));
    }
  };
  return {
    name: "sigil-deployment",
    configureServer: (server) => void server.middlewares.use(handler),
    configurePreviewServer: (server) => void server.middlewares.use(handler),
  };
}

export default defineConfig({
  esbuild: { jsx: "automatic" },
  plugins: [serveDeployment()],
  build: {
    target: "es2022",
    // Optional peer of wagmi's WalletConnect connector: install it to enable WalletConnect.
    chunkSizeWarningLimit: 1_000,
    rollupOptions: {
      external: ["@walletconnect/ethereum-provider"],
      onwarn(warning, warn) {
        if (warning.code === "MODULE_LEVEL_DIRECTIVE") return; // "use client" in React libraries
        warn(warning);
      },
    },
  },
});
