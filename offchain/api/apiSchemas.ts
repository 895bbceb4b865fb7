import { z } from "zod/v4";

/**
 * The API's wire schemas: query validation (strict, so unknown parameters are 400s) and response
 * shapes. The OpenAPI document is generated from these, so docs and validation cannot drift.
 * uint256/int256 values are decimal strings; hashes are 0x-prefixed hex.
 */

const uint = z.string().regex(/^\d+$/).describe("unsigned integer as a decimal string");
const int = z
  .string()
  .regex(/^-?\d+$/)
  .describe("signed integer as a decimal string");
const hash = z.string().regex(/^0x[0-9a-fA-F]{64}$/);

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().describe("stable machine-readable code, e.g. BAD_REQUEST, RATE_LIMITED"),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: "Error" });

const pageFields = {
  limit: z.coerce.number().int().min(1).max(500).default(50).describe("items per page (1–500)"),
  offset: z.coerce.number().int().min(0).default(0).describe("items to skip"),
  order: z.enum(["asc", "desc"]).default("asc").describe("chain/file order or its reverse"),
};
export const PageQuery = z.strictObject(pageFields);
export type PageQuery = z.infer<typeof PageQuery>;

export const SignalsQuery = z.strictObject({
  ...pageFields,
  status: z.enum(["accepted", "rejected"]).optional(),
});
export const TradesQuery = z.strictObject({
  ...pageFields,
  asset: z
    .string()
    .regex(/^([0-9]|1[0-5]|[A-Za-z][A-Za-z0-9]{0,15})$/)
    .optional()
    .describe("risk-policy asset index (0–15) or symbol, e.g. BTC"),
  signal: z.coerce.number().int().min(0).optional().describe("signal sequence the fills execute"),
});
export const EmptyQuery = z.strictObject({});
export const IdParams = z.strictObject({ id: z.string().min(1).max(128) });

const page = z.object({
  offset: z.number().int(),
  limit: z.number().int(),
  total: z.number().int(),
  nextOffset: z.number().int().nullable().describe("offset of the next page, null on the last"),
});
const list = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), page });
const chainList = <T extends z.ZodType>(item: T) =>
  list(item).extend({ indexedToBlock: z.number().int().describe("last block whose events are included") });

const location = {
  blockNumber: z.number().int(),
  logIndex: z.number().int(),
  transactionHash: hash,
  blockTimestamp: z.number().int().describe("seconds"),
};
const targetWeight = z.object({
  asset: z.number().int(),
  symbol: z.string().nullable(),
  weightBps: z.number().int(),
});

export const NavPointSchema = z
  .object({
    ...location,
    epoch: z.number().int(),
    navSequence: z.number().int(),
    reportHash: hash,
    totalAssets: uint,
    totalSupply: uint,
    pricePerShare: uint.describe("assets per whole share, 1e18 scale"),
    depositAssets: uint,
    depositShares: uint,
    redeemShares: uint,
    redeemAssets: uint,
  })
  .meta({ id: "NavPoint" });

export const SignalSchema = z
  .object({
    ...location,
    sequence: z.number().int(),
    reportHash: hash,
    status: z.enum(["accepted", "rejected"]),
    reason: z.object({ code: z.number().int(), name: z.string() }).describe("IRiskPolicy.Violation"),
    runHash: hash,
    inputsHash: hash,
    modelHash: hash,
    decisionTime: z.number().int().describe("seconds"),
    flags: z.number().int(),
    targetsPacked: uint,
    targets: z.array(targetWeight),
    head: hash,
  })
  .meta({ id: "Signal" });

export const TradeSchema = z
  .object({
    ...location,
    executionSequence: z.number().int(),
    signalSequence: z.number().int(),
    asset: z.number().int(),
    symbol: z.string().nullable(),
    fillHash: hash,
    quantityE8: int,
    priceE8: uint,
    feeE8: uint,
    orderRef: hash,
    fillTime: z.number().int().describe("seconds"),
    positionE8: int,
    violations: z.object({ mask: z.number().int(), names: z.array(z.string()) }),
    head: hash,
  })
  .meta({ id: "Trade" });

export const PortfolioSchema = z
  .object({
    blockNumber: z.number().int(),
    killLevel: z.object({ code: z.number().int(), name: z.string() }),
    ledger: z.object({
      head: hash,
      signalSequence: z.number().int(),
      executionSequence: z.number().int(),
      lastAcceptedSignal: z.number().int(),
      targetsPacked: uint,
    }),
    vault: z.object({
      epoch: z.number().int(),
      totalAssets: uint,
      totalSupply: uint,
      pricePerShare: uint,
      highWaterMark: uint,
      offchainEquity: int.describe(
        "booked venue equity (negative while returned profit is not yet reported)",
      ),
      lastNav: z.object({ totalAssets: uint, timestamp: z.number().int() }),
      assetDecimals: z.number().int(),
    }),
    assets: z.array(
      z.object({ asset: z.number().int(), symbol: z.string(), targetBps: z.number().int(), positionE8: int }),
    ),
  })
  .meta({ id: "Portfolio" });

const chainStatus = z
  .object({
    ok: z.boolean(),
    firstBadLine: z.number().int().nullable(),
    reason: z.string().nullable(),
    head: hash,
    expectedHead: hash.nullable(),
    decisions: z.number().int(),
    amendments: z.number().int(),
  })
  .meta({ id: "ChainStatus" });

export const RunInfoSchema = z
  .object({
    id: z.string(),
    runId: z.string().nullable(),
    lines: z.number().int(),
    chain: chainStatus,
    modifiedAt: z.number().int(),
  })
  .meta({ id: "RunInfo" });

const runLine = z
  .looseObject({ hash, prevHash: hash })
  .describe("a run_log.jsonl line: a decision record or an amendment ({kind: 'amendment', ...})");

export const NavListResponse = chainList(NavPointSchema);
export const SignalListResponse = chainList(SignalSchema);
export const TradeListResponse = chainList(TradeSchema);
export const RunListResponse = list(RunInfoSchema);
export const RunRecordsResponse = list(runLine).extend({ run: RunInfoSchema });
export const BacktestListResponse = list(z.object({ id: z.string(), summary: z.looseObject({}) }));
export const BacktestResponse = z.object({
  id: z.string(),
  summary: z.looseObject({}),
  analysis: z.looseObject({}).nullable().describe("analysis.json, null when the run has none"),
  chain: chainStatus.nullable(),
});
export const ModelListResponse = list(
  z.object({
    id: z.string(),
    name: z.string().nullable(),
    kind: z.string().nullable(),
    versionHash: z.string().nullable(),
    featuresVersion: z.string().nullable(),
    validated: z.boolean(),
  }),
);
export const ModelCardResponse = z.looseObject({}).describe("model-card.json as written by `sigil train`");
export const HealthResponse = z.object({ status: z.literal("ok") });
export const ReadyResponse = z.object({
  status: z.literal("ready"),
  chainId: z.number().int(),
  headBlock: z.number().int(),
  indexedToBlock: z.number().int(),
});
export const OpenApiResponse = z.looseObject({ openapi: z.string() });
