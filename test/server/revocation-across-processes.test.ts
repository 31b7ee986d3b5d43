// Two API processes on one PostgreSQL (and Redis): a credential change made through one takes effect
// on the other at once, not when the other's verified-key cache expires (10 s). Each runtime has its
// own cache and its own revocation listener, exactly as two processes would.
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createRevocationBus, type Revocation } from '../../src/accounts/revocations.ts';
import { closeRedis, createRedis } from '../../src/cache/redis.ts';
import { loadConfig } from '../../src/config.ts';
import { openDatabase } from '../../src/db/client.ts';
import { createRuntime, type Runtime } from '../../src/runtime.ts';
import { type App, buildServer } from '../../src/server/app.ts';
import { bearer, createKey, inviteMember, session, setupOwner } from '../support/accounts.ts';
import { createTestDatabase, redisUrl, type TestDatabase } from '../support/database.ts';

interface Process {
  app: App;
  runtime: Runtime;
}

async function startProcess(database: TestDatabase, env: Record<string, string>, prefix: string) {
  const config = loadConfig({
    ENVIRONMENT: 'test',
    LOG_LEVEL: 'silent',
    SECRET_KEY: 'test-secret-key-that-is-long-enough-0123456789',
    DATABASE_URL: database.url!,
    ...env,
  });
  const runtime = await createRuntime(config, { logger: pino({ level: 'silent' }), redisKeyPrefix: prefix });
  const app = await buildServer(runtime);
  await app.ready();
  return { app, runtime } satisfies Process;
}

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** Polls until `check` holds; returns how long that took. */
async function within(ms: number, check: () => Promise<boolean>) {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return Date.now() - started;
}

describe.each([
  ['Redis pub/sub and NOTIFY', { REDIS_URL: redisUrl }],
  ['PostgreSQL NOTIFY alone', {}],
])('credential changes reach the other process at once (%s)', (_name, env: Record<string, string>) => {
  it('a demoted admin key loses admin powers, a revoked key stops, on the other process', async () => {
    const database = await createTestDatabase('postgres');
    cleanups.push(() => database.drop());
    const prefix = `test-rev-${randomBytes(6).toString('hex')}:`;
    const a = await startProcess(database, env, prefix);
    const b = await startProcess(database, env, prefix);
    cleanups.push(async () => {
      for (const p of [a, b]) {
        await p.app.close();
        await p.runtime.close();
      }
    });

    const owner = await setupOwner(a.app);
    const admin = await inviteMember(a.app, owner.cookie, {
      email: 'admin@example.com',
      password: 'admin-password',
      role: 'admin',
    });
    const { key, apiKey } = await createKey(a.app, admin.cookie, { name: 'admin key' });
    let n = 0;
    const inviteViaB = () =>
      b.app.inject({
        method: 'POST',
        url: '/api/v1/members',
        headers: bearer(key),
        payload: { email: `new-${n++}@example.com`, role: 'admin' },
      });
    // B verifies the key and remembers it.
    expect((await inviteViaB()).statusCode).toBe(201);

    const demote = await a.app.inject({
      method: 'PATCH',
      url: `/api/v1/members/${admin.userId}`,
      headers: session(owner.cookie),
      payload: { role: 'editor' },
    });
    expect(demote.statusCode).toBe(200);
    // Well inside the cache's 10 s: only the announcement can have told B.
    expect(await within(2000, async () => (await inviteViaB()).statusCode === 403)).toBeLessThan(2000);

    const revoke = await a.app.inject({
      method: 'DELETE',
      url: `/api/v1/api-keys/${apiKey.id}`,
      headers: session(owner.cookie),
    });
    expect(revoke.statusCode).toBe(204);
    const me = () => b.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(key) });
    expect(await within(2000, async () => (await me()).statusCode === 401)).toBeLessThan(2000);
  }, 90_000);
});

describe('revocations through Redis alone', () => {
  it('reach a process on another (embedded) database through Redis pub/sub', async () => {
    const logger = pino({ level: 'silent' });
    const prefix = `test-rev-${randomBytes(6).toString('hex')}:`;
    const opened = await Promise.all([
      openDatabase({ dataDir: 'memory://' }),
      openDatabase({ dataDir: 'memory://' }),
    ]);
    const redis = opened.map(() => createRedis({ url: redisUrl, logger }));
    const [one, two] = opened.map((database, i) =>
      createRevocationBus({ database, logger, redis: redis[i]!, redisChannelPrefix: prefix }),
    );
    cleanups.push(async () => {
      await one!.close();
      await two!.close();
      for (const r of redis) await closeRedis(r);
      for (const d of opened) await d.close();
    });
    const heard: Revocation[] = [];
    two!.subscribe((r) => heard.push(r));
    // The subscriber connects in the background; announce until it hears.
    const revocation: Revocation = { kind: 'api_key', id: randomBytes(8).toString('hex') };
    await within(5000, async () => {
      await one!.publish(revocation);
      return heard.length > 0;
    });
    expect(heard[0]).toEqual(revocation);
  }, 60_000);
});

describe('sign-in limits shared through Redis', () => {
  it('counts failures made on either process against the same account and address', async () => {
    const database = await createTestDatabase('postgres');
    cleanups.push(() => database.drop());
    const prefix = `test-login-${randomBytes(6).toString('hex')}:`;
    const env = { REDIS_URL: redisUrl, LOGIN_MAX_FAILURES: '3' };
    const a = await startProcess(database, env, prefix);
    const b = await startProcess(database, env, prefix);
    cleanups.push(async () => {
      for (const p of [a, b]) {
        await p.app.close();
        await p.runtime.close();
      }
    });
    await setupOwner(a.app, 'owner@example.com', 'right-password');
    const attempt = (p: Process, password: string) =>
      p.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: 'owner@example.com', password },
        remoteAddress: '10.7.0.1',
      });
    expect((await attempt(a, 'wrong-1')).statusCode).toBe(401);
    expect((await attempt(b, 'wrong-2')).statusCode).toBe(401);
    expect((await attempt(a, 'wrong-3')).statusCode).toBe(401);
    // Three failures in all: locked on both, although neither process saw three itself.
    expect((await attempt(b, 'right-password')).statusCode).toBe(429);
    expect((await attempt(a, 'right-password')).statusCode).toBe(429);
  }, 90_000);
});
