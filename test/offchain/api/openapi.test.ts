import { assert } from "chai";
import type { Provider } from "ethers";
import type { Express } from "express";
import { createApiContext } from "../../../offchain/api/ApiContext.js";
import { ApiKeyStore } from "../../../offchain/api/ApiKeyStore.js";
import { openApiPath } from "../../../offchain/api/buildOpenApi.js";
import { createApiApp } from "../../../offchain/api/createApiApp.js";
import { startApiServer } from "../../../offchain/api/startApiServer.js";

/** GET paths Express actually serves, read from its router (not from our route list). */
function servedGetPaths(app: Express): string[] {
  const stack = (
    app as unknown as {
      router: { stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }> };
    }
  ).router.stack;
  return (
    stack
      // `app.all` fallbacks (405) register every method; a GET route registers only `get`.
      .filter((l) => l.route?.methods.get && Object.keys(l.route.methods).length === 1)
      .map((l) => l.route!.path)
      .sort()
  );
}

function collectRefs(node: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => collectRefs(n, out));
  else if (node && typeof node === "object")
    for (const [k, v] of Object.entries(node)) {
      if (k === "$ref" && typeof v === "string") out.add(v);
      else collectRefs(v, out);
    }
  return out;
}

describe("OpenAPI document", () => {
  const keys = ApiKeyStore.open(":memory:");
  const ctx = createApiContext({
    provider: {} as Provider,
    deployment: {
      network: "x",
      chainId: 31337,
      contracts: {
        TradeLedger: { address: "0x" + "1".repeat(40), block: 1 },
        SigilVault: { address: "0x" + "2".repeat(40), block: 1 },
        RiskPolicy: { address: "0x" + "3".repeat(40), block: 1 },
      },
      assets: [],
      parameters: { assetDecimals: 6 },
    },
    keys,
    runsDir: "/nonexistent",
    artefactsDir: "/nonexistent",
  });
  const { app } = createApiApp(ctx);
  let doc: {
    openapi: string;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON document, walked by the tests
    paths: Record<string, Record<string, any>>;
    components: { schemas: Record<string, unknown> };
  };

  before(async () => {
    const server = await startApiServer(app);
    try {
      const r = await fetch(`${server.url}/v1/openapi.json`);
      assert.equal(r.status, 200, "served without a key");
      doc = (await r.json()) as typeof doc;
    } finally {
      await server.close();
    }
  });
  after(() => keys.close());

  it("is OpenAPI 3.1", () => {
    assert.match(doc.openapi, /^3\.1\./);
  });

  it("documents every route Express serves, and nothing it does not", () => {
    const served = servedGetPaths(app).map(openApiPath);
    assert.isAtLeast(served.length, 13);
    assert.deepEqual(Object.keys(doc.paths).sort(), served);
  });

  it("every data route is versioned under /v1", () => {
    for (const p of Object.keys(doc.paths)) if (p !== "/health" && p !== "/ready") assert.match(p, /^\/v1\//);
  });

  it("every operation has a 200 schema, a 400, and 401/429 when it needs a key", () => {
    for (const [path, item] of Object.entries(doc.paths)) {
      const op = item.get;
      assert.isObject(op.responses[200].content["application/json"].schema, path);
      assert.property(op.responses, "400", path);
      const open = Array.isArray(op.security) && op.security.length === 0;
      if (!open) {
        assert.property(op.responses, "401", path);
        assert.property(op.responses, "429", path);
      }
      for (const name of [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))
        assert.isTrue(
          op.parameters.some((p: { in: string; name: string }) => p.in === "path" && p.name === name),
          `${path} documents path parameter ${name}`,
        );
    }
  });

  it("documents query parameters with their limits", () => {
    const params = doc.paths["/v1/trades"]!.get.parameters as Array<{
      name: string;
      schema: Record<string, unknown>;
    }>;
    assert.sameMembers(
      params.map((p) => p.name),
      ["limit", "offset", "order", "asset", "signal"],
    );
    const limit = params.find((p) => p.name === "limit")!;
    assert.include(limit.schema, { minimum: 1, maximum: 500, default: 50 });
  });

  it("every $ref resolves to a component", () => {
    for (const ref of collectRefs(doc, new Set())) {
      const m = /^#\/components\/schemas\/(.+)$/.exec(ref);
      assert.isNotNull(m, ref);
      assert.property(doc.components.schemas, m![1]!, ref);
    }
  });
});
