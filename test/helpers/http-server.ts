/**
 * A loopback HTTP server for download tests: serves fixed bodies by path, counts requests, and can drop the
 * connection mid-body (headers promise the full length, half is sent, the socket is destroyed) a set number of
 * times per path — what a flaky proxy does to a large release download.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Route {
  body: Buffer;
  /** How many of the first requests to cut off mid-body. */
  dropTimes?: number;
  /** Answer with this status (and no body) instead. */
  status?: number;
}

export interface TestHttpServer {
  url: string;
  port: number;
  /** Requests seen per path. */
  hits: Map<string, number>;
  routes: Map<string, Route>;
  close(): Promise<void>;
}

export async function startHttpServer(routes: Record<string, Route> = {}): Promise<TestHttpServer> {
  const table = new Map(Object.entries(routes));
  const hits = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const n = (hits.get(path) ?? 0) + 1;
    hits.set(path, n);
    const route = table.get(path);
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    if (route.status !== undefined) {
      res.writeHead(route.status).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(route.body.length) });
    if (n <= (route.dropTimes ?? 0)) {
      res.write(route.body.subarray(0, Math.floor(route.body.length / 2)), () => {
        // Give the bytes a moment on the wire, then cut the connection like a dying proxy.
        setTimeout(() => req.socket.destroy(), 20);
      });
      return;
    }
    res.end(route.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    hits,
    routes: table,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
