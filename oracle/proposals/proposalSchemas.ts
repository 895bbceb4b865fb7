import { z } from "zod";
import { executionReportSchema, navReportSchema, signalReportSchema } from "./reportSchemas.js";

/**
 * What the engine sends a node with each report: the report itself and the context a node needs to
 * check it independently.
 */
const priceE8 = z
  .union([z.string().regex(/^\d+$/), z.number().int().positive().safe()])
  .transform((v) => BigInt(v))
  .refine((v) => v > 0n, "price must be positive");

export const signalProposalSchema = z
  .object({
    report: signalReportSchema,
    context: z
      .object({
        /** Where the input snapshot can be fetched (content-addressed by the signal's inputsHash). */
        inputSnapshotRef: z.string().min(1).max(512),
        /** The prices the decision was made at, per asset index with a non-zero target (8 decimals). */
        referencePrices: z
          .array(z.object({ asset: z.number().int().min(0).max(15), priceE8 }).strict())
          .max(16),
      })
      .strict(),
  })
  .strict();
export type SignalProposal = z.output<typeof signalProposalSchema>;

export const executionProposalSchema = z
  .object({
    report: executionReportSchema,
    context: z
      .object({
        /** Per fill, in report order: the venue's order id and our client order id (orderRef = keccak256 of it). */
        orders: z
          .array(
            z
              .object({ venueOrderId: z.string().min(1).max(128), clientOrderId: z.string().min(1).max(128) })
              .strict(),
          )
          .min(1)
          .max(64),
      })
      .strict(),
  })
  .strict()
  .refine((p) => p.context.orders.length === p.report.execution.fills.length, {
    message: "context.orders must list one order per fill",
  });
export type ExecutionProposal = z.output<typeof executionProposalSchema>;

export const navProposalSchema = z
  .object({
    report: navReportSchema,
    context: z
      .object({
        /** Venue account the equity was read from (informational; the node reads the venue itself). */
        venueAccount: z.string().min(1).max(128).optional(),
      })
      .strict(),
  })
  .strict();
export type NavProposal = z.output<typeof navProposalSchema>;
