// GET /articles/{id}/originality on a real article (inserted with its research stored, no model):
// the paragraph copied from a source, the quotation marked as such, a copy among the workspace's
// articles and a passage of the library; a viewer reads it, another workspace does not find it, an
// article without text is a 409.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertArticle } from '../../src/articles/article-store.ts';
import { closeOriginalityCheckers } from '../../src/articles/originality/originality-pool.ts';
import { saveDocument } from '../../src/knowledge/document-store.ts';
import { inviteMember, login, session, setupOwner } from '../support/accounts.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { storedBrief } from '../support/stored-brief.ts';

const copiedParagraph =
  'Air-source heat pumps extract warmth from outdoor air even at minus fifteen degrees, and a well sized unit ' +
  'delivers three units of heat for every unit of electricity it consumes over a typical heating season.';
const quotation =
  'Installers report that most homes need no new radiators at all when the flow temperature is lowered';
const sourceText = `Field trials in cold climates. ${copiedParagraph} ${quotation}. Costs vary by region.`;
const gatheredOnly =
  'Ground-source systems cost more to install because a borehole or a trench of pipe must be dug in the garden first.';
const libraryPassage =
  'Our library guide explains that grants cover part of the installation cost for households replacing an old oil boiler.';

const markdown = [
  '# Heat pumps in cold weather',
  '',
  `Winter is when a heating system earns its keep. ${copiedParagraph} [1]`,
  '',
  `The agency adds: "${quotation}" [1].`,
  '',
  `We also read that ground-source systems cost more to install because a borehole or a trench of pipe must be dug.`,
  '',
  `Good news for owners: grants cover part of the installation cost for households replacing an old oil boiler, says our guide.`,
  '',
  '## Sources',
  '',
  '1. [Cold-climate trials](https://example.com/trials)',
].join('\n');

let t: TestApp;
let owner: Awaited<ReturnType<typeof setupOwner>>;
let viewer: string;
let id: string;
let emptyId: string;
let copyId: string;

const insert = async (topic: string, fields: { markdown?: string; sources?: unknown[] } = {}) => {
  const { row } = await insertArticle(t.runtime.database, {
    workspaceId: owner.body.workspace.id,
    userId: owner.body.id,
    brief: storedBrief(topic),
  });
  if (fields.markdown !== undefined)
    await t.runtime.database.query(
      `UPDATE articles SET markdown = $2, title = $3, sources = $4::jsonb, status = 'completed' WHERE id = $1`,
      [row.id, fields.markdown, topic, JSON.stringify(fields.sources ?? [])],
    );
  return row.id;
};

const source = (n: number, title: string, url: string, text: string) => ({
  n,
  kind: 'url',
  title,
  url,
  excerpt: text.slice(0, 100),
  text,
});

beforeAll(async () => {
  t = await createTestApp('pglite', { SIGNUP_ENABLED: 'true' });
  owner = await setupOwner(t.app);
  viewer = (
    await inviteMember(t.app, owner.cookie, {
      email: 'v@example.com',
      password: 'viewer-password',
      role: 'viewer',
    })
  ).cookie;
  const cited = source(1, 'Cold-climate trials', 'https://example.com/trials', sourceText);
  id = await insert('Heat pumps in cold weather', { markdown, sources: [cited] });
  // The research gathered two sources; the article cites the first.
  await t.runtime.database.query(
    `INSERT INTO article_steps (article_id, name, position, status, output) VALUES ($1, 'gather', 1, 'completed', $2::jsonb)`,
    [
      id,
      JSON.stringify({
        questions: ['How do heat pumps cope with cold?'],
        sources: [cited, source(2, 'Ground-source costs', 'https://example.com/ground', gatheredOnly)],
      }),
    ],
  );
  copyId = await insert('Another article', {
    markdown: `# Another article\n\nSomething else first. ${copiedParagraph}\n\nAnd an unrelated ending about bicycles.`,
  });
  await insert('Unrelated article', {
    markdown: '# Bicycles\n\nBicycles are a cheap way to get around a city.',
  });
  emptyId = await insert('Not written yet');
  await saveDocument(t.runtime.database, {
    workspaceId: owner.body.workspace.id,
    title: 'Grants guide',
    type: 'text',
    sourceKind: 'upload',
    contentHash: createHash('sha256').update(libraryPassage).digest('hex'),
    byteSize: libraryPassage.length,
    chunks: [
      {
        index: 0,
        text: libraryPassage,
        rawText: libraryPassage,
        tokenCount: 30,
        headingPath: [],
        contentHash: createHash('sha256').update(libraryPassage).digest('hex'),
      },
    ],
  });
}, 60_000);

afterAll(async () => {
  await t?.close();
  await closeOriginalityCheckers();
});

const originality = (articleId: string, cookie = owner.cookie) =>
  t.app.inject({ method: 'GET', url: `/api/v1/articles/${articleId}/originality`, headers: session(cookie) });

interface Report {
  score: number;
  totalWords: number;
  copiedWords: number;
  quotedWords: number;
  spans: Array<
    Record<string, unknown> & { kind: string; text: string; start: number; end: number; quoted: boolean }
  >;
  similarArticles: Array<{ id: string; title: string; jaccard: number }>;
  compared: { sources: number; articles: number; passages: number };
}

describe('the originality check', () => {
  it('finds the paragraph copied from a source, the quotation, the other copies, and scores the rest', async () => {
    const res = await originality(id);
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json() as Report;
    expect(report.compared).toMatchObject({ sources: 2 });
    const fromSource = report.spans.filter((s) => s.kind === 'source');
    const copied = fromSource.find((s) => !s.quoted);
    expect(copied).toMatchObject({
      source: { n: 1, title: 'Cold-climate trials', url: 'https://example.com/trials' },
      quoted: false,
    });
    // The sentence as written, where it is in the Markdown.
    expect(markdown.slice(copied!.start, copied!.end)).toBe(copied!.text);
    expect(copied!.text).toContain('Air-source heat pumps extract warmth');
    expect(copied!.matched).toBe(copiedParagraph.slice(0, -1));
    const quoted = fromSource.find((s) => s.quoted);
    expect(quoted?.copied).toBe(quotation);
    // A gathered source the article does not cite has no number.
    expect(fromSource.find((s) => (s.source as { n: number | null }).n === null)).toMatchObject({
      source: { title: 'Ground-source costs' },
    });
    expect(report.spans.find((s) => s.kind === 'document')).toMatchObject({
      libraryDocument: { title: 'Grants guide' },
    });
    expect(report.similarArticles[0]).toMatchObject({ id: copyId, title: 'Another article' });
    expect(report.similarArticles.some((a) => a.id === id)).toBe(false);
    expect(report.quotedWords).toBe(quotation.split(' ').length);
    expect(report.copiedWords).toBeGreaterThan(copiedParagraph.split(' ').length);
    expect(report.score).toBeCloseTo(1 - report.copiedWords / report.totalWords);
    expect(report.score).toBeLessThan(0.5);
  });

  it('reads the saved text, hand edits included', async () => {
    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/articles/${id}`,
      headers: session(owner.cookie),
      payload: { markdown: '# Heat pumps in cold weather\n\nAll of this is now written in our own words.' },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    const report = (await originality(id)).json() as Report;
    expect(report.spans).toEqual([]);
    expect(report.score).toBe(1);
    expect(report.totalWords).toBe(10);
  });

  it('answers a viewer, and 409 for an article without text', async () => {
    expect((await originality(copyId, viewer)).statusCode).toBe(200);
    const empty = await originality(emptyId);
    expect(empty.statusCode).toBe(409);
    expect(empty.json().error.message).toMatch(/no text yet/);
  });

  it("does not find another workspace's article", async () => {
    const signup = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/signup',
      payload: { email: 'other@example.com', password: 'other-password' },
    });
    expect(signup.statusCode).toBe(202);
    const other = await login(t.app, 'other@example.com', 'other-password');
    const res = await originality(copyId, other);
    expect(res.statusCode).toBe(404);
  });
});
