// A user's WebSocket messages draw on one bucket: a burst, then a steady rate; the socket that sends
// past it is closed (1008), where before every message was looked up in the database — one socket
// sending 20,000 made every other request wait seconds.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageBudget, socketMessages } from '../../src/server/socket-messages.ts';
import { setupOwner } from '../support/accounts.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { openEventSocket } from '../support/event-socket.ts';

describe('socketMessages', () => {
  it('gives a user a burst, then the steady rate, apart from other users', () => {
    const messages = socketMessages({ burst: 3, perSecond: 2 });
    expect([0, 0, 0, 0].map(() => messages.take('ann', 1000))).toEqual([true, true, true, false]);
    expect(messages.take('bob', 1000)).toBe(true);
    // Half a second refills one message at 2 a second.
    expect(messages.take('ann', 1500)).toBe(true);
    expect(messages.take('ann', 1500)).toBe(false);
    // Never more than the burst, however long the wait.
    expect([0, 0, 0, 0].map(() => messages.take('ann', 60_000))).toEqual([true, true, true, false]);
  });
});

describe('a socket that floods the server with messages', () => {
  let t: TestApp;
  let cookie: string;
  let base: string;

  beforeAll(async () => {
    t = await createTestApp('pglite');
    cookie = (await setupOwner(t.app)).cookie;
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  }, 60_000);
  afterAll(() => t?.close());

  it('is closed once past the budget, with at most the burst answered', async () => {
    const { ws, messages, closed } = await openEventSocket(base, cookie);
    for (let i = 0; i < 5_000; i++) ws.send(JSON.stringify({ type: 'subscribe', articleId: randomUUID() }));
    expect(await closed).toEqual({ code: 1008, reason: 'too many messages' });
    expect(messages.length).toBeLessThanOrEqual(messageBudget.burst);
    // Everyone else is still answered.
    const list = await fetch(`${base}/api/v1/articles?limit=5`, { headers: { cookie } });
    expect(list.status).toBe(200);
  });
});
