import {
  BacktestListResponse,
  BacktestResponse,
  EmptyQuery,
  HealthResponse,
  IdParams,
  ModelCardResponse,
  ModelListResponse,
  NavListResponse,
  OpenApiResponse,
  PageQuery,
  PortfolioSchema,
  ReadyResponse,
  RunListResponse,
  RunRecordsResponse,
  SignalListResponse,
  SignalsQuery,
  TradeListResponse,
  TradesQuery,
} from "./apiSchemas.js";
import type { ApiContext } from "./ApiContext.js";
import { BadRequestError, UnavailableError } from "./errors.js";
import { paginate } from "./paginate.js";
import { defineRoute } from "./RouteSpec.js";
import type { RouteSpec } from "./RouteSpec.js";
import { withDeadline } from "./withDeadline.js";

/** URL prefix of the current API version; a breaking change gets `/v2` beside it. */
export const API_PREFIX = "/v1";

/**
 * Brings the event cache up to date before a chain read. When the node fails but the cache has
 * been filled before, the cached events are served (`indexedToBlock` says how fresh they are);
 * with nothing cached it is a 503.
 */
async function freshIndex(ctx: ApiContext): Promise<void> {
  try {
    await ctx.indexer.refresh();
  } catch (e) {
    if (ctx.indexer.indexedToBlock < 0 || ctx.indexer.headBlock < 0)
      throw new UnavailableError("RPC_UNAVAILABLE", `cannot read the chain: ${(e as Error).message}`);
  }
}

/** Every route of the API, system routes first. `openApi` serves the document built from them. */
export function apiRoutes(ctx: ApiContext, openApi: () => unknown): RouteSpec[] {
  const assetIndex = (asset: string): number => {
    if (/^\d+$/.test(asset)) return Number(asset);
    const a = ctx.deployment.assets.find((x) => x.symbol.toUpperCase() === asset.toUpperCase());
    if (!a)
      throw new BadRequestError(
        `unknown asset "${asset}"; listed: ${ctx.deployment.assets.map((x) => x.symbol).join(", ")}`,
      );
    return a.index;
  };
  return [
    defineRoute({
      path: "/health",
      summary: "Liveness: the process is up",
      tag: "system",
      auth: false,
      query: EmptyQuery,
      response: HealthResponse,
      handler: () => ({ status: "ok" }),
    }),
    defineRoute({
      path: "/ready",
      summary: "Readiness: deployment loaded and the RPC node reachable on the deployment's chain",
      tag: "system",
      auth: false,
      query: EmptyQuery,
      response: ReadyResponse,
      errors: [503],
      handler: async () => {
        const timeout = () =>
          new UnavailableError("NOT_READY", `RPC node did not answer within ${ctx.readyTimeoutMs} ms`);
        let chainId: number;
        let headBlock: number;
        try {
          const [net, head] = await withDeadline(
            Promise.all([ctx.provider.getNetwork(), ctx.provider.getBlockNumber()]),
            ctx.readyTimeoutMs,
            timeout,
          );
          chainId = Number(net.chainId);
          headBlock = head;
        } catch (e) {
          if (e instanceof UnavailableError) throw e;
          throw new UnavailableError("NOT_READY", `RPC node unreachable: ${(e as Error).message}`);
        }
        if (chainId !== ctx.deployment.chainId)
          throw new UnavailableError(
            "NOT_READY",
            `RPC node is on chain ${chainId} but the deployment is for chain ${ctx.deployment.chainId}`,
          );
        return { status: "ready", chainId, headBlock, indexedToBlock: ctx.indexer.indexedToBlock };
      },
    }),
    defineRoute({
      path: `${API_PREFIX}/openapi.json`,
      summary: "This OpenAPI 3.1 document",
      tag: "system",
      auth: false,
      query: EmptyQuery,
      response: OpenApiResponse,
      handler: () => openApi(),
    }),
    defineRoute({
      path: `${API_PREFIX}/portfolio`,
      summary: "Current target weights (TradeLedger), ledger positions, kill level and vault state",
      tag: "chain",
      auth: true,
      query: EmptyQuery,
      response: PortfolioSchema,
      errors: [503],
      handler: async () => {
        await freshIndex(ctx);
        try {
          return await ctx.portfolio.at(ctx.indexer.headBlock);
        } catch (e) {
          throw new UnavailableError("RPC_UNAVAILABLE", `cannot read the chain: ${(e as Error).message}`);
        }
      },
    }),
    defineRoute({
      path: `${API_PREFIX}/nav`,
      summary: "NAV history: one point per settled epoch (EpochSettled)",
      tag: "chain",
      auth: true,
      query: PageQuery,
      response: NavListResponse,
      errors: [503],
      handler: async ({ query }) => {
        await freshIndex(ctx);
        return { ...paginate(ctx.indexer.navHistory, query), indexedToBlock: ctx.indexer.indexedToBlock };
      },
    }),
    defineRoute({
      path: `${API_PREFIX}/signals`,
      summary: "Signals accepted or rejected by the TradeLedger, with the violation that rejected them",
      tag: "chain",
      auth: true,
      query: SignalsQuery,
      response: SignalListResponse,
      errors: [503],
      handler: async ({ query }) => {
        await freshIndex(ctx);
        const all = query.status
          ? ctx.indexer.signals.filter((s) => s.status === query.status)
          : ctx.indexer.signals;
        return { ...paginate(all, query), indexedToBlock: ctx.indexer.indexedToBlock };
      },
    }),
    defineRoute({
      path: `${API_PREFIX}/trades`,
      summary: "Recorded fills (TradeRecorded) with decoded violation bits; filter by asset and signal",
      tag: "chain",
      auth: true,
      query: TradesQuery,
      response: TradeListResponse,
      errors: [503],
      handler: async ({ query }) => {
        const asset = query.asset === undefined ? undefined : assetIndex(query.asset);
        await freshIndex(ctx);
        const all = ctx.indexer.trades.filter(
          (t) =>
            (asset === undefined || t.asset === asset) &&
            (query.signal === undefined || t.signalSequence === query.signal),
        );
        return { ...paginate(all, query), indexedToBlock: ctx.indexer.indexedToBlock };
      },
    }),
    defineRoute({
      path: `${API_PREFIX}/runs`,
      summary: "Run directories with a run_log.jsonl and the status of each hash chain",
      tag: "runs",
      auth: true,
      query: PageQuery,
      response: RunListResponse,
      handler: ({ query }) => paginate(ctx.runs.runs(), query),
    }),
    defineRoute({
      path: `${API_PREFIX}/runs/:id`,
      summary: "One run's chain status and its verified run-log lines (decisions and amendments)",
      tag: "runs",
      auth: true,
      params: IdParams,
      query: PageQuery,
      response: RunRecordsResponse,
      errors: [404],
      handler: ({ params, query }) => {
        const r = ctx.runs.run(params.id);
        return { run: r.info, ...paginate(r.lines, query) };
      },
    }),
    defineRoute({
      path: `${API_PREFIX}/backtests`,
      summary: "Backtest run directories (summary.json)",
      tag: "runs",
      auth: true,
      query: PageQuery,
      response: BacktestListResponse,
      handler: ({ query }) => paginate(ctx.runs.backtests(), query),
    }),
    defineRoute({
      path: `${API_PREFIX}/backtests/:id`,
      summary: "One backtest: summary, analysis and run-log chain status",
      tag: "runs",
      auth: true,
      params: IdParams,
      query: EmptyQuery,
      response: BacktestResponse,
      errors: [404],
      handler: ({ params }) => ctx.runs.backtest(params.id),
    }),
    defineRoute({
      path: `${API_PREFIX}/models`,
      summary: "Model artefacts with a model card",
      tag: "models",
      auth: true,
      query: PageQuery,
      response: ModelListResponse,
      handler: ({ query }) => paginate(ctx.models.list(), query),
    }),
    defineRoute({
      path: `${API_PREFIX}/models/:id`,
      summary: "One model card (model-card.json)",
      tag: "models",
      auth: true,
      params: IdParams,
      query: EmptyQuery,
      response: ModelCardResponse,
      errors: [404],
      handler: ({ params }) => ctx.models.get(params.id),
    }),
  ];
}
