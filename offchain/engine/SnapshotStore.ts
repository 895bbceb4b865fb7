import { mkdirSync, writeFileSync, renameSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import {
  parseInputSnapshot,
  snapshotHash,
  snapshotJson,
  SnapshotIntegrityError,
  SnapshotUnavailableError,
  type InputSnapshot,
} from "./InputSnapshot.js";

const HASH = /^0x[0-9a-f]{64}$/;

/** Where a recomputing node fetches snapshots by hash; every read verifies the hash. */
export interface SnapshotSource {
  get(hash: string): Promise<InputSnapshot>;
}

/** The reference a signal proposal carries for a snapshot. */
export const snapshotRef = (hash: string): string => `snapshot://${hash}`;

/** The hash named by a `snapshot://<hash>` reference, else undefined. */
export function hashOfRef(ref: string): string | undefined {
  const m = /^snapshot:\/\/(0x[0-9a-fA-F]{64})$/.exec(ref);
  return m ? m[1]!.toLowerCase() : undefined;
}

function checkHash(hash: string): string {
  const h = hash.toLowerCase();
  // Also keeps a hostile hash out of file paths and URLs.
  if (!HASH.test(h)) throw new SnapshotIntegrityError(`"${hash}" is not a 32-byte hex hash`);
  return h;
}

/** A directory of `<hash>.json` files, each the snapshot's canonical JSON. */
export class DirectorySnapshotStore implements SnapshotSource {
  constructor(readonly dir: string) {}

  /** Write a snapshot (atomically: a reader never sees half a file) and return its hash. */
  put(snapshot: InputSnapshot): string {
    const hash = snapshotHash(snapshot);
    mkdirSync(this.dir, { recursive: true });
    const file = join(this.dir, `${hash}.json`);
    writeFileSync(`${file}.tmp`, snapshotJson(snapshot));
    renameSync(`${file}.tmp`, file);
    return hash;
  }

  /** The raw bytes stored for a hash (what the HTTP endpoint serves). */
  async raw(hash: string): Promise<string> {
    const h = checkHash(hash);
    try {
      return await readFile(join(this.dir, `${h}.json`), "utf8");
    } catch (cause) {
      throw new SnapshotUnavailableError(`no snapshot ${h} in ${this.dir}`, { cause });
    }
  }

  async get(hash: string): Promise<InputSnapshot> {
    return parseInputSnapshot(await this.raw(hash), checkHash(hash));
  }
}

/** Snapshots fetched from an engine's endpoint: `GET <baseUrl>/<hash>.json`. */
export class HttpSnapshotSource implements SnapshotSource {
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs = 5_000,
  ) {}

  async get(hash: string): Promise<InputSnapshot> {
    const h = checkHash(hash);
    const url = `${this.baseUrl.replace(/\/+$/, "")}/${h}.json`;
    let text: string;
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(this.timeoutMs) });
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      text = await r.text();
    } catch (cause) {
      throw new SnapshotUnavailableError(`cannot fetch snapshot ${h} from ${url}: ${String(cause)}`, {
        cause,
      });
    }
    // The endpoint is not trusted: the bytes are checked against the hash here.
    return parseInputSnapshot(text, h);
  }
}

/** Serve a store read-only over HTTP (`GET /<hash>.json`) so oracle nodes can fetch by hash. */
export async function serveSnapshots(
  store: DirectorySnapshotStore,
  listen: { host?: string; port?: number } = {},
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const m = /^\/(0x[0-9a-fA-F]{64})\.json$/.exec(req.url ?? "");
    if (req.method !== "GET" || !m) {
      res.writeHead(404).end();
      return;
    }
    store.raw(m[1]!).then(
      (body) => res.writeHead(200, { "content-type": "application/json" }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  const host = listen.host ?? "127.0.0.1";
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(listen.port ?? 0, host, ok);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
