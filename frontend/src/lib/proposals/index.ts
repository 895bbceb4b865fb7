/** Governance proposals in words: the setter catalogue, the decoder, the warning rules. */
export * from "./catalogue/index.js";
export * from "./contracts.js";
export * from "./decode.js";
export * from "./description.js";
export * from "./env.js";
export * from "./fields.js";
export * from "./reader.js";
export * from "./review.js";
export * from "./roles.js";
export * from "./units.js";
export * from "./warnings.js";
export * from "./builder.js";
export type { Abi, Address, Hex } from "viem";
export * from "./lifecycle.js";
export * from "./loadEnv.js";
