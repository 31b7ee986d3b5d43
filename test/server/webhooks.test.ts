// The webhooks API on the real app (PGlite) with its worker running and a receiver on 127.0.0.1:
// the secret shown once, who may do what, bad input, another workspace's webhooks, the cap, test
// events and redeliveries reaching the receiver signed, and the audit trail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxWebhooks } from '../../src/webhooks/webhook-store.ts';
import { type LocalServer, startServer } from '../research/local-server.ts';
import { bearer, createKey, inviteMember, login, session, setupOwner } from '../support/accounts.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { verifyDelivery } from '../webhooks/receiver.ts';

describe('webhooks API (pglite)', () => {
  let t: TestApp;
  let receiver: LocalServer;
  let owner: string;
  let editor: string;
  let readKey: string;
  let otherWorkspace: string;
  let answer = 200;

  beforeAll(async () => {
    receiver = await startServer({ '/hook': (_req, res) => res.writeHead(answer).end('ok') });
    t = await createTestApp('pglite', {
      RATE_LIMIT_ENABLED: 'false',
      SIGNUP_ENABLED: 'true',
      FETCH_ALLOW_HOSTS: '127.0.0.1',
    });
    await t.runtime.queue.start({ work: true });
    owner = (await setupOwner(t.app)).cookie;
    editor = (
      await inviteMember(t.app, owner, {
        email: 'editor@example.com',
        password: 'editor-password',
        role: 'editor',
      })
    ).cookie;
    readKey = (await createKey(t.app, owner, { name: 'read', scopes: ['settings:read'] })).key;
    const signup = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/signup',
      payload: { email: 'other@example.com', password: 'other-password' },
    });
    expect(signup.statusCode).toBe(202);
    otherWorkspace = await login(t.app, 'other@example.com', 'other-password');
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, cookie = owner, payload?: object) =>
    t.app.inject({
      method,
      url: `/api/v1/webhooks${url}`,
      headers: session(cookie),
      ...(payload && { payload }),
    });
  const create = (payload: object, cookie = owner) => call('POST', '', cookie, payload);
  const hookUrl = () => `${receiver.url}/hook`;

  async function until<T>(probe: () => Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const finishedDelivery = (webhookId: string, deliveryId: string) =>
    until(async () => {
      const page = (await call('GET', `/${webhookId}/deliveries`)).json();
      const d = page.items.find((i: { id: string }) => i.id === deliveryId);
      return d && d.status !== 'pending' ? d : undefined;
    });

  it('creates a webhook and shows its secret once', async () => {
    const res = await create({
      url: hookUrl(),
      events: ['article.completed', 'article.completed'],
      description: 'CMS',
    });
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json();
    expect(created).toMatchObject({
      url: hookUrl(),
      events: ['article.completed'],
      description: 'CMS',
      enabled: true,
      disabledReason: null,
    });
    expect(created.secret).toMatch(/^whsec_/);

    const one = await call('GET', `/${created.id}`);
    expect(one.statusCode).toBe(200);
    expect(one.json()).not.toHaveProperty('secret');
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/webhooks', headers: bearer(readKey) });
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((w: { id: string }) => w.id)).toContain(created.id);
    expect(list.body).not.toContain(created.secret);
    expect(list.body).not.toContain('whsec_');
    // Sealed at rest, not stored as shown.
    const { rows } = await t.runtime.database.query<{ secret: string }>(
      'SELECT secret FROM webhooks WHERE id = $1',
      [created.id],
    );
    expect(rows[0]!.secret).not.toContain(created.secret.slice(6));
  });

  it('refuses bad input with 400s at the field', async () => {
    const cases: Array<[object, string]> = [
      [{ url: 'ftp://example.com/hook', events: ['article.completed'] }, 'url'],
      [{ url: 'https://user:pass@example.com/hook', events: ['article.completed'] }, 'url'],
      [{ url: `https://example.com/${'a'.repeat(2000)}`, events: ['article.completed'] }, 'url'],
      [{ url: 'https://example.com/hook', events: [] }, 'events'],
      [{ url: 'https://example.com/hook', events: ['article.deleted'] }, 'events.0'],
      [{ url: 'https://example.com/hook', events: ['webhook.test'] }, 'events.0'],
      [{ url: 'https://example.com/hook', events: ['article.completed'], secret: 'mine' }, ''],
      [{ events: ['article.completed'] }, 'url'],
    ];
    for (const [payload, path] of cases) {
      const res = await create(payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error.code).toBe('validation_error');
      if (path) expect(res.json().error.details.map((d: { path: string }) => d.path)).toContain(path);
    }
    const patch = await call(
      'PATCH',
      `/${(await create({ url: hookUrl(), events: ['article.failed'] })).json().id}`,
      owner,
      {},
    );
    expect(patch.statusCode).toBe(400);
  });

  it('refuses a private address unless the operator allows it', async () => {
    // This app allows 127.0.0.1 only (the receiver's address): other private addresses stay refused.
    for (const url of [
      'http://10.0.0.5/hook',
      'http://192.168.1.2:8080/hook',
      'http://169.254.169.254/latest',
      'http://[::1]/x',
    ]) {
      const res = await create({ url, events: ['article.completed'] });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.details[0].path).toBe('url');
      expect(res.json().error.message).toMatch(/URL blocked/);
    }
  });

  it('lets admins change webhooks, members without the role or scope only get 403', async () => {
    const id = (await create({ url: hookUrl(), events: ['document.ready'] })).json().id;
    expect((await create({ url: hookUrl(), events: ['document.ready'] }, editor)).statusCode).toBe(403);
    expect((await call('GET', '', editor)).statusCode).toBe(403);
    const byReadKey = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/webhooks/${id}`,
      headers: bearer(readKey),
      payload: { enabled: false },
    });
    expect(byReadKey.statusCode).toBe(403);
    const patched = await call('PATCH', `/${id}`, owner, { events: ['document.failed'], enabled: false });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ events: ['document.failed'], enabled: false });
    expect((await call('POST', `/${id}/test`)).statusCode).toBe(409);
    expect((await call('DELETE', `/${id}`)).statusCode).toBe(204);
    expect((await call('GET', `/${id}`)).statusCode).toBe(404);
  });

  it('answers 404 for another workspace’s webhook and lists none of them', async () => {
    const id = (await create({ url: hookUrl(), events: ['article.completed'] })).json().id;
    for (const [method, url] of [
      ['GET', `/${id}`],
      ['PATCH', `/${id}`],
      ['DELETE', `/${id}`],
      ['POST', `/${id}/secret`],
      ['POST', `/${id}/test`],
      ['GET', `/${id}/deliveries`],
    ] as const) {
      const res = await call(
        method,
        url,
        otherWorkspace,
        method === 'PATCH' ? { enabled: false } : undefined,
      );
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.json().error.code).toBe('not_found');
    }
    expect((await call('GET', '', otherWorkspace)).json().items).toEqual([]);
  });

  it('sends a signed test event, rotates the secret, and redelivers with the same webhook-id', async () => {
    const created = (await create({ url: hookUrl(), events: ['article.completed'] })).json();
    const before = receiver.received.length;
    const queued = await call('POST', `/${created.id}/test`);
    expect(queued.statusCode).toBe(202);
    expect(queued.json()).toMatchObject({ event: 'webhook.test', status: 'pending', attempts: 0 });
    const done = await finishedDelivery(created.id, queued.json().id);
    expect(done).toMatchObject({
      status: 'succeeded',
      attempts: 1,
      lastStatusCode: 200,
      responseExcerpt: 'ok',
    });
    const received = receiver.received.slice(before);
    expect(received).toHaveLength(1);
    expect(verifyDelivery(created.secret, received[0]!)).toMatchObject({
      type: 'webhook.test',
      data: { webhookId: created.id },
    });

    const rotated = await call('POST', `/${created.id}/secret`);
    expect(rotated.statusCode).toBe(200);
    const secret = rotated.json().secret;
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(created.secret);

    const again = await call('POST', `/${created.id}/deliveries/${done.id}/redeliver`);
    expect(again.statusCode).toBe(202);
    expect(again.json()).toMatchObject({ messageId: done.id, event: 'webhook.test', payload: done.payload });
    expect(again.json().id).not.toBe(done.id);
    await finishedDelivery(created.id, again.json().id);
    const resent = receiver.received.at(-1)!;
    expect(resent.headers['webhook-id']).toBe(done.id);
    expect(verifyDelivery(secret, resent)).toEqual(done.payload);
    expect(() => verifyDelivery(created.secret, resent)).toThrow();

    const page = (await call('GET', `/${created.id}/deliveries?limit=1`)).json();
    expect(page.items.map((d: { id: string }) => d.id)).toEqual([again.json().id]);
    const next = (await call('GET', `/${created.id}/deliveries?limit=1&cursor=${page.nextCursor}`)).json();
    expect(next.items.map((d: { id: string }) => d.id)).toEqual([done.id]);
    expect(
      (await call('POST', `/${created.id}/deliveries/${crypto.randomUUID()}/redeliver`)).statusCode,
    ).toBe(404);
  });

  it('records a failing receiver’s answer and keeps trying', async () => {
    const created = (await create({ url: hookUrl(), events: ['article.completed'] })).json();
    answer = 500;
    try {
      const queued = (await call('POST', `/${created.id}/test`)).json();
      const tried = await until(async () => {
        const d = (await call('GET', `/${created.id}/deliveries`)).json().items[0];
        return d.attempts === 1 && d.lastStatusCode !== null ? d : undefined;
      });
      expect(tried).toMatchObject({
        id: queued.id,
        status: 'pending',
        lastStatusCode: 500,
        lastError: 'the receiver answered 500',
      });
      expect(new Date(tried.nextAttemptAt).getTime()).toBeGreaterThan(Date.now() + 15_000);
      expect((await call('POST', `/${created.id}/deliveries/${queued.id}/redeliver`)).statusCode).toBe(409);
      // Disabling it stops the retries.
      await call('PATCH', `/${created.id}`, owner, { enabled: false });
      const stopped = (await call('GET', `/${created.id}/deliveries`)).json().items[0];
      expect(stopped).toMatchObject({
        status: 'failed',
        lastError: 'the webhook was disabled',
        nextAttemptAt: null,
      });
    } finally {
      answer = 200;
    }
  });

  it('writes the audit log and caps webhooks per workspace', async () => {
    const audit = (
      await t.app.inject({ method: 'GET', url: '/api/v1/audit?limit=100', headers: session(owner) })
    ).json();
    const actions = new Set(audit.items.map((e: { action: string }) => e.action));
    for (const a of ['webhook.created', 'webhook.updated', 'webhook.deleted', 'webhook.secret_rotated'])
      expect(actions).toContain(a);
    expect(JSON.stringify(audit)).not.toContain('whsec_');

    const held = (await call('GET', '')).json().items.length;
    for (let i = held; i < maxWebhooks; i++)
      expect((await create({ url: hookUrl(), events: ['document.ready'] })).statusCode).toBe(201);
    const over = await create({ url: hookUrl(), events: ['document.ready'] });
    expect(over.statusCode).toBe(409);
    expect(over.json().error.code).toBe('conflict');
  });
});
