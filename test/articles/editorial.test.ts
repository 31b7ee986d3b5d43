// An article's tags and editorial status (F17): set by PATCH as marks (no version, `updatedAt`
// kept), folded and capped as documents' tags are, filtered in the list with the GIN index's `@>`,
// counted for the filter's choices, copied by a duplicate (which starts as a draft), and held by
// the table's checks whatever writes them.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { articles, articleVersions } from '../../src/db/schema/index.ts';
import { inviteMember, login, session, setupOwner } from '../support/accounts.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { backends } from '../support/database.ts';
import { storedBrief } from '../support/stored-brief.ts';

describe.each(backends)('article tags and editorial status (%s)', (backend) => {
  let t: TestApp;
  let owner: { cookie: string; workspaceId: string };
  let other: { cookie: string; workspaceId: string };
  let viewerCookie: string;

  const call = (method: 'GET' | 'POST' | 'PATCH', url: string, cookie: string, payload?: object) =>
    t.app.inject({ method, url, headers: session(cookie), ...(payload ? { payload } : {}) });
  const patch = (id: string, payload: object, cookie = owner.cookie) =>
    call('PATCH', `/api/v1/articles/${id}`, cookie, payload);
  const insert = async (topic: string, fields: Partial<typeof articles.$inferInsert> = {}) => {
    const [row] = await t.runtime.database.db
      .insert(articles)
      .values({
        workspaceId: owner.workspaceId,
        brief: storedBrief(topic) as never,
        topic,
        title: topic,
        status: 'completed',
        markdown: `# ${topic}\n\nSome text about ${topic}.`,
        ...fields,
      })
      .returning();
    return row!.id;
  };
  const listed = async (query: string, cookie = owner.cookie) => {
    const res = await call('GET', `/api/v1/articles?${query}`, cookie);
    expect(res.statusCode, res.body).toBe(200);
    return (res.json().items as { topic: string }[]).map((a) => a.topic).sort();
  };
  const refusedAt = async (res: { statusCode: number; json: () => unknown }) => {
    expect(res.statusCode).toBe(400);
    const body = res.json() as { error: { code: string; details: { path: string }[] } };
    expect(body.error.code).toBe('validation_error');
    return body.error.details.map((d) => d.path);
  };

  beforeAll(async () => {
    t = await createTestApp(backend, { SIGNUP_ENABLED: 'true' });
    const a = await setupOwner(t.app, 'a@example.com', 'password-a');
    owner = { cookie: a.cookie, workspaceId: a.body.workspace.id };
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/signup',
      payload: { email: 'b@example.com', password: 'password-b' },
    });
    const cookieB = await login(t.app, 'b@example.com', 'password-b');
    other = {
      cookie: cookieB,
      workspaceId: (await call('GET', '/api/v1/me', cookieB)).json().workspace.id,
    };
    viewerCookie = (
      await inviteMember(t.app, owner.cookie, {
        email: 'viewer@example.com',
        password: 'viewer-password',
        role: 'viewer',
      })
    ).cookie;
  }, 60_000);
  afterAll(async () => t?.close());

  it('starts a draft without tags, and marks tags and a status without a version or a new updatedAt', async () => {
    const id = await insert('Heat pumps');
    const before = (await call('GET', `/api/v1/articles/${id}`, owner.cookie)).json();
    expect(before).toMatchObject({ tags: [], editorialStatus: 'draft', scheduledFor: null });

    const res = await patch(id, {
      tags: ['SEO', ' seo ', 'Cafe\u0301', 'café', 'Energy'],
      editorialStatus: 'review',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      tags: ['seo', 'café', 'energy'],
      editorialStatus: 'review',
      scheduledFor: null,
      updatedAt: before.updatedAt,
      markdown: before.markdown,
    });
    const versions = await t.runtime.database.db
      .select()
      .from(articleVersions)
      .where(eq(articleVersions.articleId, id));
    expect(versions).toEqual([]);
    // An editor's save on the read before the marks is not refused for them.
    const save = await patch(id, {
      markdown: `${before.markdown}\n\nMore.`,
      expectedUpdatedAt: before.updatedAt,
    });
    expect(save.statusCode, save.body).toBe(200);
    expect(save.json().tags).toEqual(['seo', 'café', 'energy']);

    // The list's items carry them too; an empty list clears the tags.
    const [item] = (await call('GET', '/api/v1/articles?q=heat', owner.cookie)).json().items;
    expect(item).toMatchObject({ id, tags: ['seo', 'café', 'energy'], editorialStatus: 'review' });
    expect((await patch(id, { tags: [] })).json().tags).toEqual([]);
  });

  it("writes the tags into the Markdown export's front matter, and no tags line without them", async () => {
    const id = await insert('Solar roofs');
    const exported = async () =>
      (await call('GET', `/api/v1/articles/${id}/export?format=md`, owner.cookie)).body.split('\n---\n')[0]!;
    expect(await exported()).not.toMatch(/^tags:/m);
    await patch(id, { tags: ['Solar', 'roofs'] });
    expect(await exported()).toMatch(/^tags:\n {2}- solar\n {2}- roofs$/m);
  });

  it('keeps the planned date while scheduled, moves it, and clears it with another status', async () => {
    const id = await insert('Solar panels');
    const scheduled = await patch(id, {
      editorialStatus: 'scheduled',
      scheduledFor: '2027-03-01T09:30:00+01:00',
    });
    expect(scheduled.statusCode, scheduled.body).toBe(200);
    expect(scheduled.json()).toMatchObject({
      editorialStatus: 'scheduled',
      scheduledFor: '2027-03-01T08:30:00.000Z',
    });
    const moved = await patch(id, { editorialStatus: 'scheduled', scheduledFor: '2027-03-08' });
    expect(moved.json().scheduledFor).toBe('2027-03-08T00:00:00.000Z');
    // Other marks leave the status and its date alone.
    expect((await patch(id, { favorite: true, tags: ['energy'] })).json()).toMatchObject({
      editorialStatus: 'scheduled',
      scheduledFor: '2027-03-08T00:00:00.000Z',
    });
    const published = await patch(id, { editorialStatus: 'published' });
    expect(published.json()).toMatchObject({ editorialStatus: 'published', scheduledFor: null });
    expect((await patch(id, { editorialStatus: 'draft', scheduledFor: null })).statusCode).toBe(200);
  });

  it('refuses bad marks with 400 at the field, changing nothing', async () => {
    const id = await insert('Wind turbines', { tags: ['kept'] });
    expect(await refusedAt(await patch(id, { editorialStatus: 'archived' }))).toEqual(['editorialStatus']);
    const tooMany = Array.from({ length: 21 }, (_, i) => `tag ${i}`);
    expect(await refusedAt(await patch(id, { tags: tooMany }))).toEqual(['tags']);
    // 21 spellings of 20 tags are 20 tags.
    const twenty = [...tooMany.slice(0, 20), 'TAG 0'];
    expect((await patch(id, { tags: twenty })).json().tags).toHaveLength(20);
    expect(await refusedAt(await patch(id, { tags: ['x'.repeat(51)] }))).toEqual(['tags.0']);
    expect(await refusedAt(await patch(id, { tags: [' '] }))).toEqual(['tags.0']);
    expect(await refusedAt(await patch(id, { tags: 'seo' }))).toEqual(['tags']);
    expect(await refusedAt(await patch(id, { editorialStatus: 'scheduled' }))).toEqual(['scheduledFor']);
    expect(await refusedAt(await patch(id, { editorialStatus: 'scheduled', scheduledFor: null }))).toEqual([
      'scheduledFor',
    ]);
    for (const date of ['next tuesday', '2027-02-30', '2027-03-01T09:30:00', '1700000000'])
      expect(await refusedAt(await patch(id, { editorialStatus: 'scheduled', scheduledFor: date }))).toEqual([
        'scheduledFor',
      ]);
    expect(await refusedAt(await patch(id, { scheduledFor: '2027-03-01' }))).toEqual(['scheduledFor']);
    expect(await refusedAt(await patch(id, { scheduledFor: null }))).toEqual(['scheduledFor']);
    expect(
      await refusedAt(await patch(id, { editorialStatus: 'review', scheduledFor: '2027-03-01' })),
    ).toEqual(['scheduledFor']);
    const now = (await call('GET', `/api/v1/articles/${id}`, owner.cookie)).json();
    expect(now.tags).toHaveLength(20);
    expect(now.editorialStatus).toBe('draft');

    expect(
      await refusedAt(await call('GET', '/api/v1/articles?editorialStatus=archived', owner.cookie)),
    ).toEqual(['editorialStatus']);
    const manyTags = tooMany.map((tag) => `tag=${encodeURIComponent(tag)}`).join('&');
    expect((await call('GET', `/api/v1/articles?${manyTags}`, owner.cookie)).statusCode).toBe(400);
    expect(
      await refusedAt(
        await call('GET', `/api/v1/articles?tag=${encodeURIComponent(tooMany.join(','))}`, owner.cookie),
      ),
    ).toEqual(['tag']);
    expect((await call('GET', `/api/v1/articles?tag=${'y'.repeat(51)}`, owner.cookie)).statusCode).toBe(400);
  });

  it('filters the list by tags (all of them, however spelled) and by editorial status', async () => {
    await insert('Filter one', { tags: ['garden', 'soil'], editorialStatus: 'review' });
    await insert('Filter two', { tags: ['garden'], editorialStatus: 'draft', favorite: true });
    await insert('Filter three', {
      tags: ['soil', 'café'],
      editorialStatus: 'scheduled',
      scheduledFor: new Date('2027-01-01T00:00:00Z'),
    });
    await t.runtime.database.db.insert(articles).values({
      workspaceId: other.workspaceId,
      brief: storedBrief('Foreign') as never,
      topic: 'Filter foreign',
      tags: ['garden', 'secret'],
      editorialStatus: 'review',
    });

    expect(await listed('tag=garden')).toEqual(['Filter one', 'Filter two']);
    expect(await listed('tag=GARDEN')).toEqual(['Filter one', 'Filter two']);
    expect(await listed('tag=garden&tag=soil')).toEqual(['Filter one']);
    expect(await listed('tag=garden,%20Soil')).toEqual(['Filter one']);
    expect(await listed(`tag=${encodeURIComponent('Cafe\u0301')}`)).toEqual(['Filter three']);
    expect(await listed('tag=garden&tag=nothing')).toEqual([]);
    expect(await listed('tag=garden&editorialStatus=review')).toEqual(['Filter one']);
    expect(await listed('tag=garden&favorite=true')).toEqual(['Filter two']);
    expect(await listed('tag=soil&q=three')).toEqual(['Filter three']);
    expect(await listed('editorialStatus=scheduled')).toEqual(['Filter three']);
    expect((await listed('tag=')).length).toBeGreaterThan(3);
    expect(await listed('tag=secret')).toEqual([]);
    // Viewers filter as editors do.
    expect(await listed('tag=soil', viewerCookie)).toEqual(['Filter one', 'Filter three']);

    // Paged through the filter.
    const first = (await call('GET', '/api/v1/articles?tag=garden&limit=1', owner.cookie)).json();
    const second = (
      await call('GET', `/api/v1/articles?tag=garden&limit=1&cursor=${first.nextCursor}`, owner.cookie)
    ).json();
    expect([...first.items, ...second.items].map((a: { topic: string }) => a.topic).sort()).toEqual([
      'Filter one',
      'Filter two',
    ]);
  });

  it("counts the workspace's tags for the filter, most used first, and no other workspace's", async () => {
    const res = await call('GET', '/api/v1/articles/tags', viewerCookie);
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json().items as { tag: string; count: number }[];
    expect(items.slice(0, 2)).toEqual([
      { tag: 'garden', count: 2 },
      { tag: 'soil', count: 2 },
    ]);
    expect(items).toContainEqual({ tag: 'café', count: 1 });
    expect(items.map((i) => i.tag)).not.toContain('secret');
    expect(res.json().nextCursor).toBeNull();
    const theirs = (await call('GET', '/api/v1/articles/tags', other.cookie)).json().items;
    expect(theirs).toEqual([
      { tag: 'garden', count: 1 },
      { tag: 'secret', count: 1 },
    ]);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/articles/tags' })).statusCode).toBe(401);
  });

  it('refuses a tag holding a comma, which the filter and the tags field split; one stored before stays, not offered', async () => {
    const id = await insert('Paris trip', { tags: ['kept'] });
    const refused = await patch(id, { tags: ['travel', 'Paris, France'] });
    expect(await refusedAt(refused)).toEqual(['tags.1']);
    expect(refused.json().error.details[0].message).toBe('Must not contain a comma: commas separate tags');
    expect((await call('GET', `/api/v1/articles/${id}`, owner.cookie)).json().tags).toEqual(['kept']);
    // Looked for as a JSON list, the one way the filter could take it whole, it is refused too.
    const lookup = `tag=${encodeURIComponent('["Paris, France"]')}`;
    expect((await call('GET', `/api/v1/articles?${lookup}`, owner.cookie)).statusCode).toBe(400);

    // A tag stored with a comma before the rule stays and is shown; the filter's choices leave it
    // out (choosing it would find the articles tagged with each half), and it is not taken back.
    const old = await insert('Old comma tag', { tags: ['paris, france', 'travel'] });
    expect((await call('GET', `/api/v1/articles/${old}`, owner.cookie)).json().tags).toEqual([
      'paris, france',
      'travel',
    ]);
    const offered = (await call('GET', '/api/v1/articles/tags', owner.cookie)).json().items as {
      tag: string;
    }[];
    expect(offered).toContainEqual({ tag: 'travel', count: 1 });
    expect(offered.map((i) => i.tag)).not.toContain('paris, france');
    expect(await refusedAt(await patch(old, { tags: ['paris, france', 'travel'] }))).toEqual(['tags.0']);
    expect((await patch(old, { tags: ['paris', 'france', 'travel'] })).json().tags).toEqual([
      'paris',
      'france',
      'travel',
    ]);
  });

  it('copies the tags into a duplicate, which starts as a draft', async () => {
    const id = await insert('Compost', {
      tags: ['garden', 'soil'],
      editorialStatus: 'scheduled',
      scheduledFor: new Date('2027-05-01T00:00:00Z'),
    });
    const copy = await call('POST', `/api/v1/articles/${id}/duplicate`, owner.cookie);
    expect(copy.statusCode, copy.body).toBe(201);
    expect(copy.json()).toMatchObject({
      tags: ['garden', 'soil'],
      editorialStatus: 'draft',
      scheduledFor: null,
    });
  });

  it("answers 404 for another workspace's article and 403 for a viewer, changing nothing", async () => {
    const id = await insert('Private', { tags: ['mine'] });
    const foreign = await patch(id, { tags: ['theirs'], editorialStatus: 'published' }, other.cookie);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().error.code).toBe('not_found');
    expect((await patch(id, { tags: ['viewer'] }, viewerCookie)).statusCode).toBe(403);
    expect((await patch(id, { editorialStatus: 'review' }, viewerCookie)).statusCode).toBe(403);
    const now = (await call('GET', `/api/v1/articles/${id}`, viewerCookie)).json();
    expect(now).toMatchObject({ tags: ['mine'], editorialStatus: 'draft' });
  });

  it('holds the status and its date in the table, whatever writes them', async () => {
    const id = await insert('Checked');
    const set = (sql: string) =>
      t.runtime.database.query(`UPDATE articles SET ${sql} WHERE id = $1`, [id]).then(
        () => 'written',
        (err: { message: string }) => err.message,
      );
    expect(await set(`editorial_status = 'archived'`)).toMatch(/articles_editorial_status_check/);
    expect(await set(`editorial_status = 'scheduled'`)).toMatch(/articles_scheduled_for_check/);
    expect(await set(`scheduled_for = now()`)).toMatch(/articles_scheduled_for_check/);
    expect(await set(`editorial_status = 'scheduled', scheduled_for = now()`)).toBe('written');
  });
});
