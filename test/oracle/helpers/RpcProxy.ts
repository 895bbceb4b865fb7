import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/**
 * A JSON-RPC pass-through that a test can take down (connections reset) or make fail for chosen
 * methods, to simulate an RPC outage without touching the chain behind it.
 */
export class RpcProxy {
  down = false;
  readonly blocked = new Set<string>();
  blockedHits = 0;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly target: string) {}

  async start(): Promise<string> {
    const t = new URL(this.target);
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = Buffer.concat(chunks);
        let methods: string[] = [];
        try {
          const j = JSON.parse(body.toString("utf8")) as { method?: string } | Array<{ method?: string }>;
          methods = (Array.isArray(j) ? j : [j]).map((x) => String(x.method));
        } catch {
          /* forwarded as is */
        }
        if (this.down || methods.some((m) => this.blocked.has(m))) {
          this.blockedHits++;
          req.socket.destroy(); // what a dead endpoint looks like: the connection drops
          return;
        }
        const fwd = request(
          {
            host: t.hostname,
            port: t.port,
            path: t.pathname,
            method: "POST",
            headers: { "content-type": "application/json" },
          },
          (up) => {
            res.writeHead(up.statusCode ?? 502, { "content-type": "application/json" });
            up.pipe(res);
          },
        );
        fwd.on("error", () => req.socket.destroy());
        fwd.end(body);
      });
    });
    this.server.on("connection", (s: Socket) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", () => r()));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
