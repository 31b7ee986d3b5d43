import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createApiKey } from '../../src/accounts/api-keys.ts';
import { createUser } from '../../src/accounts/users.ts';
import type { App } from '../../src/server/app.ts';
import { backends, redisUrl } from '../support/database.ts';
import { createEdgeApp, type EdgeApp } from './edge-app.ts';

const limits = { RATE_LIMIT_GENERAL: '3', RATE_LIMIT_GENERATION: '1' };

const addRoutes = (app: App) => {
  app.get('/test/ping', { schema: { response: { 200: z.object({ ok: z.boolean() }) } } }, async () => ({
    ok: true,
  }));
  app.post(
    '/test/generate',
    {
      config: { rateLimitClass: 'generation' },
      schema: { response: { 200: z.object({ ok: z.boolean() }) } },
    },
    async () => ({ ok: true }),
  );
};

const hit = (
  app: App,
  url = '/test/ping',
  headers: Record<string, string> = {},
  remoteAddress = '127.0.0.1',
) => app.inject({ method: url === '/test/generate' ? 'POST' : 'GET', url, headers, remoteAddress });

const fakeKey = () => ({
  authorization: `Bearer bsk_${randomBytes(4).toString('hex')}_${randomBytes(16).toString('hex')}`,
});

/** Real keys of a new owner, made without HTTP so no budget is spent on them. */
async function realKeys(t: EdgeApp, email: string, count = 1) {
  const { user, workspace } = await createUser(t.runtime.database, { email, password: 'password-123' });
  const keys: Array<{ authorization: string }> = [];
  for (let i = 0; i < count; i++) {
    const { key } = await createApiKey(t.runtime.database, {
      workspaceId: workspace.id,
      userId: user.id,
      name: `rate-limit test ${i}`,
    });
    keys.push({ authorization: `Bearer ${key}` });
  }
  return keys;
}
const realKey = async (t: EdgeApp, email: string) => (await realKeys(t, email))[0]!;

// nginx appends the address it saw to whatever X-Forwarded-For the client sent: only the last entry
// is the proxy's word. Trusting every hop let a client pick a new address, and budget, per request.
describe('rate limits behind one proxy (TRUST_PROXY=true)', () => {
  let t: EdgeApp;
  beforeAll(async () => {
    t = await createEdgeApp('pglite', { env: { ...limits, TRUST_PROXY: 'true' }, routes: addRoutes });
  });
  afterAll(async () => t.close());

  it('keys a client by the address the proxy saw, whatever the client put in front of it', async () => {
    const codes = [];
    for (let i = 0; i < 5; i++) {
      const forged = { 'x-forwarded-for': `198.51.100.${i}, 203.0.113.7` };
      codes.push((await hit(t.app, '/test/ping', forged, '10.0.0.2')).statusCode);
    }
    expect(codes).toEqual([200, 200, 200, 429, 429]);
    // Another client behind the same proxy has its own budget.
    const other = await hit(t.app, '/test/ping', { 'x-forwarded-for': '203.0.113.8' }, '10.0.0.2');
    expect(other.statusCode).toBe(200);
  });
});

describe.each(backends)('rate limits in memory (%s)', (backend) => {
  let t: EdgeApp;
  beforeAll(async () => {
    t = await createEdgeApp(backend, { env: limits, routes: addRoutes });
  });
  afterAll(async () => t.close());

  it('answers over-budget requests with 429 in the error shape and rate-limit headers', async () => {
    const ip = { 'x-forwarded-for': '1.1.1.1' };
    for (let i = 0; i < 3; i++) {
      const ok = await hit(t.app, '/test/ping', ip);
      expect(ok.statusCode).toBe(200);
      expect(ok.headers['x-ratelimit-limit']).toBe('3');
      expect(ok.headers['x-ratelimit-remaining']).toBe(String(2 - i));
    }
    const limited = await hit(t.app, '/test/ping', ip);
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toEqual({
      error: {
        code: 'rate_limited',
        message: expect.stringMatching(/retry in/),
        requestId: expect.any(String),
      },
    });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.headers['x-ratelimit-limit']).toBe('3');
    expect(limited.headers['x-ratelimit-remaining']).toBe('0');
    expect(Number(limited.headers['x-ratelimit-reset'])).toBeGreaterThan(0);
  });

  it('counts requests for unknown routes too', async () => {
    const codes = [];
    for (let i = 0; i < 4; i++)
      codes.push((await hit(t.app, `/wp-admin/${i}.php`, {}, '10.0.0.2')).statusCode);
    expect(codes).toEqual([404, 404, 404, 429]);
  });

  it('counts requests with made-up API keys by client address: a new fake key is no new budget', async () => {
    const codes = [];
    for (let i = 0; i < 5; i++)
      codes.push((await hit(t.app, '/test/ping', fakeKey(), '10.0.0.3')).statusCode);
    expect(codes).toEqual([200, 200, 200, 429, 429]);
  });

  it('never counts health, metrics or docs', async () => {
    for (let i = 0; i < 6; i++) {
      for (const url of ['/health', '/health/ready', '/metrics', '/docs/json']) {
        const res = await t.app.inject({ method: 'GET', url });
        expect(res.statusCode, url).toBe(200);
        expect(res.headers['x-ratelimit-limit'], url).toBeUndefined();
      }
    }
  });

  it('gives each key holder one budget for all of their keys, and the generation class its own smaller one', async () => {
    const [keyA, secondKeyA] = await realKeys(t, `a-${backend}@example.com`, 2);
    const keyB = await realKey(t, `b-${backend}@example.com`);
    const from = '10.0.0.4';
    expect((await hit(t.app, '/test/generate', keyA!, from)).statusCode).toBe(200);
    expect((await hit(t.app, '/test/generate', keyA!, from)).statusCode).toBe(429);
    // A fresh key of the same user is no fresh budget (a member may create keys at will).
    expect((await hit(t.app, '/test/generate', secondKeyA!, '10.0.0.9')).statusCode).toBe(429);
    // Same client, other class: the general budget is untouched.
    expect((await hit(t.app, '/test/ping', keyA!, from)).headers['x-ratelimit-remaining']).toBe('2');
    expect((await hit(t.app, '/test/ping', secondKeyA!, from)).headers['x-ratelimit-remaining']).toBe('1');
    expect((await hit(t.app, '/test/generate', keyB, from)).statusCode).toBe(200);
  });
});

describe('rate limits switched off', () => {
  it('RATE_LIMIT_ENABLED=false never limits', async () => {
    const t = await createEdgeApp('pglite', {
      env: { ...limits, RATE_LIMIT_ENABLED: 'false' },
      routes: addRoutes,
    });
    try {
      for (let i = 0; i < 5; i++) expect((await hit(t.app)).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });
});

describe('rate limits shared through Redis', () => {
  it('two servers on the same Redis draw from one budget; made-up keys count by address', async () => {
    const prefix = `test-rl-${randomBytes(6).toString('hex')}:`;
    const env = { ...limits, REDIS_URL: redisUrl };
    const a = await createEdgeApp('postgres', { env, routes: addRoutes, redisKeyPrefix: prefix });
    const b = await createEdgeApp('postgres', { env, routes: addRoutes, redisKeyPrefix: prefix });
    try {
      const tokens = [fakeKey(), fakeKey(), fakeKey(), fakeKey()];
      const codes = [];
      for (const [i, app] of [a.app, b.app, a.app, b.app].entries())
        codes.push((await hit(app, '/test/ping', tokens[i], '10.0.0.5')).statusCode);
      expect(codes).toEqual([200, 200, 200, 429]);
      const redis = a.runtime.redis;
      if (!redis) throw new Error('redis expected');
      // ioredis adds the key prefix to commands but not to KEYS results.
      const keys = (await redis.keys('*')).filter((k) => k.startsWith(`${prefix}blogsmith:ratelimit:`));
      expect(keys).toContain(`${prefix}blogsmith:ratelimit:general:ip:10.0.0.5`);
      expect(keys.join()).not.toContain(':key:');
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('keeps serving when Redis is unreachable and readiness says degraded', async () => {
    const t = await createEdgeApp('pglite', {
      env: { ...limits, REDIS_URL: 'redis://127.0.0.1:1' },
      routes: addRoutes,
    });
    try {
      for (let i = 0; i < 5; i++) expect((await hit(t.app)).statusCode).toBe(200);
      const ready = await t.app.inject({ method: 'GET', url: '/health/ready' });
      expect(ready.statusCode).toBe(200);
      expect(ready.json().status).toBe('degraded');
      expect(ready.json().checks.redis.status).toBe('error');
      expect(ready.json().checks.database.status).toBe('ok');
    } finally {
      await t.close();
    }
  });
});
