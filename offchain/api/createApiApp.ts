import express from "express";
import type { Express, NextFunction, Request, Response } from "express";
import type { z } from "zod/v4";
import type { ApiContext } from "./ApiContext.js";
import { apiKeyAuth } from "./apiKeyAuth.js";
import { buildOpenApi } from "./buildOpenApi.js";
import { ApiError, BadRequestError, NotFoundError } from "./errors.js";
import { apiRoutes } from "./routes.js";
import type { RouteSpec } from "./RouteSpec.js";

export interface ApiAppOptions {
  /** Where unexpected (500) errors are reported; their details never reach the client. */
  readonly logError?: (err: unknown, req: Request) => void;
}

function parseOrThrow<T extends z.ZodObject>(schema: T, value: unknown, what: string): z.output<T> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => ({
    path: i.path.join("."),
    code: i.code,
    message: i.message,
    ...(i.code === "unrecognized_keys" ? { keys: i.keys } : {}),
  }));
  throw new BadRequestError(
    `invalid ${what}: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join("; ")}`,
    issues,
  );
}

/** `{ error: { code, message, details? } }` with the error's status; 500s say nothing internal. */
function sendError(err: unknown, req: Request, res: Response, options: ApiAppOptions): void {
  if (err instanceof ApiError) {
    if (err.retryAfterSeconds !== undefined) res.set("Retry-After", String(err.retryAfterSeconds));
    res.status(err.status).json({
      error: {
        code: err.code,
        message: err.message,
        ...(err.clientDetails === undefined ? {} : { details: err.clientDetails }),
      },
    });
    return;
  }
  (options.logError ?? ((e) => console.error(e)))(err, req);
  res.status(500).json({ error: { code: "INTERNAL", message: "internal error; the incident was logged" } });
}

/**
 * The Express app: every route from `apiRoutes` (GET only), keys checked where a route needs them,
 * query and path parameters validated (unknown parameters are 400s), JSON errors throughout, and
 * the OpenAPI document built from the same route list.
 */
export function createApiApp(
  ctx: ApiContext,
  options: ApiAppOptions = {},
): { app: Express; routes: RouteSpec[] } {
  const app = express();
  app.disable("x-powered-by");
  app.set("query parser", "simple");
  // The document route serves the document built from the list it belongs to, hence the late binding.
  const holder: { doc?: unknown } = {};
  const routes = apiRoutes(ctx, () => holder.doc);
  holder.doc = buildOpenApi(routes, { title: "Sigil API", version: "1.0.0" });
  const auth = apiKeyAuth(ctx.keys, ctx.now);

  for (const route of routes) {
    const handle = async (req: Request, res: Response): Promise<void> => {
      const query = parseOrThrow(route.query, req.query, "query");
      const params = route.params ? parseOrThrow(route.params, req.params, "path") : {};
      const body = await route.handler({ params, query, res } as never);
      res.json(body);
    };
    if (route.auth) app.get(route.path, auth, handle);
    else app.get(route.path, handle);
    app.all(route.path, (req: Request) => {
      throw new ApiError(405, "METHOD_NOT_ALLOWED", `${req.method} is not allowed on ${route.path}; use GET`);
    });
  }
  app.use((req: Request) => {
    throw new NotFoundError("ROUTE_NOT_FOUND", `no route ${req.method} ${req.path}; see /v1/openapi.json`);
  });
  // Express recognises error handlers by their four parameters.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) =>
    sendError(err, req, res, options),
  );
  return { app, routes };
}
