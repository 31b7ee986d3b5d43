// Revoking a key, or changing its holder's role, while the key is in use: once the revoke or the
// role change has answered, the key never works with the old state, and no key it minted meanwhile
// outlives it. Each race is made to happen by holding a statement at the moment that matters.
import type { PoolClient } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import { bearer, createKey, inviteMember, session, setupOwner } from '../support/accounts.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { backends } from '../support/database.ts';

type Pool = NonNullable<Database['pool']>;
type Args = Parameters<Pool['query']>;
const textOf = (config: unknown) =>
  typeof config === 'string' ? config : ((config as { text?: string } | undefined)?.text ?? '');
const nameOf = (config: unknown) => (config as { name?: string } | undefined)?.name;

/**
 * Calls `then` once, after the first `database.query` statement matching `pattern`, before the code
 * that ran it goes on. Answers a function that puts the database back.
 */
function afterQuery(database: Database, pattern: RegExp, then: () => Promise<void>) {
  const query = database.query;
  let done = false;
  database.query = (async (text: string, params?: unknown[]) => {
    const result = await query.call(database, text, params);
    if (!done && pattern.test(text)) {
      done = true;
      await then();
    }
    return result;
  }) as typeof database.query;
  return () => {
    database.query = query;
  };
}

/** As afterQuery, for the named statement Drizzle sends through the pool (PostgreSQL). */
function afterNamedStatement(database: Database, name: string, then: () => Promise<void>) {
  const pool = database.pool!;
  const query = pool.query;
  let done = false;
  pool.query = (async (...args: Args) => {
    const result = await (query as (...a: Args) => Promise<unknown>).apply(pool, args);
    if (!done && nameOf(args[0]) === name) {
      done = true;
      await then();
    }
    return result;
  }) as typeof pool.query;
  return () => {
    pool.query = query;
  };
}

/**
 * As afterQuery, for a statement of a transaction (a connection taken from the pool): `then` runs
 * before the transaction goes on to commit.
 */
function afterStatementInTransaction(database: Database, pattern: RegExp, then: () => Promise<void>) {
  const pool = database.pool!;
  const connect = pool.connect;
  let done = false;
  pool.connect = ((...args: unknown[]) => {
    // pool.query takes its connection with a callback: left alone.
    if (args.length > 0) return (connect as (...a: unknown[]) => unknown).apply(pool, args);
    return (connect as () => Promise<PoolClient>).call(pool).then((client) => {
      const query = client.query;
      client.query = (async (...a: unknown[]) => {
        const result = await (query as (...b: unknown[]) => Promise<unknown>).apply(client, a);
        if (!done && pattern.test(textOf(a[0]))) {
          done = true;
          await then();
        }
        return result;
      }) as typeof client.query;
      const release = client.release;
      client.release = (...r: Parameters<typeof release>) => {
        client.query = query;
        client.release = release;
        return release.apply(client, r);
      };
      return client;
    });
  }) as typeof pool.connect;
  return () => {
    pool.connect = connect;
  };
}

describe.each(backends)('a key revoked while it mints (%s)', (backend) => {
  let t: TestApp;
  let owner: string;
  beforeAll(async () => {
    t = await createTestApp(backend, { RATE_LIMIT_ENABLED: 'false' });
    owner = (await setupOwner(t.app)).cookie;
  }, 60_000);
  afterAll(async () => t.close());

  const me = (key: string) => t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(key) });
  const mint = (key: string, name: string) =>
    t.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: bearer(key), payload: { name } });
  const revoke = (id: string) =>
    t.app.inject({ method: 'DELETE', url: `/api/v1/api-keys/${id}`, headers: session(owner) });

  it('refuses the mint of a key revoked after its request was let in', async () => {
    const parent = await createKey(t.app, owner, { name: 'revoked while minting' });
    expect((await me(parent.key)).statusCode).toBe(200); // verified, so remembered
    let minted: Awaited<ReturnType<typeof mint>> | undefined;
    // The revocation is written, not yet announced: the key still passes from the cache.
    const restore = afterQuery(t.runtime.database, /WITH RECURSIVE family/, async () => {
      minted = await mint(parent.key, 'successor');
    });
    try {
      expect((await revoke(parent.apiKey.id)).statusCode).toBe(204);
    } finally {
      restore();
    }
    expect(minted?.statusCode, minted?.body).toBe(401);
    expect((await me(parent.key)).statusCode).toBe(401);
  });

  it('never lets in a key made by a revoked key, even one its revocation missed', async () => {
    const parent = await createKey(t.app, owner, { name: 'maker' });
    const child = (await mint(parent.key, 'made by the maker')).json() as { key: string };
    const grandchild = (await mint(child.key, 'made by the made')).json() as { key: string };
    expect((await me(grandchild.key)).statusCode).toBe(200);
    // As if the revocation had stopped after the maker's own row (it revokes the family at once).
    await t.runtime.database.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1', [
      parent.apiKey.id,
    ]);
    await t.runtime.apiKeys.verify(child.key, { fresh: true }); // forget the remembered rows
    await t.runtime.apiKeys.verify(grandchild.key, { fresh: true });
    expect((await me(child.key)).statusCode).toBe(401);
    expect((await me(grandchild.key)).statusCode).toBe(401);
    expect((await mint(child.key, 'another')).statusCode).toBe(401);
  });
});

describe('revocations racing a key in use (postgres)', () => {
  let t: TestApp;
  let owner: string;
  beforeAll(async () => {
    t = await createTestApp('postgres', { RATE_LIMIT_ENABLED: 'false' });
    owner = (await setupOwner(t.app)).cookie;
  }, 60_000);
  afterAll(async () => t.close());

  const revoke = (id: string) =>
    t.app.inject({ method: 'DELETE', url: `/api/v1/api-keys/${id}`, headers: session(owner) });

  it('revokes a key minted while its maker was being revoked', async () => {
    const parent = await createKey(t.app, owner, { name: 'maker' });
    const database = t.runtime.database;
    let revoked: ReturnType<typeof revoke> | undefined;
    // The successor's row is written, not yet committed; the maker's revocation starts now and
    // either waits for the commit or runs to its end.
    const restore = afterStatementInTransaction(database, /insert into "api_keys"/i, async () => {
      revoked = revoke(parent.apiKey.id);
      let finished = false;
      void revoked.then(() => {
        finished = true;
      });
      for (let i = 0; i < 200 && !finished; i++) {
        const { rows } = await database.query<{ waiting: number }>(
          `SELECT count(*)::int AS waiting FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        if (rows[0]!.waiting > 0) break;
        await new Promise((r) => setTimeout(r, 10));
      }
    });
    let minted: Awaited<ReturnType<TestApp['app']['inject']>>;
    try {
      minted = await t.app.inject({
        method: 'POST',
        url: '/api/v1/api-keys',
        headers: bearer(parent.key),
        payload: { name: 'successor' },
      });
    } finally {
      restore();
    }
    expect((await revoked)?.statusCode).toBe(204);
    expect(minted.statusCode, minted.body).toBe(201);
    const successor = minted.json() as { key: string; apiKey: { id: string } };
    const used = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(successor.key) });
    expect(used.statusCode).toBe(401);
    const listed = await t.app.inject({ method: 'GET', url: '/api/v1/api-keys', headers: session(owner) });
    const row = (listed.json().items as Array<{ id: string; revokedAt: string | null }>).find(
      (k) => k.id === successor.apiKey.id,
    );
    expect(row?.revokedAt).not.toBeNull();
  });

  it('does not remember a key read just before its revocation', async () => {
    const { key, apiKey } = await createKey(t.app, owner, { name: 'read, then revoked' });
    let revokedStatus: number | undefined;
    // The key's row is read; the revocation is written and announced before the lookup goes on.
    const restore = afterNamedStatement(t.runtime.database, 'api_keys_usable_by_prefix', async () => {
      revokedStatus = (await revoke(apiKey.id)).statusCode;
    });
    let during: Awaited<ReturnType<TestApp['app']['inject']>>;
    try {
      during = await t.app.inject({ method: 'GET', url: '/api/v1/articles', headers: bearer(key) });
    } finally {
      restore();
    }
    expect(revokedStatus).toBe(204);
    // The lookup heard the announcement, so it looked again.
    expect(during.statusCode).toBe(401);
    const after = await t.app.inject({ method: 'GET', url: '/api/v1/articles', headers: bearer(key) });
    expect(after.statusCode).toBe(401);
  });

  it("does not remember a demoted admin's role read just before the demotion", async () => {
    const admin = await inviteMember(t.app, owner, {
      email: 'demoted@example.com',
      password: 'demoted-pass',
      role: 'admin',
    });
    const pal = await inviteMember(t.app, owner, {
      email: 'pal@example.com',
      password: 'pal-password',
      role: 'viewer',
    });
    const { key } = await createKey(t.app, admin.cookie, { name: 'admin key' });
    let demoted: number | undefined;
    const restore = afterNamedStatement(t.runtime.database, 'api_keys_usable_by_prefix', async () => {
      demoted = (
        await t.app.inject({
          method: 'PATCH',
          url: `/api/v1/members/${admin.userId}`,
          headers: session(owner),
          payload: { role: 'viewer' },
        })
      ).statusCode;
    });
    try {
      await t.app.inject({ method: 'GET', url: '/api/v1/articles', headers: bearer(key) });
    } finally {
      restore();
    }
    expect(demoted).toBe(200);
    const promote = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/members/${pal.userId}`,
      headers: bearer(key),
      payload: { role: 'admin' },
    });
    expect(promote.statusCode).toBe(403);
  });
});
