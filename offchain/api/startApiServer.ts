import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Express } from "express";

/** A listening server and its base URL; `close()` stops it and its keep-alive sockets. */
export interface RunningServer {
  readonly server: Server;
  readonly url: string;
  close(): Promise<void>;
}

/** Listens on `host:port` (port 0 = an ephemeral port the OS picks, as tests and benches use). */
export function startApiServer(app: Express, port = 0, host = "127.0.0.1"): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (err?: Error) => {
      if (err) return reject(err);
      const a = server.address() as AddressInfo;
      resolve({
        server,
        url: `http://${a.family === "IPv6" ? `[${a.address}]` : a.address}:${a.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
    server.once("error", reject);
  });
}
