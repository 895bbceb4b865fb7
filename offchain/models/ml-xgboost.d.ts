// ml-xgboost ships no types. The module's export is a promise of the class (the WASM must load first).
declare module "ml-xgboost" {
  export interface XGBoostModelJson {
    name: string;
    /** Bytes of XGBoost's binary model format. */
    model: ArrayLike<number>;
    options: Record<string, unknown>;
  }
  export interface XGBoostBooster {
    train(x: number[][], y: number[]): void;
    predict(x: number[][]): number[];
    toJSON(): XGBoostModelJson;
    free(): void;
  }
  export interface XGBoostClass {
    new (options: Record<string, unknown>): XGBoostBooster;
    load(model: XGBoostModelJson): XGBoostBooster;
  }
  const ready: Promise<XGBoostClass>;
  export = ready;
}
