// A key of workspace A must see nothing of workspace B: every B resource answers 404.
// Add each new tenant resource to `resourcesOfB` as it is built.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalToken } from '../../src/accounts/local-token.ts';
import { sampleReport } from '../eval/sample-report.ts';
import { fileForm } from '../knowledge/samples-ingest.ts';
import { bearer, createKey, login, session, setupOwner } from '../support/accounts.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { backends } from '../support/database.ts';

describe.each(backends)('workspace isolation (%s)', (backend) => {
  let t: TestApp;
  let keyOfA: string;
  const b = { keyId: '', userId: '', documentId: '', evalReportId: '' };

  beforeAll(async () => {
    t = await createTestApp(backend, { SIGNUP_ENABLED: 'true' });
    const a = await setupOwner(t.app, 'a@example.com', 'password-a');
    keyOfA = (await createKey(t.app, a.cookie, { name: 'a' })).key;
    const signup = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/signup',
      payload: { email: 'b@example.com', password: 'password-b' },
    });
    expect(signup.statusCode).toBe(202);
    const cookieB = await login(t.app, 'b@example.com', 'password-b');
    b.keyId = (await createKey(t.app, cookieB, { name: 'b' })).apiKey.id;
    b.userId = (
      await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: session(cookieB) })
    ).json().user.id;
    await t.runtime.queue.start({ work: false }); // uploads enqueue their ingestion job
    const form = fileForm(Buffer.from('Notes of workspace B about sourdough starters.'), 'b.txt');
    b.documentId = (
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/documents',
        headers: { ...session(cookieB), ...form.headers },
        payload: form.payload,
      })
    ).json().id;
    b.evalReportId = (
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/eval/reports',
        headers: session(cookieB),
        payload: sampleReport(),
      })
    ).json().id;
  });
  afterAll(async () => t.close());

  const resourcesOfB = () => [
    { method: 'DELETE' as const, url: `/api/v1/api-keys/${b.keyId}` },
    { method: 'PATCH' as const, url: `/api/v1/members/${b.userId}`, payload: { role: 'viewer' } },
    { method: 'DELETE' as const, url: `/api/v1/members/${b.userId}` },
    { method: 'GET' as const, url: `/api/v1/documents/${b.documentId}` },
    { method: 'GET' as const, url: `/api/v1/documents/${b.documentId}/passages` },
    { method: 'GET' as const, url: `/api/v1/documents/${b.documentId}/operations` },
    { method: 'PATCH' as const, url: `/api/v1/documents/${b.documentId}`, payload: { tags: ['a'] } },
    { method: 'DELETE' as const, url: `/api/v1/documents/${b.documentId}` },
    { method: 'GET' as const, url: `/api/v1/eval/reports/${b.evalReportId}` },
    { method: 'DELETE' as const, url: `/api/v1/eval/reports/${b.evalReportId}` },
  ];

  it('answers 404 for every resource of another workspace', async () => {
    for (const r of resourcesOfB()) {
      const res = await t.app.inject({ ...r, headers: bearer(keyOfA) });
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(404);
      expect(res.json().error.code).toBe('not_found');
    }
  });

  it('lists only its own workspace', async () => {
    const keys = await t.app.inject({ method: 'GET', url: '/api/v1/api-keys', headers: bearer(keyOfA) });
    expect(keys.json().items.map((k: { id: string }) => k.id)).not.toContain(b.keyId);
    const members = await t.app.inject({ method: 'GET', url: '/api/v1/members', headers: bearer(keyOfA) });
    expect(members.json().items.map((m: { email: string }) => m.email)).toEqual(['a@example.com']);
    const docs = await t.app.inject({ method: 'GET', url: '/api/v1/documents', headers: bearer(keyOfA) });
    expect(docs.json().items.map((d: { id: string }) => d.id)).not.toContain(b.documentId);
    const tagsOfB = await t.runtime.database.query<{ tags: string[] }>(
      'SELECT tags FROM documents WHERE id = $1',
      [b.documentId],
    );
    expect(tagsOfB.rows[0]?.tags).toEqual([]);
    const runs = await t.app.inject({ method: 'GET', url: '/api/v1/eval/reports', headers: bearer(keyOfA) });
    expect(runs.json().items).toEqual([]);
  });

  it('cannot switch a session into a workspace it is not a member of', async () => {
    const cookieA = await login(t.app, 'a@example.com', 'password-a');
    const meB = await login(t.app, 'b@example.com', 'password-b');
    const wsB = (await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: session(meB) })).json()
      .workspace.id;
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/workspace',
      headers: session(cookieA),
      payload: { workspaceId: wsB },
    });
    expect(res.statusCode).toBe(404);
  });

  it("refuses a switch asked with the command line's local token, which has no session to switch (was a 500)", async () => {
    t.runtime.localToken = createLocalToken();
    const me = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: bearer(t.runtime.localToken),
    });
    expect(me.statusCode).toBe(200);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/workspace',
      headers: bearer(t.runtime.localToken),
      payload: { workspaceId: me.json().workspace.id },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.message).toMatch(/local token is bound to its workspace/);
  });
});

describe('sign-up toggle and admin bootstrap', () => {
  it('refuses sign-up when disabled', async () => {
    const t = await createTestApp('pglite');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/signup',
      payload: { email: 'x@example.com', password: 'password-x' },
    });
    expect(res.statusCode).toBe(403);
    await t.close();
  });

  it('creates the owner from BLOGSMITH_ADMIN_* exactly once', async () => {
    const t = await createTestApp('pglite', {
      BLOGSMITH_ADMIN_EMAIL: 'boss@example.com',
      BLOGSMITH_ADMIN_PASSWORD: 'boss-password',
    });
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/setup' })).json()).toEqual({
      needed: false,
      signUp: false,
    });
    const cookie = await login(t.app, 'boss@example.com', 'boss-password');
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: session(cookie) });
    expect(me.json().workspace.role).toBe('owner');
    const { ensureAdmin } = await import('../../src/accounts/bootstrap.ts');
    expect(await ensureAdmin(t.runtime)).toBe(false);
    await t.close();
  });
});
