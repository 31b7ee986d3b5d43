// Clients that do not read their article events — an SSE stream, a WebSocket subscription — hold
// no more than the paced limit in the server (src/server/paced-events.ts), where every event of the
// log was buffered for them before; once they read, they get every event, in order.
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPace } from '../../src/server/paced-events.ts';
import { setupOwner } from '../support/accounts.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { insertOwnedArticle } from '../support/stored-brief.ts';

let t: TestApp;
let cookie: string;
let articleId: string;
let port: number;
// ~10 MB of events: more than the kernel's socket buffers on loopback take from a client that
// does not read.
const eventCount = 20_000;
const responses: ServerResponse[] = [];
const slack = 8 * 1024;

beforeAll(async () => {
  t = await createTestApp('pglite');
  const owner = await setupOwner(t.app);
  cookie = owner.cookie;
  articleId = await insertOwnedArticle(t, owner, 'slow readers');
  const text = 'word '.repeat(100);
  for (let i = 0; i < eventCount; i += 1000)
    await t.runtime.articleEvents.publishAll(
      articleId,
      'section.delta',
      Array.from({ length: 1000 }, (_, k) => ({ part: 'section:0', text: `${i + k} ${text}` })),
    );
  t.app.server.on('request', (request, response) => {
    if (request.url?.endsWith('/events')) responses.push(response);
  });
  port = Number(new URL(await t.app.listen({ port: 0, host: '127.0.0.1' })).port);
}, 120_000);
afterAll(() => t?.close());

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A socket that sends `request` and reads nothing until `resume()`; `received()` is all it read since. */
async function quietClient(request: string | Buffer[]) {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  const chunks: Buffer[] = [];
  socket.pause();
  for (const part of Array.isArray(request) ? request : [request]) socket.write(part);
  return {
    socket,
    resume() {
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.resume();
    },
    received: () => Buffer.concat(chunks),
  };
}

/** The section numbers of the events in `text`, in the order they came. */
const numbersIn = (text: string) => [...text.matchAll(/"text":"(\d+) /g)].map((m) => Number(m[1]));

const all = Array.from({ length: eventCount }, (_, i) => i);

async function until(probe: () => boolean, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await pause(50);
  }
}

describe('clients that do not read their events', () => {
  it('an SSE stream holds at most the paced limit for them, then delivers every event in order', async () => {
    const client = await quietClient(
      `GET /api/v1/articles/${articleId}/events HTTP/1.1\r\nhost: localhost\r\ncookie: ${cookie}\r\n\r\n`,
    );
    await until(() => responses.length === 1);
    await pause(1500);
    expect(responses[0]!.writableLength).toBeLessThanOrEqual(defaultPace.maxWaitingBytes + slack);
    client.resume();
    await until(() => numbersIn(client.received().toString()).length === eventCount);
    expect(numbersIn(client.received().toString())).toEqual(all);
    client.socket.destroy();
  });

  it('a WebSocket subscription does too', async () => {
    const frame = (text: string) => {
      // A masked text frame, as a client sends (RFC 6455 §5.2).
      const payload = Buffer.from(text);
      const mask = randomBytes(4);
      const head = Buffer.from([0x81, 0x80 | payload.length]);
      return Buffer.concat([head, mask, payload.map((byte, i) => byte ^ mask[i % 4]!)]);
    };
    const client = await quietClient([
      Buffer.from(
        `GET /api/v1/ws HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\norigin: http://127.0.0.1:${port}\r\ncookie: ${cookie}\r\n` +
          `upgrade: websocket\r\nconnection: Upgrade\r\nsec-websocket-version: 13\r\nsec-websocket-key: ${randomBytes(16).toString('base64')}\r\n\r\n`,
      ),
      frame(JSON.stringify({ type: 'subscribe', articleId })),
    ]);
    const server = t.app.websocketServer;
    await until(() => server.clients.size === 1);
    await pause(1500);
    const [socket] = [...server.clients];
    expect(socket!.bufferedAmount).toBeLessThanOrEqual(defaultPace.maxWaitingBytes + slack);
    client.resume();
    await until(() => numbersIn(client.received().toString('latin1')).length === eventCount);
    expect(numbersIn(client.received().toString('latin1'))).toEqual(all);
    client.socket.destroy();
  });
});
