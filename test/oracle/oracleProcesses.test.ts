import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { expect } from "chai";
import { Wallet } from "ethers";
import { Stream } from "../../offchain/protocol/reportTypes.js";
import { OracleConfigError } from "../../oracle/errors/OracleError.js";
import { parseNodeConfig, type NodeConfigFile } from "../../oracle/node/nodeConfig.js";
import {
  ENGINE_WALLET,
  FEED_PRICES,
  KEYSTORE_PASSWORD,
  NATS_URL,
  startOracleHarness,
  waitFor,
  type OracleHarness,
} from "./helpers/oracleHarness.js";

const ROOT = resolve(import.meta.dirname, "../..");
const TSX = join(ROOT, "node_modules/tsx/dist/cli.mjs");

interface Proc {
  child: ChildProcess;
  output: string[];
  url?: string;
  address?: string;
}

/** Run a TypeScript program as its own Node process; collects everything it prints. */
function run(script: string, args: string[], env: Record<string, string>): Proc {
  const child = spawn(process.execPath, [TSX, script, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const p: Proc = { child, output: [] };
  const collect = (b: Buffer) => {
    const text = b.toString("utf8");
    p.output.push(text);
    const m = /"msg":"listening","url":"([^"]+)","address":"(0x[0-9a-fA-F]{40})"/.exec(text);
    if (m) [p.url, p.address] = [m[1], m[2]];
  };
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  return p;
}

const exited = (p: Proc) =>
  new Promise<number | null>((r) =>
    p.child.exitCode !== null ? r(p.child.exitCode) : p.child.once("exit", (code) => r(code)),
  );

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const full = join(dir, f);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

function baseConfig(h: OracleHarness, i: number): NodeConfigFile {
  return {
    name: `proc-${i}`,
    rpcUrl: h.rpcUrl,
    deploymentFile: h.deploymentFile,
    deploymentId: h.deploymentId,
    keystoreFile: h.keystores[i]!,
    natsServers: [NATS_URL],
    http: { host: "127.0.0.1", port: 0 },
    dataDir: join(h.dir, `proc-${i}`),
    failoverMs: 1_000,
    auth: { engines: [ENGINE_WALLET.address] },
    submission: { pollMs: 20, backoffInitialMs: 50, backoffMaxMs: 400 },
    venue: { kind: "file", path: join(h.dir, "venue.json") },
  };
}

describe("oracle node program (separate processes)", function () {
  this.timeout(120_000);
  let h: OracleHarness;
  const procs: Proc[] = [];

  before(async () => {
    h = await startOracleHarness();
    writeFileSync(
      join(h.dir, "venue.json"),
      JSON.stringify({
        prices: Object.fromEntries(FEED_PRICES.map(([a, p]) => [String(a), p.toString()])),
        equity: "0",
        custody: { credited: "0", debited: "0" },
      }),
    );
    writeFileSync(join(h.dir, "password"), KEYSTORE_PASSWORD + "\n");
  });
  after(async () => {
    for (const p of procs) if (p.child.exitCode === null) p.child.kill("SIGKILL");
    await Promise.all(procs.map(exited));
    await h?.close();
  });

  it("rejects unknown config keys and applies environment overrides", () => {
    const file = baseConfig(h, 0);
    expect(() => parseNodeConfig({ ...file, rpcURL: "http://x" }, {}, h.dir)).to.throw(
      OracleConfigError,
      /rpcURL/,
    );
    expect(() => parseNodeConfig({ ...file, checks: { maxDeadlineSecond: 1 } }, {}, h.dir)).to.throw(
      OracleConfigError,
      /maxDeadlineSecond/,
    );
    const c = parseNodeConfig(
      file,
      {
        SIGIL_ORACLE_RPC_URL: "http://127.0.0.1:9999",
        SIGIL_ORACLE_HTTP_PORT: "7001",
        SIGIL_ORACLE_NATS_URL: "nats://a:1,nats://b:2",
      },
      h.dir,
    );
    expect(c.rpcUrl).to.equal("http://127.0.0.1:9999");
    expect(c.http.port).to.equal(7001);
    expect(c.natsServers).to.deep.equal(["nats://a:1", "nats://b:2"]);
    expect(c.checks.maxDeadlineSeconds).to.equal(3_600); // defaults fill what the file leaves out
    expect(Object.isFrozen(c) && Object.isFrozen(c.checks)).to.equal(true);
  });

  it("requires the engine identity: no auth, no engine, a malformed address or an unknown auth key is an error", () => {
    const file = baseConfig(h, 0);
    const { auth: _auth, ...withoutAuth } = file;
    const cases: Array<[unknown, RegExp]> = [
      [withoutAuth, /auth: required: \{ engines/],
      [{ ...file, auth: { engines: [] } }, /auth\.engines: at least one engine address/],
      [{ ...file, auth: { engines: ["0x1234"] } }, /auth\.engines\.0: not an address/],
      // Mixed case with a wrong checksum: a typo, not an address.
      [
        { ...file, auth: { engines: [ENGINE_WALLET.address.replace(/[a-f]/, (c) => c.toUpperCase())] } },
        /not an address/,
      ],
      [{ ...file, auth: { engines: [ENGINE_WALLET.address], maxAgeMs: 5 } }, /maxAgeMs/],
      [{ ...file, auth: { engines: [ENGINE_WALLET.address], maxClockSkewMs: -1 } }, /maxClockSkewMs/],
    ];
    for (const [raw, message] of cases)
      expect(() => parseNodeConfig(raw, {}, h.dir), String(message)).to.throw(OracleConfigError, message);
    const c = parseNodeConfig(
      { ...file, auth: { engines: [ENGINE_WALLET.address.toLowerCase()], maxRequestAgeMs: 30_000 } },
      {},
      h.dir,
    );
    expect(c.auth).to.deep.equal({
      engines: [ENGINE_WALLET.address],
      maxRequestAgeMs: 30_000,
      maxClockSkewMs: 5_000,
      maxNonces: 100_000,
    });
    expect(Object.isFrozen(c.auth) && Object.isFrozen(c.auth.engines)).to.equal(true);
  });

  it("a node program whose config names no engine does not start, and says why", async () => {
    const { auth: _auth, ...cfg } = baseConfig(h, 0);
    const file = join(h.dir, "no-engine.config.json");
    writeFileSync(file, JSON.stringify(cfg, null, 2));
    const p = run("oracle/node/main.ts", ["--config", file], {
      SIGIL_ORACLE_KEYSTORE_PASSWORD: KEYSTORE_PASSWORD,
    });
    procs.push(p);
    expect(await exited(p)).to.equal(1);
    expect(p.output.join("")).to.match(/"level":"fatal".*auth: required/);
  });

  it("creates an encrypted keystore with the keystore tool; only the address is printed", async () => {
    const key = Wallet.createRandom().privateKey;
    const out = join(h.dir, "created.json");
    const p = run(
      "oracle/node/createKeystore.ts",
      ["--out", out, "--password-file", join(h.dir, "password")],
      {
        SIGIL_ORACLE_IMPORT_KEY: key,
      },
    );
    procs.push(p);
    expect(await exited(p)).to.equal(0);
    const printed = p.output.join("");
    const address = new Wallet(key).address;
    expect(printed).to.include(address);
    expect(printed.toLowerCase()).to.not.include(key.slice(2).toLowerCase());
    const json = readFileSync(out, "utf8");
    expect(json.toLowerCase()).to.not.include(key.slice(2).toLowerCase());
    expect((await Wallet.fromEncryptedJson(json, KEYSTORE_PASSWORD)).address).to.equal(address);
  });

  it("runs three node processes that co-sign a signal 2-of-3 on-chain, report health, and never reveal a key", async () => {
    for (let i = 0; i < 3; i++) {
      const cfg = baseConfig(h, i);
      // Node 0 takes its password from a file, the others from the environment; node 2 its data dir too.
      const env: Record<string, string> = {};
      if (i === 0) cfg.keystorePasswordFile = join(h.dir, "password");
      else env.SIGIL_ORACLE_KEYSTORE_PASSWORD = KEYSTORE_PASSWORD;
      if (i === 2) env.SIGIL_ORACLE_DATA_DIR = join(h.dir, "proc-2-env");
      const file = join(h.dir, `node-${i}.config.json`);
      writeFileSync(file, JSON.stringify(cfg, null, 2));
      procs.push(run("oracle/node/main.ts", ["--config", file], env));
    }
    const nodes = procs.slice(-3);
    await waitFor(() => nodes.every((p) => p.url !== undefined || p.child.exitCode !== null), 50);
    for (const p of nodes) expect(p.url, p.output.join("")).to.be.a("string");

    const seq = (await h.contracts.ledger.sequences())[0] + 1n;
    const { body } = await h.signalProposal(seq, [[0, 1_500]]);
    const res = await h.proposeTo(
      nodes.map((p) => ({ url: p.url!, address: p.address! })),
      Stream.Signal,
      body,
    );
    for (const r of res) expect(r.status, JSON.stringify(r.body)).to.equal(200);
    await waitFor(async () => (await h.contracts.ledger.sequences())[0] >= seq);
    const acceptedEvents = await h.contracts.ledger.queryFilter(
      h.contracts.ledger.filters.SignalAccepted(seq),
    );
    expect(acceptedEvents.length).to.equal(1);

    for (const p of nodes) {
      const health = (await (await fetch(`${p.url}/health`)).json()) as { status: string };
      expect(health.status).to.equal("ok");
      const metrics = await (await fetch(`${p.url}/metrics`)).text();
      expect(metrics).to.match(/oracle_reports_signed_total\{stream="signal"\} 1/);
    }
    for (const p of nodes) p.child.kill("SIGTERM");
    for (const p of nodes) expect(await exited(p)).to.equal(0);

    // No private key in any log line or any file the nodes or the test wrote (keystores are encrypted).
    const text = nodes
      .map((p) => p.output.join(""))
      .join("\n")
      .toLowerCase();
    const files = filesUnder(h.dir).map((f) => readFileSync(f).toString("latin1").toLowerCase());
    for (const w of h.operators) {
      const hex = w.privateKey.slice(2).toLowerCase();
      expect(text.includes(hex), "key in logs").to.equal(false);
      for (const f of files) expect(f.includes(hex), "key in a file").to.equal(false);
    }
    expect(filesUnder(join(h.dir, "proc-2-env")).some((f) => f.endsWith("signatures.sqlite"))).to.equal(true);
  });
});
