// Edits, copies and restores count the Markdown they write for their caller: past
// RATE_LIMIT_EDIT_MB in a minute the next is refused (429 with Retry-After), while other callers —
// and edits that write no Markdown — go on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createKey, session, setupOwner } from '../support/accounts.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { insertOwnedArticle } from '../support/stored-brief.ts';

let t: TestApp;
let cookie: string;
let articleId: string;

beforeAll(async () => {
  t = await createTestApp('pglite', { RATE_LIMIT_EDIT_MB: '1' });
  const owner = await setupOwner(t.app);
  cookie = owner.cookie;
  articleId = await insertOwnedArticle(t, owner, 'edit budget');
  await t.runtime.database.query(
    `UPDATE articles SET status = 'completed', markdown = '# Start' WHERE id = $1`,
    [articleId],
  );
}, 60_000);
afterAll(() => t?.close());

const paragraph = 'Heat pumps move heat rather than making it, so they use a third of the energy. ';
const text = (n: number) => `# Edit ${n}\n\n${paragraph.repeat(Math.ceil(400_000 / paragraph.length))}`;

describe('the edit budget', () => {
  it('refuses a caller’s edits past its Markdown a minute, and only that caller’s', async () => {
    // The budget is counted in minute windows: start early in one.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 40_000) await new Promise((r) => setTimeout(r, 60_000 - intoMinute + 100));
    const patch = (headers: Record<string, string>, payload: object) =>
      t.app.inject({ method: 'PATCH', url: `/api/v1/articles/${articleId}`, headers, payload });

    // Three edits of 400 kB write 1.2 MB: past the 1 MB budget only after the third.
    for (let n = 1; n <= 3; n++)
      expect((await patch(session(cookie), { markdown: text(n) })).statusCode).toBe(200);
    const refused = await patch(session(cookie), { markdown: text(4) });
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error).toMatchObject({
      code: 'rate_limited',
      message: "Edits may write 1 MB of Markdown a minute; this minute's is spent",
    });
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Nothing was written by the refused edit.
    const current = await t.app.inject({
      method: 'GET',
      url: `/api/v1/articles/${articleId}`,
      headers: session(cookie),
    });
    expect(current.json().markdown.startsWith('# Edit 3')).toBe(true);

    // Copies and restores write Markdown too.
    const copy = await t.app.inject({
      method: 'POST',
      url: `/api/v1/articles/${articleId}/duplicate`,
      headers: session(cookie),
    });
    expect(copy.statusCode).toBe(429);
    // An edit that writes no Markdown goes on.
    expect((await patch(session(cookie), { favorite: true })).statusCode).toBe(200);
    expect((await patch(session(cookie), { tags: ['budget'], editorialStatus: 'review' })).statusCode).toBe(
      200,
    );

    // Another caller has a budget of its own.
    const { key } = await createKey(t.app, cookie, {
      name: 'other',
      scopes: ['articles:read', 'articles:write'],
    });
    expect((await patch(bearer(key), { markdown: text(5) })).statusCode).toBe(200);
  });
});

// On PostgreSQL, where requests' statements truly overlap: six edits sent at once all looked at the
// count before any was counted, and all went through.
describe('the edit budget, edits sent at once', () => {
  let pg: TestApp;
  let owner: Awaited<ReturnType<typeof setupOwner>>;
  let id: string;
  beforeAll(async () => {
    pg = await createTestApp('postgres', { RATE_LIMIT_EDIT_MB: '1' });
    owner = await setupOwner(pg.app);
    id = await insertOwnedArticle(pg, owner, 'edit budget at once');
    await pg.runtime.database.query(
      `UPDATE articles SET status = 'completed', markdown = '# Start' WHERE id = $1`,
      [id],
    );
  }, 60_000);
  afterAll(() => pg?.close());

  it('counts each before it is made, and gives back the share of one that failed', async () => {
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 40_000) await new Promise((r) => setTimeout(r, 60_000 - intoMinute + 100));
    const patch = (articleId: string, n: number) =>
      pg.app.inject({
        method: 'PATCH',
        url: `/api/v1/articles/${articleId}`,
        headers: session(owner.cookie),
        payload: { markdown: text(n) },
      });
    // Refused (no such article): counts nothing.
    expect((await patch('00000000-0000-4000-8000-000000000000', 1)).statusCode).toBe(404);
    // Six edits of 400 kB: the budget (1 MB) lets three through, the third crossing it.
    const codes = (await Promise.all([1, 2, 3, 4, 5, 6].map((n) => patch(id, n)))).map((r) => r.statusCode);
    expect(codes.filter((c) => c === 200)).toHaveLength(3);
    expect(codes.filter((c) => c === 429)).toHaveLength(3);
  });
});
