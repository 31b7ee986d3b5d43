// The library's API: duplicating an article, paging the article list past one page (rows created in
// the same millisecond included), a document's passages, and pending invitations (list, cancel).
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { articles, auditLog, documentChunks, documents } from '../../src/db/schema/index.ts';
import { inviteMember, login, session, setupOwner } from '../support/accounts.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { storedBrief } from '../support/stored-brief.ts';

describe('library API (pglite)', () => {
  let t: TestApp;
  let owner: { cookie: string; workspaceId: string };
  let other: { cookie: string; workspaceId: string };
  let viewerCookie: string;

  const brief = storedBrief;

  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, cookie: string) =>
    t.app.inject({ method, url, headers: session(cookie) });

  beforeAll(async () => {
    t = await createTestApp('pglite', { SIGNUP_ENABLED: 'true' });
    const a = await setupOwner(t.app, 'a@example.com', 'password-a');
    owner = { cookie: a.cookie, workspaceId: a.body.workspace.id };
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/signup',
      payload: { email: 'b@example.com', password: 'password-b' },
    });
    const cookieB = await login(t.app, 'b@example.com', 'password-b');
    const meB = (await call('GET', '/api/v1/me', cookieB)).json();
    other = { cookie: cookieB, workspaceId: meB.workspace.id };
    viewerCookie = (
      await inviteMember(t.app, owner.cookie, {
        email: 'viewer@example.com',
        password: 'viewer-password',
        role: 'viewer',
      })
    ).cookie;
  });
  afterAll(async () => t?.close());

  const insertArticle = async (fields: Partial<typeof articles.$inferInsert> & { topic: string }) => {
    const [row] = await t.runtime.database.db
      .insert(articles)
      .values({ workspaceId: owner.workspaceId, brief: brief(fields.topic) as never, ...fields })
      .returning();
    return row!;
  };

  describe('POST /articles/{id}/duplicate', () => {
    it('makes a new article with the same brief and text under "Copy of …", audit-logged', async () => {
      const original = await insertArticle({
        topic: 'Heat pumps for family homes',
        title: 'Heat pumps for family homes',
        status: 'completed',
        markdown: '# Heat pumps for family homes\n\nA heat pump moves heat [1].',
        html: '<h1>Heat pumps for family homes</h1>',
        wordCount: 7,
        grounded: true,
        sources: [
          { n: 1, kind: 'web', title: 'Source', url: 'https://example.com/a', excerpt: 'x', text: 'x' },
        ] as never,
      });
      const res = await call('POST', `/api/v1/articles/${original.id}/duplicate`, owner.cookie);
      expect(res.statusCode).toBe(201);
      const copy = res.json();
      expect(copy.id).not.toBe(original.id);
      expect(res.headers.location).toBe(`/api/v1/articles/${copy.id}`);
      expect(copy.title).toBe('Copy of Heat pumps for family homes');
      expect(copy.markdown).toBe('# Copy of Heat pumps for family homes\n\nA heat pump moves heat [1].');
      expect(copy.html).toContain('Copy of Heat pumps for family homes');
      expect(copy.brief.topic).toBe('Heat pumps for family homes');
      expect(copy.status).toBe('completed');
      expect(copy.sources).toHaveLength(1);
      // The original is untouched.
      const again = (await call('GET', `/api/v1/articles/${original.id}`, owner.cookie)).json();
      expect(again.title).toBe('Heat pumps for family homes');
      const [entry] = await t.runtime.database.db
        .select()
        .from(auditLog)
        .where(eq(auditLog.action, 'article.duplicated'));
      expect(entry?.target).toBe(copy.id);
      expect(entry?.details).toEqual({ from: original.id });
    });

    it('retitles the first heading line as written, in time linear in it', async () => {
      // `$1` in a title was expanded as a replacement pattern; a heading followed by a long run of
      // spaces was read again for each of its characters (40 kB: 5 s; this, minutes).
      const spaces = ' '.repeat(300_000);
      const original = await insertArticle({
        topic: 'Pumps',
        title: 'Pumps at $1 a day',
        status: 'completed',
        markdown: `Intro.\r\n# Pumps at $1 a day ##\r\n\nText.\n# a${spaces}b\n`,
      });
      const res = await call('POST', `/api/v1/articles/${original.id}/duplicate`, owner.cookie);
      expect(res.statusCode).toBe(201);
      expect(res.json().markdown).toBe(`Intro.\r\n# Copy of Pumps at $1 a day\r\n\nText.\n# a${spaces}b\n`);
      const long = await insertArticle({
        topic: 'Long',
        title: 'Long',
        status: 'completed',
        markdown: `# a${spaces}b`,
      });
      const copy = await call('POST', `/api/v1/articles/${long.id}/duplicate`, owner.cookie);
      expect(copy.json().markdown).toBe('# Copy of Long');
    });

    it('answers 404 for another workspace, 403 for a viewer, 401 signed out, 409 while running', async () => {
      const original = await insertArticle({ topic: 'Private topic', status: 'completed', markdown: 'x' });
      const url = `/api/v1/articles/${original.id}/duplicate`;
      const foreign = await call('POST', url, other.cookie);
      expect(foreign.statusCode).toBe(404);
      expect(foreign.json().error.code).toBe('not_found');
      expect((await call('POST', url, viewerCookie)).statusCode).toBe(403);
      expect((await t.app.inject({ method: 'POST', url })).statusCode).toBe(401);
      const unknown = await call(
        'POST',
        '/api/v1/articles/00000000-0000-4000-8000-000000000000/duplicate',
        owner.cookie,
      );
      expect(unknown.statusCode).toBe(404);
      expect((await call('POST', '/api/v1/articles/not-a-uuid/duplicate', owner.cookie)).statusCode).toBe(
        400,
      );
      const running = await insertArticle({ topic: 'Still running', status: 'running' });
      const conflict = await call('POST', `/api/v1/articles/${running.id}/duplicate`, owner.cookie);
      expect(conflict.statusCode).toBe(409);
      expect(conflict.json().error.message).toMatch(/running/);
    });
  });

  describe('GET /articles paging', () => {
    it('walks every article exactly once, also those created in the same millisecond', async () => {
      // One statement: every row gets the same now() — the case a millisecond cursor skips.
      const sameInstant = Array.from({ length: 12 }, (_, i) => ({
        workspaceId: owner.workspaceId,
        brief: brief(`Batch article ${i}`) as never,
        topic: `Batch article ${i}`,
        status: 'completed' as const,
      }));
      await t.runtime.database.db.insert(articles).values(sameInstant);
      for (let i = 0; i < 9; i++) await insertArticle({ topic: `Single article ${i}`, status: 'completed' });
      const total = (
        await t.runtime.database.db
          .select({ id: articles.id })
          .from(articles)
          .where(eq(articles.workspaceId, owner.workspaceId))
      ).length;
      expect(total).toBeGreaterThan(20);

      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const url = `/api/v1/articles?limit=5${cursor ? `&cursor=${cursor}` : ''}`;
        const res = await call('GET', url, owner.cookie);
        expect(res.statusCode).toBe(200);
        const body = res.json();
        seen.push(...body.items.map((a: { id: string }) => a.id));
        cursor = body.nextCursor;
        pages++;
      } while (cursor && pages < 20);
      expect(pages).toBeGreaterThan(4);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toHaveLength(total);
    });

    it('pages a filtered list too, and refuses a made-up cursor with 400', async () => {
      const first = (await call('GET', '/api/v1/articles?limit=3&q=batch', owner.cookie)).json();
      expect(first.items).toHaveLength(3);
      const second = (
        await call('GET', `/api/v1/articles?limit=20&q=batch&cursor=${first.nextCursor}`, owner.cookie)
      ).json();
      const ids = [...first.items, ...second.items].map((a: { id: string }) => a.id);
      expect(new Set(ids).size).toBe(12);
      const bad = await call('GET', '/api/v1/articles?cursor=bm90LWEtY3Vyc29y', owner.cookie);
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.details[0].path).toBe('cursor');
    });
  });

  describe('GET /documents/{id}/passages', () => {
    let documentId: string;
    beforeAll(async () => {
      const [doc] = await t.runtime.database.db
        .insert(documents)
        .values({
          workspaceId: owner.workspaceId,
          title: 'Heat pump handbook',
          type: 'pdf',
          sourceKind: 'upload',
          contentHash: 'hash-1',
          byteSize: 100,
          pageCount: 3,
          status: 'ready',
          progress: 100,
          chunkCount: 3,
        })
        .returning();
      documentId = doc!.id;
      await t.runtime.database.db.insert(documentChunks).values(
        [0, 1, 2].map((index) => ({
          workspaceId: owner.workspaceId,
          documentId,
          index,
          text: `Passage ${index}`,
          rawText: `Passage ${index} about heat pumps.`,
          tokenCount: 5,
          headingPath: ['Chapter 1'],
          pageStart: index + 1,
          pageEnd: index + 1,
          contentHash: `chunk-${index}`,
        })),
      );
    });

    it('lists the passages in reading order with pages, paged by cursor', async () => {
      const first = await call('GET', `/api/v1/documents/${documentId}/passages?limit=2`, owner.cookie);
      expect(first.statusCode).toBe(200);
      const body = first.json();
      expect(body.items).toEqual([
        {
          index: 0,
          text: 'Passage 0 about heat pumps.',
          headingPath: ['Chapter 1'],
          pageStart: 1,
          pageEnd: 1,
        },
        {
          index: 1,
          text: 'Passage 1 about heat pumps.',
          headingPath: ['Chapter 1'],
          pageStart: 2,
          pageEnd: 2,
        },
      ]);
      const rest = (
        await call(
          'GET',
          `/api/v1/documents/${documentId}/passages?limit=2&cursor=${body.nextCursor}`,
          owner.cookie,
        )
      ).json();
      expect(rest.items.map((p: { index: number }) => p.index)).toEqual([2]);
      expect(rest.nextCursor).toBeNull();
      // A viewer may read.
      expect((await call('GET', `/api/v1/documents/${documentId}/passages`, viewerCookie)).statusCode).toBe(
        200,
      );
    });

    it('answers 404 for another workspace, 400 for a bad cursor or limit, 401 signed out', async () => {
      const url = `/api/v1/documents/${documentId}/passages`;
      const foreign = await call('GET', url, other.cookie);
      expect(foreign.statusCode).toBe(404);
      expect(foreign.json().error.code).toBe('not_found');
      expect((await call('GET', `${url}?cursor=eHl6`, owner.cookie)).statusCode).toBe(400);
      expect((await call('GET', `${url}?limit=0`, owner.cookie)).statusCode).toBe(400);
      expect((await call('GET', `${url}?limit=1e2`, owner.cookie)).statusCode).toBe(400);
      expect((await t.app.inject({ method: 'GET', url })).statusCode).toBe(401);
    });
  });

  describe('pending invitations', () => {
    it('lists open invitations for admins, cancels one so its link stops working', async () => {
      const invited = await t.app.inject({
        method: 'POST',
        url: '/api/v1/members',
        headers: session(owner.cookie),
        payload: { email: 'Pending@Example.com', role: 'editor' },
      });
      expect(invited.statusCode).toBe(201);
      const { invitation, token } = invited.json();

      const list = await call('GET', '/api/v1/members/invitations', owner.cookie);
      expect(list.statusCode).toBe(200);
      const pending = list.json();
      expect(pending.nextCursor).toBeNull();
      expect(pending.items.map((i: { email: string }) => i.email)).toContain('pending@example.com');
      // Each says who sent it.
      const mine = pending.items.find((i: { email: string }) => i.email === 'pending@example.com');
      expect(mine.invitedBy).toMatchObject({ id: expect.any(String), email: expect.stringContaining('@') });
      // The accepted invitation (the viewer's) is not pending.
      expect(pending.items.map((i: { email: string }) => i.email)).not.toContain('viewer@example.com');
      expect(JSON.stringify(pending)).not.toContain(token);

      // Not for a viewer, nor across workspaces.
      expect((await call('GET', '/api/v1/members/invitations', viewerCookie)).statusCode).toBe(403);
      expect(
        (await call('DELETE', `/api/v1/members/invitations/${invitation.id}`, viewerCookie)).statusCode,
      ).toBe(403);
      const foreignList = (await call('GET', '/api/v1/members/invitations', other.cookie)).json();
      expect(foreignList.items).toEqual([]);
      const foreign = await call('DELETE', `/api/v1/members/invitations/${invitation.id}`, other.cookie);
      expect(foreign.statusCode).toBe(404);

      const cancelled = await call('DELETE', `/api/v1/members/invitations/${invitation.id}`, owner.cookie);
      expect(cancelled.statusCode).toBe(204);
      expect((await t.app.inject({ method: 'GET', url: `/api/v1/invitations/${token}` })).statusCode).toBe(
        404,
      );
      const accept = await t.app.inject({
        method: 'POST',
        url: `/api/v1/invitations/${token}/accept`,
        payload: { password: 'pending-password' },
      });
      expect(accept.statusCode).toBe(404);
      const after = (await call('GET', '/api/v1/members/invitations', owner.cookie)).json();
      expect(after.items.map((i: { id: string }) => i.id)).not.toContain(invitation.id);
      expect(
        (await call('DELETE', `/api/v1/members/invitations/${invitation.id}`, owner.cookie)).statusCode,
      ).toBe(404);
      expect((await call('DELETE', '/api/v1/members/invitations/nope', owner.cookie)).statusCode).toBe(400);
      const [entry] = await t.runtime.database.db
        .select()
        .from(auditLog)
        .where(eq(auditLog.action, 'member.invitation_cancelled'));
      expect(entry?.target).toBe(invitation.id);
    });
  });
});
