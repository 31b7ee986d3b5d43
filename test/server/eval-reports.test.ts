// Stored quality-lab reports through the real API on PGlite: storing what `blogsmith eval` writes,
// listing and reading them back, who may do what, another workspace's reports, bad input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleReport } from '../eval/sample-report.ts';
import { bearer, createKey, inviteMember, login, session, setupOwner } from '../support/accounts.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

describe('evaluation reports API (pglite)', () => {
  let t: TestApp;
  let owner: string;
  let viewer: string;
  let readKey: string;
  let otherWorkspace: string;

  beforeAll(async () => {
    t = await createTestApp('pglite', { RATE_LIMIT_ENABLED: 'false', SIGNUP_ENABLED: 'true' });
    owner = (await setupOwner(t.app)).cookie;
    viewer = (
      await inviteMember(t.app, owner, {
        email: 'viewer@example.com',
        password: 'viewer-password',
        role: 'viewer',
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
  afterAll(async () => t?.close());

  const store = (cookie: string, payload: object) =>
    t.app.inject({ method: 'POST', url: '/api/v1/eval/reports', headers: session(cookie), payload });

  it('asks for credentials', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/eval/reports' });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('unauthenticated');
  });

  it('stores a report as written by `blogsmith eval` and gives it back unchanged', async () => {
    const report = sampleReport();
    const res = await store(owner, report);
    expect(res.statusCode).toBe(201);
    const { id, createdAt, ...rest } = res.json();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(createdAt)).not.toBeNaN();
    expect(rest).toEqual(report);

    const one = await t.app.inject({
      method: 'GET',
      url: `/api/v1/eval/reports/${id}`,
      headers: bearer(readKey),
    });
    expect(one.statusCode).toBe(200);
    expect(one.json()).toEqual({ id, createdAt, ...report });
  });

  it('lists runs newest first with each model’s summary, paged by cursor', async () => {
    const newer = sampleReport({ judge: 'anthropic:claude-sonnet', startedAt: '2026-12-01T09:00:00.000Z' });
    expect((await store(owner, newer)).statusCode).toBe(201);
    const first = await t.app.inject({
      method: 'GET',
      url: '/api/v1/eval/reports?limit=1',
      headers: session(viewer),
    });
    expect(first.statusCode).toBe(200);
    const page1 = first.json();
    expect(page1.items).toHaveLength(1);
    expect(page1.items[0]).toMatchObject({ judge: 'anthropic:claude-sonnet', briefs: 2 });
    expect(page1.items[0].models.map((m: { model: string }) => m.model)).toEqual([
      'openai:gpt-4o-mini',
      'ollama:qwen3:8b',
    ]);
    expect(page1.items[0].models[0].summary.citationRecall).toBe(0.862);
    // The list carries summaries only; per-article results are in GET /eval/reports/{id}.
    expect(page1.items[0].models[0]).not.toHaveProperty('articles');
    expect(page1.nextCursor).toEqual(expect.any(String));
    const second = await t.app.inject({
      method: 'GET',
      url: `/api/v1/eval/reports?limit=1&cursor=${page1.nextCursor}`,
      headers: session(viewer),
    });
    expect(second.json().items.map((r: { judge: string }) => r.judge)).toEqual(['openai:gpt-4o']);
  });

  it('lets viewers and read-only keys read but only admins store or delete', async () => {
    const byViewer = await store(viewer, sampleReport());
    expect(byViewer.statusCode).toBe(403);
    const byReadKey = await t.app.inject({
      method: 'POST',
      url: '/api/v1/eval/reports',
      headers: bearer(readKey),
      payload: sampleReport(),
    });
    expect(byReadKey.statusCode).toBe(403);
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/eval/reports', headers: session(viewer) });
    expect(list.json().items).toHaveLength(2);
  });

  it('answers 404 for a report of another workspace, and lists none of them', async () => {
    const id = (await store(owner, sampleReport())).json().id;
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/eval/reports/${id}`,
      headers: session(otherWorkspace),
    });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('not_found');
    const del = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/eval/reports/${id}`,
      headers: session(otherWorkspace),
    });
    expect(del.statusCode).toBe(404);
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/v1/eval/reports',
      headers: session(otherWorkspace),
    });
    expect(list.json().items).toEqual([]);
  });

  it('refuses bad ids, bad cursors and malformed reports with a 4xx, never a 500', async () => {
    for (const url of ['/api/v1/eval/reports/not-a-uuid', '/api/v1/eval/reports/1%27%20OR%201=1']) {
      const res = await t.app.inject({ method: 'GET', url, headers: session(owner) });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.code).toBe('validation_error');
    }
    const missing = await t.app.inject({
      method: 'GET',
      url: '/api/v1/eval/reports/00000000-0000-4000-8000-000000000000',
      headers: session(owner),
    });
    expect(missing.statusCode).toBe(404);
    const cursor = await t.app.inject({
      method: 'GET',
      url: '/api/v1/eval/reports?cursor=bm90LWEtZGF0ZQ',
      headers: session(owner),
    });
    expect(cursor.statusCode).toBe(400);

    const good = sampleReport();
    const bad: Array<[string, object]> = [
      [
        'a share above 1',
        {
          ...good,
          models: [{ ...good.models[0]!, summary: { ...good.models[0]!.summary, citationRecall: 1.5 } }],
        },
      ],
      ['no models', { ...good, models: [] }],
      ['a NUL in the judge', { ...good, judge: 'a\u0000b' }],
      ['a date that is not one', { ...good, startedAt: 'yesterday' }],
      ['not an object', [1, 2, 3]],
    ];
    for (const [what, payload] of bad) {
      const res = await store(owner, payload);
      expect(res.statusCode, what).toBe(400);
      expect(res.json().error.code, what).toBe('validation_error');
    }
  });

  it('deletes a run', async () => {
    const id = (await store(owner, sampleReport())).json().id;
    const del = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/eval/reports/${id}`,
      headers: session(owner),
    });
    expect(del.statusCode).toBe(204);
    const again = await t.app.inject({
      method: 'GET',
      url: `/api/v1/eval/reports/${id}`,
      headers: session(owner),
    });
    expect(again.statusCode).toBe(404);
  });

  it('lists a run another version stored in another shape (to be deleted), answers 409 for it, and still shows the others', async () => {
    const good = (await store(owner, sampleReport())).json().id;
    const older = (await store(owner, sampleReport())).json().id;
    // As another version might have stored it: a new shape of its models, and one of its cases.
    await t.runtime.database.query(
      `UPDATE eval_reports SET report = jsonb_set(report, '{models}', '{"gpt": {"score": 1}}'::jsonb) WHERE id = $1`,
      [older],
    );
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/v1/eval/reports?limit=100',
      headers: session(owner),
    });
    expect(list.statusCode, list.body).toBe(200);
    const items = list.json().items as Array<{
      id: string;
      readable: boolean;
      models: unknown[];
      judge: string;
    }>;
    expect(items.find((r) => r.id === older)).toMatchObject({
      readable: false,
      models: [],
      briefs: 0,
      judge: sampleReport().judge,
    });
    expect(items.find((r) => r.id === good)).toMatchObject({ readable: true });
    const one = await t.app.inject({
      method: 'GET',
      url: `/api/v1/eval/reports/${older}`,
      headers: session(owner),
    });
    expect(one.statusCode, one.body).toBe(409);
    expect(one.json().error.message).toMatch(/another version of Blogsmith/);
    const del = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/eval/reports/${older}`,
      headers: session(owner),
    });
    expect(del.statusCode).toBe(204);
  });
});
