import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";

export type TfBackendName = "tensorflow" | "wasm" | "cpu";

export interface TfBackend {
  readonly tf: typeof tf;
  /** The backend actually in use. */
  readonly backend: TfBackendName;
  /** True when a faster backend was asked for (or "auto") and a slower one is in use. */
  readonly fallback: boolean;
  /** Why each faster backend was skipped. */
  readonly notes: readonly string[];
}

let wasmPathsSet = false;

/**
 * Selects the TensorFlow.js backend: native `@tensorflow/tfjs-node` when it loads (an optional
 * dependency: its install downloads libtensorflow, which this network does not allow), else WASM
 * from `@tensorflow/tfjs-backend-wasm` with its .wasm files read from the package's own dist folder
 * on disk (no network), else the plain JS CPU backend, flagged as a fallback. Weights trained on one
 * backend can differ in the last bits from another, so record `backend` with any artefact.
 *
 * @example
 * const { tf, backend, fallback } = await initTfBackend("auto");
 */
export async function initTfBackend(preferred: "auto" | TfBackendName = "auto"): Promise<TfBackend> {
  const notes: string[] = [];
  const order: TfBackendName[] =
    preferred === "auto"
      ? ["tensorflow", "wasm", "cpu"]
      : preferred === "tensorflow"
        ? ["tensorflow", "wasm", "cpu"]
        : preferred === "wasm"
          ? ["wasm", "cpu"]
          : ["cpu"];
  for (const name of order) {
    try {
      if (name === "tensorflow") {
        // a variable specifier keeps TypeScript from resolving a package that is usually absent
        const nativePkg = "@tensorflow/tfjs-node";
        await import(nativePkg);
      }
      if (name === "wasm" && !wasmPathsSet) {
        const require = createRequire(import.meta.url);
        const dist =
          join(dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")), "dist") + "/";
        setWasmPaths(dist);
        wasmPathsSet = true;
      }
      if (tf.getBackend() !== name && !(await tf.setBackend(name)))
        throw new Error(`tf.setBackend("${name}") returned false`);
      await tf.ready();
      return {
        tf,
        backend: name,
        fallback: name !== order[0] || (preferred === "auto" && name !== "tensorflow"),
        notes,
      };
    } catch (e) {
      notes.push(`${name}: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`);
    }
  }
  throw new Error(`no TensorFlow.js backend could start (${notes.join("; ")})`);
}
