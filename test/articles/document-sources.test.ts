// Documents as sources: a PDF uploaded through the API and named in the brief gives passages with
// their page, and the article's citations point at the page that says it. The knowledge-base
// option finds matching passages of the whole library without naming documents.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileForm, threePagePdf } from '../knowledge/samples-ingest.ts';
import { session } from '../support/accounts.ts';
import { type ArticleEnv, postArticle, startArticleEnv, waitForArticle } from './support.ts';

let env: ArticleEnv;
let documentId: string;

beforeAll(async () => {
  env = await startArticleEnv('pglite');
  const form = fileForm(threePagePdf('article-sources'), 'renewables.pdf');
  const upload = await env.test.app.inject({
    method: 'POST',
    url: '/api/v1/documents',
    headers: { ...session(env.cookie), ...form.headers },
    payload: form.payload,
  });
  expect(upload.statusCode, upload.body).toBe(202);
  documentId = upload.json().id;
  for (let i = 0; i < 300; i++) {
    const doc = await env.test.app.inject({
      method: 'GET',
      url: `/api/v1/documents/${documentId}`,
      headers: session(env.cookie),
    });
    if (doc.json().status === 'ready') return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('document never became ready');
}, 90_000);
afterAll(async () => {
  await env?.close();
});

const pageOf: Record<string, number> = {
  photovoltaic: 1,
  inverter: 1,
  battery: 2,
  charges: 2,
  honeybee: 3,
  varroa: 3,
};

describe('documents as article sources', () => {
  it('cites passages of a named PDF with the page they come from', async () => {
    const res = await postArticle(env, {
      topic: 'home energy: solar panels, electric cars and beekeeping',
      words: 600,
      research: { documents: [documentId] },
    });
    expect(res.statusCode, res.body).toBe(202);
    const article = await waitForArticle(env, res.json().id);
    expect(article.status, article.error ?? '').toBe('completed');
    expect(article.grounded).toBe(true);
    expect(article.sources.length).toBeGreaterThan(0);
    for (const s of article.sources) {
      expect(s).toMatchObject({ kind: 'document', documentId });
      expect([1, 2, 3]).toContain(s.page);
    }
    // Each cited sentence's distinctive word is on the page of the source it cites.
    let checked = 0;
    for (const c of article.citations) {
      const word = Object.keys(pageOf).find((w) => c.sentence.toLowerCase().includes(w));
      if (!word) continue;
      const pages = c.sources.map((n: number) => article.sources.find((s: { n: number }) => s.n === n).page);
      expect(pages, c.sentence).toContain(pageOf[word]);
      checked++;
    }
    expect(checked).toBeGreaterThan(0);
    expect(article.markdown).toMatch(/— document, p\. [123]/);
  }, 60_000);

  it('finds matching passages in the knowledge base when asked to search it', async () => {
    const res = await postArticle(env, {
      topic: 'keeping a honeybee colony healthy',
      words: 400,
      research: { knowledge: true },
    });
    const article = await waitForArticle(env, res.json().id);
    expect(article.status, article.error ?? '').toBe('completed');
    expect(article.sources.length).toBeGreaterThan(0);
    expect(article.sources.every((s: { kind: string }) => s.kind === 'knowledge')).toBe(true);
    expect(article.sources.some((s: { page: number }) => s.page === 3)).toBe(true);
  }, 60_000);
});

describe('a named document not ready', () => {
  it('refuses the brief, saying which and why, instead of writing the article without it', async () => {
    const statusOf = (status: string) =>
      env.test.runtime.database.query('UPDATE documents SET status = $2 WHERE id = $1', [documentId, status]);
    try {
      for (const [status, said] of [
        ['queued', /still being read \(queued\)/],
        ['processing', /still being read \(processing\)/],
        ['failed', /could not be read/],
      ] as const) {
        await statusOf(status);
        const res = await postArticle(env, {
          topic: 'solar panels',
          words: 600,
          research: { documents: [documentId] },
        });
        expect(res.statusCode, status).toBe(400);
        const detail = res.json().error.details[0];
        expect(detail.path).toBe('research.documents.0');
        expect(detail.message).toMatch(said);
      }
    } finally {
      await statusOf('ready');
    }
  });
});
