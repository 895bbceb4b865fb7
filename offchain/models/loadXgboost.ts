import { createRequire } from "node:module";
import type { XGBoostClass } from "ml-xgboost";

let ready: Promise<XGBoostClass> | undefined;

/**
 * The XGBoost class of `ml-xgboost` (XGBoost compiled to WASM by mljs), loaded once. Its loader
 * first tries streaming compilation from a file path, which Node's fetch cannot do, and says so on
 * the console before falling back to reading the bytes; those two lines are filtered out.
 *
 * @example
 * const XGBoost = await loadXgboost(); const b = new XGBoost({ iterations: 10 });
 */
export function loadXgboost(): Promise<XGBoostClass> {
  ready ??= (async () => {
    const quiet = /wasm streaming compile failed|falling back to ArrayBuffer instantiation/;
    const { warn, error, log } = console;
    const filter =
      (f: (...a: unknown[]) => void) =>
      (...a: unknown[]): void => {
        if (!quiet.test(String(a[0]))) f(...a);
      };
    console.warn = filter(warn);
    console.error = filter(error);
    console.log = filter(log);
    try {
      const require = createRequire(import.meta.url);
      return await (require("ml-xgboost") as Promise<XGBoostClass>);
    } finally {
      console.warn = warn;
      console.error = error;
      console.log = log;
    }
  })();
  return ready;
}
