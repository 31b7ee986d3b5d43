// A real HTTP server on 127.0.0.1:0 with a route table, recording every request it receives.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Received = {
  method: string;
  url: URL;
  headers: IncomingMessage['headers'];
  body: string;
  /** Date.now() when the request's body was read, and when its response closed (benchmark timelines). */
  at: number;
  finishedAt?: number;
};
export type Handler = (req: Received, res: ServerResponse) => unknown;

export type LocalServer = {
  url: string;
  port: number;
  received: Received[];
  close(): Promise<void>;
};

export async function startServer(routes: Record<string, Handler>): Promise<LocalServer> {
  const received: Received[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const entry: Received = {
      method: req.method ?? 'GET',
      url,
      headers: req.headers,
      body: Buffer.concat(chunks).toString(),
      at: Date.now(),
    };
    res.once('close', () => {
      entry.finishedAt = Date.now();
    });
    received.push(entry);
    const handler = routes[url.pathname];
    if (!handler) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    await handler(entry, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const html = (res: ServerResponse, body: string, status = 200) =>
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' }).end(body);
export const json = (res: ServerResponse, body: unknown, status = 200) =>
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
export const redirect = (res: ServerResponse, location: string, status = 302) =>
  res.writeHead(status, { location }).end();
