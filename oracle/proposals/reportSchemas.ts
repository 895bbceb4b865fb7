import { z } from "zod";
import { getAddress } from "ethers";
import {
  Stream,
  type ExecutionReport,
  type NavReport,
  type SignalReport,
} from "../../offchain/protocol/reportTypes.js";

/**
 * Reports as JSON (the engine's proposals and the signatures gossiped between nodes): integers that
 * may exceed 2^53 travel as decimal or 0x-hex strings and become bigints here; objects are strict, so
 * an unknown field is a schema error, never silently dropped from what gets signed.
 */
const uint = (bits: number) =>
  z
    .union([z.string().regex(/^(0x[0-9a-fA-F]+|\d+)$/), z.number().int().nonnegative().safe()])
    .transform((v) => BigInt(v))
    .refine((v) => v < 1n << BigInt(bits), `does not fit uint${bits}`);

const int128 = z
  .union([z.string().regex(/^-?\d+$/), z.number().int().safe()])
  .transform((v) => BigInt(v))
  .refine((v) => v >= -(1n << 127n) && v < 1n << 127n, "does not fit int128");

const bytes32 = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, "expected 0x and 64 hex digits")
  .transform((v) => v.toLowerCase());

const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "a 20-byte hex address")
  .transform((v) => getAddress(v.toLowerCase()));

const header = {
  configDigest: bytes32,
  sequence: uint(64).refine((v) => v > 0n, "sequence starts at 1"),
  deadline: uint(64),
};

export const signalSchema = z
  .object({
    runHash: bytes32,
    inputsHash: bytes32,
    modelHash: bytes32,
    timestamp: uint(64),
    flags: z.number().int().min(0).max(255),
    targets: uint(256),
  })
  .strict();

export const fillSchema = z
  .object({
    asset: z.number().int().min(0).max(15),
    quantityE8: int128.refine((v) => v !== 0n, "a fill has a non-zero quantity"),
    priceE8: uint(64).refine((v) => v > 0n, "price must be positive"),
    feeE8: uint(64),
    orderRef: bytes32,
    timestamp: uint(64),
  })
  .strict();

export const navSchema = z
  .object({
    epoch: uint(64),
    vault: address,
    venueEquity: uint(256),
    custodySent: uint(256),
    custodyReturned: uint(256),
    timestamp: uint(64),
    venueSnapshotHash: bytes32,
  })
  .strict();

export const signalReportSchema: z.ZodType<SignalReport, z.ZodTypeDef, unknown> = z
  .object({ ...header, signal: signalSchema })
  .strict();

export const executionReportSchema: z.ZodType<ExecutionReport, z.ZodTypeDef, unknown> = z
  .object({
    ...header,
    execution: z.object({ signalSequence: uint(64), fills: z.array(fillSchema).min(1).max(64) }).strict(),
  })
  .strict();

export const navReportSchema: z.ZodType<NavReport, z.ZodTypeDef, unknown> = z
  .object({ ...header, nav: navSchema })
  .strict();

export const reportSchemas = {
  [Stream.Signal]: signalReportSchema,
  [Stream.Execution]: executionReportSchema,
  [Stream.Nav]: navReportSchema,
} as const;

/** JSON-ready copy of a report (bigints as decimal strings), the inverse of the schemas above. */
export function reportToJson(report: unknown): unknown {
  return JSON.parse(JSON.stringify(report, (_k, v) => (typeof v === "bigint" ? v.toString() : v)));
}
