import { expect } from "chai";
import type { AddressInfo } from "node:net";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { CryptoPanicNewsSource } from "../../../offchain/sentiment/CryptoPanicNewsSource.js";
import {
  NewsSourceFatalError,
  NewsSourceRetryableError,
  SentimentInputError,
} from "../../../offchain/sentiment/errors.js";

type Handler = (req: IncomingMessage, res: ServerResponse, base: string) => void;

/** A stand-in API on 127.0.0.1 (ephemeral port); `handler` decides each answer. */
async function withServer(
  handler: Handler,
  run: (base: string, seen: string[]) => Promise<void>,
): Promise<void> {
  const seen: string[] = [];
  let base = "";
  const server: Server = createServer((req, res) => {
    seen.push(req.url ?? "");
    handler(req, res, base);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    await run(base, seen);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
}

const post = (title: string, iso: string, codes: string[] = []) => ({
  kind: "news",
  title,
  published_at: iso,
  source: { title: "StandIn", domain: "example.org" },
  currencies: codes.map((code) => ({ code, title: code, slug: code.toLowerCase() })),
});

async function expectReject(
  p: Promise<unknown>,
  cls: new (...a: never[]) => Error,
  re: RegExp,
): Promise<void> {
  try {
    await p;
  } catch (e) {
    expect(e).to.be.instanceOf(cls);
    expect((e as Error).message).to.match(re);
    return;
  }
  expect.fail("expected a rejection");
}

describe("sentiment: CryptoPanic-style HTTP adapter against a local stand-in", () => {
  const range = { from: Date.parse("2022-01-01T00:00:00Z"), to: Date.parse("2022-01-04T00:00:00Z") };

  it("pages through `next`, filters the range, sorts ascending, reads tags, sends the query", async () => {
    await withServer(
      (req, res, base) => {
        res.setHeader("content-type", "application/json");
        const page2 = req.url!.includes("page=2");
        res.end(
          JSON.stringify(
            page2
              ? {
                  next: null,
                  results: [
                    post("Ether rallies", "2022-01-01T10:00:00Z", ["ETH"]),
                    post("Old news", "2021-12-30T10:00:00Z"),
                  ],
                }
              : {
                  next: `${base}/api/v1/posts/?page=2`,
                  results: [
                    post("Too new", "2022-01-05T00:00:00Z"),
                    post("Bitcoin plunges", "2022-01-03T09:00:00Z", ["BTC"]),
                  ],
                },
          ),
        );
      },
      async (base, seen) => {
        const src = new CryptoPanicNewsSource({ baseUrl: base, authToken: "secret" });
        const h = await src.fetchHeadlines(range, { currencies: ["BTC", "ETH"] });
        expect(h.map((x) => x.text)).to.deep.equal(["Ether rallies", "Bitcoin plunges"]);
        expect(h[0]!.tagged).to.deep.equal(["ETH"]);
        expect(h[1]!.timestamp).to.equal(Date.parse("2022-01-03T09:00:00Z"));
        expect(seen[0]).to.match(/^\/api\/v1\/posts\/\?auth_token=secret&currencies=BTC%2CETH/);
        expect(seen.length).to.equal(2);
      },
    );
  });

  it("HTTP 500 and 429 are retryable; 401 is fatal; the token is never echoed", async () => {
    for (const [status, cls, re] of [
      [500, NewsSourceRetryableError, /HTTP 500.*retry/],
      [429, NewsSourceRetryableError, /HTTP 429.*retry after 7 s/],
      [401, NewsSourceFatalError, /HTTP 401.*auth token/],
    ] as const) {
      await withServer(
        (_req, res) => {
          res.statusCode = status;
          res.setHeader("retry-after", "7");
          res.end("{}");
        },
        async (base) => {
          const p = new CryptoPanicNewsSource({ baseUrl: base, authToken: "secret" }).fetchHeadlines(range);
          await expectReject(p, cls, re);
          await p.catch((e: Error) => expect(e.message).to.not.include("secret"));
        },
      );
    }
  });

  it("a server that never answers times out as retryable", async () => {
    await withServer(
      () => {
        /* hold the request open */
      },
      async (base) => {
        const src = new CryptoPanicNewsSource({ baseUrl: base, timeoutMs: 150 });
        await expectReject(src.fetchHeadlines(range), NewsSourceRetryableError, /within 150 ms/);
      },
    );
  });

  it("malformed payloads are fatal and name the field", async () => {
    const bodies: [string, RegExp][] = [
      ["<html>maintenance</html>", /not JSON/],
      [JSON.stringify({ results: "nope" }), /`results` is not an array/],
      [
        JSON.stringify({ results: [{ title: "x", published_at: "yesterday" }] }),
        /results\[0\]\.published_at/,
      ],
      [JSON.stringify({ results: [{ published_at: "2022-01-02T00:00:00Z" }] }), /results\[0\]\.title/],
      [JSON.stringify({ results: [], next: "http://elsewhere.invalid/p2" }), /another origin/],
    ];
    for (const [body, re] of bodies)
      await withServer(
        (_req, res) => res.end(body),
        async (base) => {
          await expectReject(
            new CryptoPanicNewsSource({ baseUrl: base }).fetchHeadlines(range),
            NewsSourceFatalError,
            re,
          );
        },
      );
  });

  it("connection refused is retryable; a bad base URL is an input error", async () => {
    let port = 0;
    await withServer(
      (_q, r) => r.end(),
      async (base) => {
        port = Number(new URL(base).port);
      },
    );
    const src = new CryptoPanicNewsSource({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 2000 });
    await expectReject(src.fetchHeadlines(range), NewsSourceRetryableError, /network error/);
    expect(() => new CryptoPanicNewsSource({ baseUrl: "not a url" })).to.throw(SentimentInputError);
  });
});
