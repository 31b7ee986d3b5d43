// Every cursor-paged list walks its rows exactly once when rows share a millisecond, or even a
// microsecond: the cursor names the last row's created_at to the microsecond and its id, and the next
// page starts strictly after that pair. A millisecond cursor skips (or repeats) such rows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { articles, documents } from '../../src/db/schema/index.ts';
import { sampleReport } from '../eval/sample-report.ts';
import { createKey, session, setupOwner } from '../support/accounts.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { backends } from '../support/database.ts';
import { storedBrief } from '../support/stored-brief.ts';

const lists = [
  { url: '/api/v1/api-keys', table: 'api_keys' },
  { url: '/api/v1/audit', table: 'audit_log' },
  { url: '/api/v1/eval/reports', table: 'eval_reports' },
  { url: '/api/v1/documents', table: 'documents' },
  { url: '/api/v1/articles', table: 'articles' },
];

describe.each(backends)('cursor paging at microsecond precision (%s)', (backend) => {
  let t: TestApp;
  let cookie: string;
  let workspaceId: string;

  beforeAll(async () => {
    t = await createTestApp(backend, { RATE_LIMIT_ENABLED: 'false' });
    const owner = await setupOwner(t.app);
    cookie = owner.cookie;
    workspaceId = owner.body.workspace.id;
    for (let i = 0; i < 7; i++) await createKey(t.app, cookie, { name: `key ${i}` });
    for (let i = 0; i < 7; i++) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/eval/reports',
        headers: session(cookie),
        payload: sampleReport(),
      });
      expect(res.statusCode).toBe(201);
    }
    const { db } = t.runtime.database;
    await db.insert(documents).values(
      Array.from({ length: 7 }, (_, i) => ({
        workspaceId,
        title: `Document ${i}`,
        type: 'markdown' as const,
        sourceKind: 'upload' as const,
        contentHash: `hash-${i}`,
        byteSize: 10,
        status: 'ready' as const,
      })),
    );
    await db.insert(articles).values(
      Array.from({ length: 7 }, (_, i) => ({
        workspaceId,
        topic: `Article ${i}`,
        status: 'completed' as const,
        brief: storedBrief(`Article ${i}`) as never,
      })),
    );
    // Every row into one millisecond, over four microseconds, so some share a microsecond too.
    for (const { table } of lists) {
      await t.runtime.database.exec(
        `UPDATE ${table} SET created_at = timestamptz '2026-01-01 00:00:00.000Z'
           + (get_byte(decode(md5(id::text), 'hex'), 0) % 4) * interval '1 microsecond'
         WHERE workspace_id = '${workspaceId}'`,
      );
    }
  }, 120_000);
  afterAll(async () => t?.close());

  it.each(lists)(
    '$url walks every row once, in (created_at, id) order, newest first',
    async ({ url, table }) => {
      const { rows } = await t.runtime.database.query<{ id: string }>(
        `SELECT id::text AS id FROM ${table} WHERE workspace_id = $1 ORDER BY created_at DESC, id DESC`,
        [workspaceId],
      );
      expect(rows.length).toBeGreaterThanOrEqual(7);
      const seen: string[] = [];
      let cursor: string | null = null;
      for (let pages = 0; pages < 50; pages++) {
        const query: string = `?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const res = await t.app.inject({
          method: 'GET',
          url: `${url}${query}`,
          headers: session(cookie),
        });
        expect(res.statusCode).toBe(200);
        const body: { items: { id: string }[]; nextCursor: string | null } = res.json();
        seen.push(...body.items.map((item) => item.id));
        expect(Object.keys(body.items[0] ?? {})).not.toContain('createdMicros');
        cursor = body.nextCursor;
        if (!cursor) break;
      }
      expect(seen).toEqual(rows.map((r) => r.id));
    },
  );

  it('still reads a cursor of the older millisecond form', async () => {
    const older = Buffer.from('2026-01-01T00:00:00.001Z').toString('base64url');
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/api-keys?limit=100&cursor=${older}`,
      headers: session(cookie),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toHaveLength(7);
  });

  it.each(lists)(
    '$url answers cursors at the ends of the range, or malformed, with 200 or 400',
    async ({ url }) => {
      const at = (raw: string) =>
        t.app.inject({
          method: 'GET',
          url: `${url}?cursor=${Buffer.from(raw).toString('base64url')}`,
          headers: session(cookie),
        });
      const id = '00000000-0000-0000-0000-00000000000a';
      expect((await at(`99999999999999999.${id}`)).statusCode).toBe(200);
      expect((await at(`0.${id}`)).json().items).toEqual([]);
      expect((await at('1900-01-01T00:00:00.000Z')).json().items).toEqual([]);
      expect((await at(`1.${id.toUpperCase()}`)).statusCode).toBe(400);
      expect((await at(`999999999999999999.${id}`)).statusCode).toBe(400);
      expect((await at(`-1.${id}`)).statusCode).toBe(400);
    },
  );
});
