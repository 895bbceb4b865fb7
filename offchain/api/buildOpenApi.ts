import { z } from "zod/v4";
import { ErrorBody } from "./apiSchemas.js";
import type { RouteSpec } from "./RouteSpec.js";

type Json = Record<string, unknown>;

const STATUS_TEXT: Record<number, string> = {
  400: "Malformed input (unknown or invalid parameters)",
  401: "Missing, invalid or revoked API key",
  404: "Not found",
  429: "Rate limit or daily quota exceeded; see Retry-After",
  503: "A dependency (RPC node, deployment) is unavailable; see Retry-After",
};

/** Express `/v1/runs/:id` → OpenAPI `/v1/runs/{id}`. */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, "{$1}");
}

/**
 * zod → JSON Schema (2020-12, which OpenAPI 3.1 uses), with named sub-schemas (`.meta({ id })`)
 * hoisted into `components.schemas` and their `$ref`s pointed there.
 */
function toSchema(schema: z.ZodType, components: Json): Json {
  const raw = z.toJSONSchema(schema, { unrepresentable: "any" }) as Json;
  const text = JSON.stringify(raw).replaceAll('"#/$defs/', '"#/components/schemas/');
  const out = JSON.parse(text) as Json;
  const defs = (out.$defs ?? {}) as Json;
  for (const [name, def] of Object.entries(defs)) components[name] = def;
  delete out.$defs;
  delete out.$schema;
  if (typeof out.id === "string") {
    // The root itself is a named schema: register it and refer to it.
    const id = out.id;
    delete out.id;
    components[id] = out;
    return { $ref: `#/components/schemas/${id}` };
  }
  return out;
}

/** The OpenAPI 3.1 document of `routes`. */
export function buildOpenApi(routes: readonly RouteSpec[], info: { title: string; version: string }): Json {
  const components: Json = {};
  const errorRef = toSchema(ErrorBody, components);
  const paths: Record<string, Json> = {};
  for (const r of routes) {
    const parameters: Json[] = [];
    for (const [where, obj] of [
      ["path", r.params],
      ["query", r.query],
    ] as const) {
      if (!obj) continue;
      for (const [name, field] of Object.entries(obj.shape)) {
        const schema = toSchema(field as z.ZodType, components);
        const { description, ...rest } = schema;
        parameters.push({
          name,
          in: where,
          required: where === "path" || !(field as z.ZodType).safeParse(undefined).success,
          ...(description === undefined ? {} : { description }),
          schema: rest,
        });
      }
    }
    const responses: Json = {
      200: {
        description: "OK",
        content: { "application/json": { schema: toSchema(r.response, components) } },
      },
    };
    const statuses = new Set([400, ...(r.auth ? [401, 429] : []), ...(r.errors ?? [])]);
    for (const s of [...statuses].sort())
      responses[s] = {
        description: STATUS_TEXT[s] ?? "Error",
        content: { "application/json": { schema: errorRef } },
      };
    paths[openApiPath(r.path)] = {
      get: {
        summary: r.summary,
        tags: [r.tag],
        operationId: r.path.replace(/[^A-Za-z0-9]+/g, "_").replace(/^_|_$/g, ""),
        ...(r.auth ? {} : { security: [] }),
        parameters,
        responses,
      },
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      ...info,
      description:
        "Read API of the Sigil trading system: chain state (portfolio, NAV, signals, trades) and run artefacts (run logs, backtests, model cards).",
    },
    servers: [{ url: "/" }],
    security: [{ bearerAuth: [] }, { apiKeyHeader: [] }],
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        bearerAuth: {
          type: "http",
          scheme: "bearer",
          description: "Authorization: Bearer sgl_<id>_<secret>",
        },
        apiKeyHeader: { type: "apiKey", in: "header", name: "X-API-Key" },
      },
    },
  };
}
