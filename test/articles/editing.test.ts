// After a run: edit with versions, restore, regenerate one section (spliced into the edited text),
// favorites and full-text search in the list, exports, delete.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { editArticle, removeArticle } from '../../src/articles/service.ts';
import type { Database } from '../../src/db/client.ts';
import { constraintRace } from '../../src/db/constraint-race.ts';
import type { AppError } from '../../src/errors.ts';
import { session } from '../support/accounts.ts';
import { callerOf, heldStatements } from './held-statements.ts';
import { type ArticleEnv, completedArticle, startArticleEnv, waitForArticle } from './support.ts';

let env: ArticleEnv;
let id: string;
const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: Record<string, unknown>) =>
  env.test.app.inject({ method, url, headers: session(env.cookie), ...(payload ? { payload } : {}) });

const versionsOf = async () =>
  (await call('GET', `/api/v1/articles/${id}/versions`)).json().items as Array<{ id: string }>;
const textOf = async (versionId: string) =>
  (await call('GET', `/api/v1/articles/${id}/versions/${versionId}`)).json().markdown as string;

beforeAll(async () => {
  env = await startArticleEnv('pglite');
  id = (await completedArticle(env)).id;
}, 60_000);
afterAll(async () => {
  await env?.close();
});

describe('editing a finished article', () => {
  it('keeps the previous text as a version on each edit, and restores it', async () => {
    const before = (await call('GET', `/api/v1/articles/${id}`)).json();
    const edited = before.markdown.replace(/^# .*$/m, '# Heat pumps, honestly');
    const patched = await call('PATCH', `/api/v1/articles/${id}`, {
      title: 'Heat pumps, honestly',
      markdown: edited,
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ title: 'Heat pumps, honestly' });
    expect(patched.json().html).toContain('Heat pumps, honestly');
    expect(patched.json().seo.score).toEqual(expect.any(Number));
    // The slug follows the title, in the article and its SEO pack alike (the export's file name and
    // front matter are the article's); the JSON-LD says the new headline and when it was modified.
    expect(patched.json().slug).toBe('heat-pumps-honestly');
    expect(patched.json().seo.slug).toBe('heat-pumps-honestly');
    expect(patched.json().seo.jsonLd).toMatchObject({
      headline: 'Heat pumps, honestly',
      datePublished: before.seo.jsonLd.datePublished,
    });
    expect(Date.parse(patched.json().seo.jsonLd.dateModified)).toBeGreaterThan(
      Date.parse(before.seo.jsonLd.dateModified),
    );
    const md = await call('GET', `/api/v1/articles/${id}/export?format=md`);
    expect(md.headers['content-disposition']).toContain('heat-pumps-honestly.md');
    expect(md.body).toContain('slug: heat-pumps-honestly');

    const versions = (await call('GET', `/api/v1/articles/${id}/versions`)).json().items;
    expect(versions[0]).toMatchObject({ reason: 'edit', title: before.title });
    const old = (await call('GET', `/api/v1/articles/${id}/versions/${versions[0].id}`)).json();
    expect(old.markdown).toBe(before.markdown);

    const restored = await call('POST', `/api/v1/articles/${id}/versions/${versions[0].id}/restore`);
    expect(restored.json()).toMatchObject({
      title: before.title,
      markdown: before.markdown,
      slug: before.slug,
    });
    const after = (await call('GET', `/api/v1/articles/${id}/versions`)).json().items;
    expect(after.map((v: { reason: string }) => v.reason)).toEqual(['restore', 'edit']);
  });

  it('regenerates one section into the current text, keeping the old text as a version', async () => {
    const before = (await call('GET', `/api/v1/articles/${id}`)).json();
    const heading = before.sections[1].heading;
    // A hand edit elsewhere must survive the regeneration.
    const edited = before.markdown.replace(/^(# .*)$/m, '$1\n\nAn editor’s note added by hand.');
    await call('PATCH', `/api/v1/articles/${id}`, { markdown: edited });
    // An article stored with another slug than its SEO pack's (a slug rule changed since): the
    // regeneration's fresh pack and the article agree again.
    await env.test.runtime.database.query(`UPDATE articles SET slug = 'a-stale-slug' WHERE id = $1`, [id]);
    const requestsBefore = env.llm.requests.length;
    const res = await call('POST', `/api/v1/articles/${id}/sections/1/regenerate`);
    expect(res.statusCode).toBe(202);
    const article = await waitForArticle(env, id, (a) => a.status === 'completed' || a.status === 'failed');
    expect(article.status, article.error ?? '').toBe('completed');
    expect(article.markdown).toContain('An editor’s note added by hand.');
    expect(article.markdown).toContain(`## ${heading}`);
    expect(article.slug).toBe(article.seo.slug);
    expect(article.slug).not.toBe('a-stale-slug');
    expect(env.llm.requests.length).toBeGreaterThan(requestsBefore);
    const numbers = new Set(article.sources.map((s: { n: number }) => s.n));
    for (const m of article.markdown.matchAll(/\[(\d+)\]/g)) expect(numbers.has(Number(m[1]))).toBe(true);
    const versions = (await call('GET', `/api/v1/articles/${id}/versions`)).json().items;
    expect(versions[0].reason).toBe('regenerate');
    expect(article.steps.map((s: { name: string }) => s.name)).toContain('section:1#r1');

    // A second regeneration is its own step, whatever became of the first one's citation refresh.
    expect((await call('POST', `/api/v1/articles/${id}/sections/1/regenerate`)).statusCode).toBe(202);
    const twice = await waitForArticle(env, id, (a) => a.status === 'completed' || a.status === 'failed');
    expect(twice.status, twice.error ?? '').toBe('completed');
    const names = twice.steps.map((s: { name: string }) => s.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'section:1#r1',
        'section:1#r1:citations',
        'section:1#r2',
        'section:1#r2:citations',
      ]),
    );

    const missing = await call('POST', `/api/v1/articles/${id}/sections/42/regenerate`);
    expect(missing.statusCode).toBe(404);
  }, 60_000);

  it('refuses to regenerate a section whose heading an edit removed, and the article stays completed', async () => {
    const before = (await call('GET', `/api/v1/articles/${id}`)).json();
    const withoutHeadings = before.markdown.replace(/^## .*$/gm, 'A plain paragraph instead of a heading.');
    expect((await call('PATCH', `/api/v1/articles/${id}`, { markdown: withoutHeadings })).statusCode).toBe(
      200,
    );
    const versionsBefore = (await call('GET', `/api/v1/articles/${id}/versions`)).json().items.length;

    const res = await call('POST', `/api/v1/articles/${id}/sections/0/regenerate`);
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ code: 'conflict', message: expect.stringMatching(/heading/) });
    const after = (await call('GET', `/api/v1/articles/${id}`)).json();
    expect(after.status).toBe('completed');
    expect(after.markdown).toBe(withoutHeadings);
    // Nothing was queued or versioned for it.
    expect((await call('GET', `/api/v1/articles/${id}/versions`)).json().items.length).toBe(versionsBefore);
    await call('PATCH', `/api/v1/articles/${id}`, { markdown: before.markdown });
  });

  it('lists with full-text search, status and favorites', async () => {
    await call('PATCH', `/api/v1/articles/${id}`, { favorite: true });
    const hit = (await call('GET', '/api/v1/articles?q=heat%20pumps')).json();
    expect(hit.items.map((a: { id: string }) => a.id)).toContain(id);
    const miss = (await call('GET', '/api/v1/articles?q=submarine')).json();
    expect(miss.items).toEqual([]);
    const favorites = (await call('GET', '/api/v1/articles?favorite=true&status=completed')).json();
    expect(favorites.items).toEqual([expect.objectContaining({ id, favorite: true, status: 'completed' })]);
    expect(favorites.items[0].costUsd).toBeGreaterThan(0);
  });

  it('exports Markdown with front matter, HTML, text and JSON', async () => {
    const md = await call('GET', `/api/v1/articles/${id}/export?format=md`);
    expect(md.headers['content-type']).toMatch(/text\/markdown/);
    expect(md.headers['content-disposition']).toMatch(/attachment; filename=".+\.md"/);
    expect(md.body).toMatch(/^---\ntitle: .+\ndescription: .+\nslug: .+\nkeywords:\n {2}- heat pumps\n/);
    // "n" is quoted: YAML 1.1 readers (Jekyll, PyYAML) may take a bare n for false.
    expect(md.body).toMatch(/sources:\n {2}- "n": 1\n {4}title: .+\n {4}url: http/);
    const html = await call('GET', `/api/v1/articles/${id}/export?format=html`);
    expect(html.body).toMatch(/^<!doctype html>/);
    expect(html.body).toContain('application/ld+json');
    const txt = await call('GET', `/api/v1/articles/${id}/export?format=txt`);
    expect(txt.body).not.toMatch(/[#*]/);
    const json = await call('GET', `/api/v1/articles/${id}/export?format=json`);
    expect(JSON.parse(json.body).id).toBe(id);
    // Sent as the export wrote it (indented), not serialized again by the documented schema.
    expect(json.body).toMatch(/^\{\n {2}"id": /);
    const bad = await call('GET', `/api/v1/articles/${id}/export?format=rtf`);
    expect(bad.statusCode).toBe(400);
  });

  it('refuses a save made on an older read with 409 and saves nothing of it', async () => {
    const read = (await call('GET', `/api/v1/articles/${id}`)).json();
    const kept = (await versionsOf()).length;

    // Two editors opened the same text; the first saves.
    const first = await call('PATCH', `/api/v1/articles/${id}`, {
      markdown: `${read.markdown}\n\nFirst editor's paragraph.`,
      expectedUpdatedAt: read.updatedAt,
    });
    expect(first.statusCode).toBe(200);
    expect(Date.parse(first.json().updatedAt)).toBeGreaterThan(Date.parse(read.updatedAt));
    // The second, on the text it read, is refused and nothing of it is written.
    const second = await call('PATCH', `/api/v1/articles/${id}`, {
      markdown: `${read.markdown}\n\nSecond editor's paragraph.`,
      expectedUpdatedAt: read.updatedAt,
    });
    expect(second.statusCode).toBe(409);
    expect(second.json().error).toMatchObject({
      code: 'conflict',
      details: [{ path: 'expectedUpdatedAt', message: `The article changed at ${first.json().updatedAt}` }],
    });
    const now = (await call('GET', `/api/v1/articles/${id}`)).json();
    expect(now.markdown).toContain("First editor's paragraph.");
    expect(now.markdown).not.toContain("Second editor's paragraph.");
    expect((await versionsOf()).length).toBe(kept + 1);
    // A favorite changes no text: an older read does not matter to it.
    const star = await call('PATCH', `/api/v1/articles/${id}`, {
      favorite: true,
      expectedUpdatedAt: read.updatedAt,
    });
    expect(star.statusCode).toBe(200);
  });

  it("leaves updatedAt as it was when a colleague marks a favorite, so an editor's save is not refused", async () => {
    const read = (await call('GET', `/api/v1/articles/${id}`)).json();
    const star = await call('PATCH', `/api/v1/articles/${id}`, { favorite: !read.favorite });
    expect(star.json()).toMatchObject({ favorite: !read.favorite, updatedAt: read.updatedAt });
    const save = await call('PATCH', `/api/v1/articles/${id}`, {
      markdown: `${read.markdown}\n\nSaved after a colleague's favorite.`,
      expectedUpdatedAt: read.updatedAt,
    });
    expect(save.statusCode, save.body).toBe(200);
    expect(save.json().favorite).toBe(!read.favorite);
  });

  it('saves one of two writers racing on one read, and loses no text to writers without an expectation', async () => {
    const { runtime } = env.test;
    const caller = await callerOf(env, id);
    // Every writer reads the article before any of them writes.
    const heldTogether = (writers: number) => heldStatements(runtime.database, writers).database;
    const edit = (database: Database, markdown: string, expectedUpdatedAt?: Date) =>
      editArticle({ ...runtime, database }, caller, id, {
        markdown,
        ...(expectedUpdatedAt ? { expectedUpdatedAt } : {}),
      }).then(
        () => 'saved',
        (err: AppError) => err.code,
      );

    const read = (await call('GET', `/api/v1/articles/${id}`)).json();
    const kept = (await versionsOf()).length;
    const together = heldTogether(2);
    const racing = await Promise.all(
      ['A', 'B'].map((who) =>
        edit(together, `${read.markdown}\n\nRacing editor ${who}.`, new Date(read.updatedAt)),
      ),
    );
    expect(racing.sort()).toEqual(['conflict', 'saved']);
    expect((await versionsOf()).length).toBe(kept + 1);

    // Without an expectation each writer saves in turn, and every text replaced is a version.
    const base = (await call('GET', `/api/v1/articles/${id}`)).json().markdown as string;
    const texts = [1, 2, 3, 4].map((n) => `${base}\n\nUnchecked writer ${n}.`);
    const four = heldTogether(4);
    expect(await Promise.all(texts.map((markdown) => edit(four, markdown)))).toEqual([
      'saved',
      'saved',
      'saved',
      'saved',
    ]);
    const finalText = (await call('GET', `/api/v1/articles/${id}`)).json().markdown as string;
    const newest = (await versionsOf()).slice(0, 4);
    const replaced = await Promise.all(newest.map((v) => textOf(v.id)));
    expect(new Set([...replaced, finalText])).toEqual(new Set([base, ...texts]));
    expect((await versionsOf()).length).toBe(kept + 5);
  });

  it('answers an edit whose article is deleted while it keeps the version as a race lost, not a crash', async () => {
    const { runtime } = env.test;
    const other = (await completedArticle(env)).id;
    const caller = await callerOf(env, other);
    // The edit has read the article; the delete lands before it keeps the text as a version.
    const held = heldStatements(runtime.database);
    const editing = editArticle({ ...runtime, database: held.database }, caller, other, {
      markdown: 'Edited while deleted.',
    }).then(
      () => undefined,
      (err: unknown) => err,
    );
    await held.reached;
    await removeArticle(runtime, caller, other);
    held.release();
    const err = await editing;
    expect(constraintRace(err)).toMatchObject({ kind: 'deleted' });
    expect((await call('GET', `/api/v1/articles/${other}`)).statusCode).toBe(404);
  });

  it('deletes the article and everything of it', async () => {
    expect((await call('DELETE', `/api/v1/articles/${id}`)).statusCode).toBe(204);
    expect((await call('GET', `/api/v1/articles/${id}`)).statusCode).toBe(404);
    const { rows } = await env.test.runtime.database.query(
      'SELECT 1 FROM article_steps WHERE article_id = $1',
      [id],
    );
    expect(rows).toEqual([]);
  });
});
