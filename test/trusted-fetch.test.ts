// The transport of the operator's own servers (its model servers, the API the CLI talks to) keeps
// fetch's contract (what the AI SDK relies on): the request as given with its length, the answer
// streamed as it comes, aborts as aborts, socket failures as `TypeError('fetch failed')`, redirects
// followed — over kept-alive connections.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trustedFetch } from '../src/trusted-fetch.ts';

let server: Server;
let base: string;
let connections = 0;
const received: Array<{ method: string; headers: IncomingMessage['headers']; body: string }> = [];
const release = { next: Promise.withResolvers<void>() };

async function handle(req: IncomingMessage, res: ServerResponse) {
  let body = '';
  for await (const chunk of req) body += chunk;
  received.push({ method: req.method ?? '', headers: req.headers, body });
  if (req.url === '/echo') {
    res.writeHead(201, { 'content-type': 'application/json', 'x-answer': 'yes' });
    res.end(JSON.stringify({ got: body }));
  } else if (req.url === '/stream') {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('data: first\n\n');
    await release.next.promise;
    res.end('data: last\n\n');
  } else if (req.url === '/hang') {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('data: first\n\n');
  } else if (req.url === '/moved') {
    res.writeHead(307, { location: '/echo' });
    res.end();
  } else if (req.url === '/empty') {
    res.writeHead(204);
    res.end();
  }
}

beforeAll(async () => {
  server = createServer((req, res) => void handle(req, res));
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const post = (path: string, init: RequestInit = {}) =>
  trustedFetch(`${base}${path}`, {
    method: 'POST',
    // A header record may name a header with no value; fetch leaves it out.
    headers: {
      'content-type': 'application/json',
      authorization: 'Bearer k',
      'x-absent': undefined,
    } as unknown as Record<string, string>,
    body: JSON.stringify({ prompt: 'héllo' }),
    ...init,
  });

describe('trustedFetch', () => {
  it('sends the method, headers and body with its length, and answers as fetch does', async () => {
    const res = await post('/echo');
    expect(res.status).toBe(201);
    expect(res.headers.get('x-answer')).toBe('yes');
    expect(await res.json()).toEqual({ got: '{"prompt":"héllo"}' });
    const sent = received.at(-1)!;
    expect(sent.method).toBe('POST');
    expect(sent.headers).toMatchObject({
      'content-type': 'application/json',
      authorization: 'Bearer k',
      'content-length': String(Buffer.byteLength('{"prompt":"héllo"}')),
    });
    expect(sent.headers['transfer-encoding']).toBeUndefined();
    expect(sent.headers['x-absent']).toBeUndefined();
  });

  it('keeps the connection for the next request', async () => {
    await (await post('/echo')).text();
    const before = connections;
    await (await post('/echo')).text();
    await (await post('/echo')).text();
    expect(connections).toBe(before);
  });

  it('streams the answer as it comes', async () => {
    release.next = Promise.withResolvers<void>();
    const res = await post('/stream');
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    expect((await reader.read()).value).toBe('data: first\n\n');
    release.next.resolve();
    let rest = '';
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += r.value;
    expect(rest).toBe('data: last\n\n');
  });

  it('rejects with the abort reason, before the answer and while it streams', async () => {
    const before = new AbortController();
    before.abort(new Error('gave up'));
    await expect(post('/echo', { signal: before.signal })).rejects.toThrow('gave up');

    const during = new AbortController();
    const res = await post('/hang', { signal: during.signal });
    const reader = res.body!.getReader();
    await reader.read();
    during.abort(new Error('timed out'));
    await expect(reader.read()).rejects.toBeTruthy();
  });

  it('reports a server it cannot reach as fetch does', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const failed = await trustedFetch(`http://127.0.0.1:${port}/v1/models`).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(TypeError);
    expect((failed as TypeError).message).toBe('fetch failed');
    expect(((failed as TypeError).cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
  });

  it('follows a redirect, and gives a bodiless answer no body', async () => {
    const moved = await post('/moved');
    expect(moved.status).toBe(201);
    expect(await moved.json()).toEqual({ got: '{"prompt":"héllo"}' });
    // A `Request` gives its body up when it is read: the redirect is sent again from what was read.
    const request = new Request(`${base}/moved`, { method: 'POST', body: '{"as":"request"}' });
    const movedRequest = await trustedFetch(request);
    expect(movedRequest.status).toBe(201);
    expect(await movedRequest.json()).toEqual({ got: '{"as":"request"}' });
    const empty = await trustedFetch(`${base}/empty`);
    expect(empty.status).toBe(204);
    expect(empty.body).toBeNull();
  });
});
