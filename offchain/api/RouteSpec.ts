import type { Response } from "express";
import type { z } from "zod/v4";

/** Validated input of one request. */
export interface RouteInput<P, Q> {
  readonly params: P;
  readonly query: Q;
  readonly res: Response;
}

/**
 * One GET route: its path (Express syntax, `:id`), documentation, input schemas and handler. The
 * app registers routes only from these specs and the OpenAPI document is generated from the same
 * list, so every served route is documented (a test also walks Express's router to check it).
 */
export interface RouteSpec {
  readonly path: string;
  readonly summary: string;
  readonly tag: string;
  /** Requires an API key (and counts against its rate limit and quota). */
  readonly auth: boolean;
  readonly params?: z.ZodObject;
  readonly query: z.ZodObject;
  readonly response: z.ZodType;
  /** Extra documented outcomes besides 200 and the standard errors, e.g. 404 or 503. */
  readonly errors?: readonly number[];
  readonly handler: (input: RouteInput<never, never>) => unknown;
}

/** Typed constructor: the handler sees the parsed params and query of its own schemas. */
export function defineRoute<Q extends z.ZodObject, P extends z.ZodObject | undefined = undefined>(spec: {
  readonly path: string;
  readonly summary: string;
  readonly tag: string;
  readonly auth: boolean;
  readonly params?: P;
  readonly query: Q;
  readonly response: z.ZodType;
  readonly errors?: readonly number[];
  readonly handler: (
    input: RouteInput<P extends z.ZodObject ? z.output<P> : Record<string, never>, z.output<Q>>,
  ) => unknown;
}): RouteSpec {
  return spec as unknown as RouteSpec;
}
