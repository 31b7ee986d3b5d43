import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeys, auditLog, memberships } from '../../src/db/schema/index.ts';
import {
  bearer,
  createKey,
  inviteMember,
  login,
  session,
  sessionCookieOf,
  setupOwner,
} from '../support/accounts.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { backends } from '../support/database.ts';

describe.each(backends)('identity over HTTP (%s)', (backend) => {
  let t: TestApp;
  let ownerCookie: string;
  let workspaceId: string;

  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(async () => t.close());

  it('opens setup once, then closes it', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/setup' })).json()).toEqual({
      needed: true,
      signUp: false,
    });
    const owner = await setupOwner(t.app);
    ownerCookie = owner.cookie;
    workspaceId = owner.body.workspace.id;
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/setup' })).json()).toEqual({
      needed: false,
      signUp: false,
    });
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/v1/setup',
      payload: { email: 'intruder@example.com', password: 'intruder-pass' },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('conflict');
  });

  it('rejects bad input with field paths', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'nope' } });
    expect(res.statusCode).toBe(400);
    const paths = res.json().error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['email', 'password']));
  });

  it('logs in, reports me, logs out', async () => {
    const failed = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'owner@example.com', password: 'wrong-password' },
    });
    expect(failed.statusCode).toBe(401);
    expect(failed.json().error.message).toBe('Invalid email or password');

    const cookie = await login(t.app, 'OWNER@example.com', 'owner-password');
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: session(cookie) });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({
      user: { email: 'owner@example.com' },
      workspace: { role: 'owner' },
      via: 'session',
    });

    const out = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: session(cookie) });
    expect(out.statusCode).toBe(204);
    const after = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: session(cookie) });
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe('unauthenticated');
  });

  it('shows an API key once, stores only its hash, and stops it when revoked', async () => {
    const { key, apiKey } = await createKey(t.app, ownerCookie, { name: 'ci' });
    expect(key).toMatch(/^bsk_[A-Za-z0-9]{8}_/);
    const rows = await t.runtime.database.db.select().from(apiKeys);
    const stored = rows.find((r) => r.id === apiKey.id)!;
    expect(JSON.stringify(stored)).not.toContain(key);
    expect(stored.hash).toMatch(/^[0-9a-f]{64}$/);

    const list = await t.app.inject({ method: 'GET', url: '/api/v1/api-keys', headers: bearer(key) });
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(key);
    expect(list.json().items.some((k: { id: string }) => k.id === apiKey.id)).toBe(true);

    const revoke = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/api-keys/${apiKey.id}`,
      headers: session(ownerCookie),
    });
    expect(revoke.statusCode).toBe(204);
    const denied = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(key) });
    expect(denied.statusCode).toBe(401);
  });

  it('pages through the keys newest first, and stops a key once it has expired', async () => {
    const created = [];
    for (const name of ['page-a', 'page-b', 'page-c'])
      created.push(await createKey(t.app, ownerCookie, { name }));
    const { key } = created.at(-1)!;
    const seen: Array<{ id: string; createdAt: string }> = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
      const page = await t.app.inject({
        method: 'GET',
        url: `/api/v1/api-keys${query}`,
        headers: bearer(key),
      });
      expect(page.statusCode).toBe(200);
      const body = page.json() as {
        items: Array<{ id: string; createdAt: string }>;
        nextCursor: string | null;
      };
      expect(body.items.length).toBeLessThanOrEqual(2);
      seen.push(...body.items);
      cursor = body.nextCursor;
    }
    const all = await t.app.inject({
      method: 'GET',
      url: '/api/v1/api-keys?limit=100',
      headers: bearer(key),
    });
    expect(seen.map((k) => k.id)).toEqual(all.json().items.map((k: { id: string }) => k.id));
    expect(new Set(seen.map((k) => k.id)).size).toBe(seen.length);
    const times = seen.map((k) => Date.parse(k.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    for (const { apiKey } of created) expect(seen.some((k) => k.id === apiKey.id)).toBe(true);

    // A key created already past its expiry (set in the database: the API refuses past times).
    const soon = await createKey(t.app, ownerCookie, { name: 'expiring' });
    await t.runtime.database.db
      .update(apiKeys)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(apiKeys.id, soon.apiKey.id));
    const expired = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(soon.key) });
    expect(expired.statusCode).toBe(401);
  });

  it('rejects malformed and unknown keys with 401', async () => {
    for (const header of ['Bearer nope', 'Basic abc', `Bearer bsk_AAAAAAAA_${'x'.repeat(30)}`]) {
      const res = await t.app.inject({
        method: 'GET',
        url: '/api/v1/me',
        headers: { authorization: header },
      });
      expect(res.statusCode).toBe(401);
    }
  });

  it('enforces scopes and roles', async () => {
    const readOnly = await createKey(t.app, ownerCookie, { name: 'reader', scopes: ['settings:read'] });
    const cannot = await t.app.inject({
      method: 'POST',
      url: '/api/v1/api-keys',
      headers: bearer(readOnly.key),
      payload: { name: 'escalate' },
    });
    expect(cannot.statusCode).toBe(403);
    expect(cannot.json().error.code).toBe('forbidden');

    const viewer = await inviteMember(t.app, ownerCookie, {
      email: 'viewer@example.com',
      password: 'viewer-pass',
      role: 'viewer',
    });
    const viewerCookie = viewer.cookie;
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: session(viewerCookie) });
    expect(me.json().workspace).toEqual({ id: workspaceId, role: 'viewer' });
    const viewerKey = await t.app.inject({
      method: 'POST',
      url: '/api/v1/api-keys',
      headers: session(viewerCookie),
      payload: { name: 'nope' },
    });
    expect(viewerKey.statusCode).toBe(403);

    const { cookie: adminCookie } = await inviteMember(t.app, ownerCookie, {
      email: 'admin@example.com',
      password: 'admin-pass',
      role: 'admin',
    });
    const grantOwner = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/members/${viewer.userId}`,
      headers: session(adminCookie),
      payload: { role: 'owner' },
    });
    expect(grantOwner.statusCode).toBe(403);
    const toEditor = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/members/${viewer.userId}`,
      headers: session(adminCookie),
      payload: { role: 'editor' },
    });
    expect(toEditor.statusCode).toBe(200);
  });

  it('pages through the members longest-standing first, ties in the same microsecond included', async () => {
    const invited = [];
    for (const name of ['m-a', 'm-b', 'm-c']) {
      invited.push(
        await inviteMember(t.app, ownerCookie, {
          email: `${name}@example.com`,
          password: `${name}-password`,
          role: 'viewer',
        }),
      );
    }
    // Two members who joined in the same microsecond (as one statement's rows would): the cursor
    // must neither skip nor repeat either of them.
    const [, b, c] = invited;
    const joinedAt = new Date('2026-01-02T03:04:05.678Z');
    await t.runtime.database.db
      .update(memberships)
      .set({ createdAt: joinedAt })
      .where(inArray(memberships.userId, [b!.userId, c!.userId]));

    const seen: Array<{ userId: string; joinedAt: string; role: string }> = [];
    let cursor: string | null = '';
    let pages = 0;
    while (cursor !== null) {
      const page = await t.app.inject({
        method: 'GET',
        url: `/api/v1/members?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        headers: session(ownerCookie),
      });
      expect(page.statusCode).toBe(200);
      const body = page.json() as { items: typeof seen; nextCursor: string | null };
      expect(body.items.length).toBeLessThanOrEqual(2);
      seen.push(...body.items);
      cursor = body.nextCursor;
      pages++;
    }
    const all = (
      await t.app.inject({ method: 'GET', url: '/api/v1/members?limit=100', headers: session(ownerCookie) })
    ).json() as { items: typeof seen; nextCursor: string | null };
    expect(all.nextCursor).toBeNull();
    expect(pages).toBe(Math.ceil(all.items.length / 2) + (all.items.length % 2 === 0 ? 1 : 0));
    expect(seen.map((m) => m.userId)).toEqual(all.items.map((m) => m.userId));
    expect(new Set(seen.map((m) => m.userId)).size).toBe(seen.length);
    for (const m of invited) expect(seen.some((s) => s.userId === m.userId)).toBe(true);
    const times = seen.map((m) => Date.parse(m.joinedAt));
    expect(times).toEqual([...times].sort((x, y) => x - y));
    expect(seen.at(-1)!.role).toBe('viewer');

    const bad = await t.app.inject({
      method: 'GET',
      url: '/api/v1/members?cursor=not-a-cursor',
      headers: session(ownerCookie),
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('validation_error');
  });

  it('never leaves a workspace without an owner', async () => {
    const me = (
      await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: session(ownerCookie) })
    ).json();
    const demote = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/members/${me.user.id}`,
      headers: session(ownerCookie),
      payload: { role: 'admin' },
    });
    expect(demote.statusCode).toBe(409);
    const remove = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/members/${me.user.id}`,
      headers: session(ownerCookie),
    });
    expect(remove.statusCode).toBe(409);
  });

  it('writes the audit log', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/audit?limit=100',
      headers: session(ownerCookie),
    });
    expect(res.statusCode).toBe(200);
    const actions = res.json().items.map((e: { action: string }) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'setup.owner_created',
        'auth.login',
        'api_key.created',
        'api_key.revoked',
        'member.invited',
        'member.joined',
        'member.role_changed',
      ]),
    );
    const failed = await t.runtime.database.db.select().from(auditLog);
    expect(failed.some((e) => e.action === 'auth.login_failed')).toBe(true);
  });
});

describe('the session cookie over HTTPS outside production', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('pglite', { TRUST_PROXY: 'true' });
    await setupOwner(t.app);
  });
  afterAll(async () => t.close());

  const cookieOf = async (proto: string) => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'x-forwarded-proto': proto },
      payload: { email: 'owner@example.com', password: 'owner-password' },
    });
    expect(res.statusCode).toBe(200);
    return String(res.headers['set-cookie']);
  };

  it('is Secure when the request came over HTTPS by the trusted proxy, and not over plain HTTP', async () => {
    expect(await cookieOf('https')).toMatch(/; Secure/);
    expect(await cookieOf('http')).not.toMatch(/; Secure/);
  });
});

describe('an account removed from its last workspace', () => {
  let t: TestApp;
  let owner: string;
  beforeAll(async () => {
    t = await createTestApp('pglite', { SIGNUP_ENABLED: 'true' });
    owner = (await setupOwner(t.app)).cookie;
  });
  afterAll(async () => t.close());

  const signIn = (password: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'ed@example.com', password },
    });

  it('tells the sign-in page that sign-up is open', async () => {
    const status = await t.app.inject({ method: 'GET', url: '/api/v1/setup' });
    expect(status.json()).toEqual({ needed: false, signUp: true });
  });

  it('gets a workspace of its own by signing up again with its password, and only with it', async () => {
    const ed = await inviteMember(t.app, owner, {
      email: 'ed@example.com',
      password: 'ed-password',
      role: 'editor',
    });
    const removed = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/members/${ed.userId}`,
      headers: session(owner),
    });
    expect(removed.statusCode).toBe(204);
    expect((await signIn('ed-password')).statusCode).toBe(401);
    // Another password: the same answer as for any taken address, and nothing made.
    const guessed = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/signup',
      payload: { email: 'ed@example.com', password: 'not-eds-password' },
    });
    expect(guessed.statusCode).toBe(202);
    expect((await signIn('not-eds-password')).statusCode).toBe(401);
    expect((await signIn('ed-password')).statusCode).toBe(401);
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/signup',
      payload: { email: 'ed@example.com', password: 'ed-password' },
    });
    expect(again.statusCode).toBe(202);
    const back = await signIn('ed-password');
    expect(back.statusCode, back.body).toBe(200);
    const cookie = sessionCookieOf(back.headers['set-cookie']);
    const mine = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: session(cookie) });
    expect(mine.json()).toMatchObject({ user: { email: 'ed@example.com' }, workspace: { role: 'owner' } });
    expect(mine.json().workspaces).toHaveLength(1);
    // Signing up once more changes nothing: it has a workspace now.
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/signup',
      payload: { email: 'ed@example.com', password: 'ed-password' },
    });
    const still = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: session(cookie) });
    expect(still.json().workspaces).toHaveLength(1);
  });
});
