// The article pipeline end to end through the real API, on both databases, with the fake writer
// model behind the OpenAI wire protocol and real web pages as sources.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { session } from '../support/accounts.ts';
import { backends } from '../support/database.ts';
import { type ArticleEnv, postArticle, startArticleEnv, waitForArticle } from './support.ts';

describe.each(backends)('article pipeline (%s)', (backend) => {
  let env: ArticleEnv;
  beforeAll(async () => {
    env = await startArticleEnv(backend);
  }, 60_000);
  afterAll(async () => {
    await env?.close();
  });

  it('turns a brief with sources into a complete, cited, checked and scored article', async () => {
    const res = await postArticle(env, {
      topic: 'heat pumps for family homes',
      // A keyword asked twice in another case is one keyword.
      keywords: ['heat pumps', 'heating bills', 'Heat Pumps'],
      words: 900,
      research: { urls: env.urls },
    });
    expect(res.statusCode, res.body).toBe(202);
    const accepted = res.json();
    expect(accepted).toMatchObject({ status: 'queued', links: { self: `/api/v1/articles/${accepted.id}` } });

    const article = await waitForArticle(env, accepted.id);
    expect(article.status, article.error ?? '').toBe('completed');
    expect(article.grounded).toBe(true);
    expect(article.title).toMatch(/heat pumps/i);
    expect(article.slug).toMatch(/^[a-z0-9-]+$/);
    expect(article.markdown).toMatch(/^# /);
    expect(article.markdown).toContain('## References');
    expect(article.html).toContain('<h1');
    expect(article.html).not.toContain('<script');
    expect(article.wordCount).toBeGreaterThan(300);
    expect(article.outline.sections.length).toBeGreaterThanOrEqual(3);
    expect(article.sections.length).toBe(article.outline.sections.length);

    // Sources keep provenance; every citation points at one of them.
    expect(article.sources.length).toBeGreaterThan(0);
    for (const s of article.sources) {
      expect(env.urls).toContain(s.url);
      expect(s.fetchedAt).toBeTruthy();
      expect(s.excerpt.length).toBeGreaterThan(10);
    }
    const numbers = new Set(article.sources.map((s: { n: number }) => s.n));
    expect(article.citations.length).toBeGreaterThan(0);
    for (const c of article.citations) {
      for (const n of c.sources) expect(numbers.has(n)).toBe(true);
      expect(c.score).toBeGreaterThanOrEqual(0);
    }
    const cited = [...article.markdown.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
    for (const n of cited) expect(numbers.has(n)).toBe(true);
    expect(article.citations.filter((c: { supported: boolean }) => c.supported).length).toBeGreaterThan(0);

    expect(article.factCheck.claims.length).toBeGreaterThan(0);
    expect(article.factCheck.claims[0]).toMatchObject({ verdict: 'supported' });

    expect(article.seo.score).toBeGreaterThan(0);
    expect(article.seo.metaTitle.length).toBeGreaterThan(10);
    expect(article.seo.metaDescription.length).toBeGreaterThan(50);
    expect(article.seo.keywords).toEqual(['heat pumps', 'heating bills']);
    expect(article.seo.readability).toMatchObject({ formula: 'flesch', readingEase: expect.any(Number) });
    expect(article.seo.jsonLd).toMatchObject({ '@type': 'Article' });

    // The cost is the ledger's, to the token.
    expect(article.usage.inputTokens).toBeGreaterThan(0);
    expect(article.usage.costUsd).toBeGreaterThan(0);
    const ledger = await env.test.runtime.database.query<{ i: string; o: string }>(
      "SELECT sum(input_tokens) AS i, sum(output_tokens) AS o FROM llm_calls WHERE purpose_id = $1 AND purpose_kind = 'article'",
      [accepted.id],
    );
    expect(Number(ledger.rows[0]!.i)).toBe(article.usage.inputTokens);
    expect(Number(ledger.rows[0]!.o)).toBe(article.usage.outputTokens);

    const names = article.steps.map((s: { name: string }) => s.name);
    expect(names.slice(0, 3)).toEqual(['plan', 'gather', 'outline']);
    expect(names).toEqual(
      expect.arrayContaining(['section:0', 'intro', 'conclusion', 'factcheck', 'citations', 'seo', 'render']),
    );
    for (const s of article.steps) {
      expect(['completed', 'skipped']).toContain(s.status);
      if (s.status === 'completed') expect(s.finishedAt).toBeTruthy();
    }
  }, 90_000);

  it('writes a source-less brief and marks it ungrounded, with no citations', async () => {
    const res = await postArticle(env, { topic: 'morning routines for writers', words: 600, seo: false });
    expect(res.statusCode).toBe(202);
    const article = await waitForArticle(env, res.json().id);
    expect(article.status, article.error ?? '').toBe('completed');
    expect(article.grounded).toBe(false);
    expect(article.sources).toEqual([]);
    expect(article.citations).toEqual([]);
    expect(article.markdown).not.toMatch(/\[\d+\]/);
    expect(article.markdown).not.toContain('## References');
    expect(article.seo).toBeNull();
    const skipped = article.steps
      .filter((s: { status: string }) => s.status === 'skipped')
      .map((s: { name: string }) => s.name);
    expect(skipped).toEqual(expect.arrayContaining(['factcheck', 'citations', 'seo']));
  }, 60_000);

  it('rejects nonsense briefs with field paths before any model call', async () => {
    const before = env.llm.requests.length;
    const cases: Array<[unknown, string]> = [
      [{ topic: '' }, 'topic'],
      [{ topic: 'x', words: 50_000 }, 'words'],
      [{ topic: 'x', research: { urls: ['not a url'] } }, 'research.urls.0'],
      [
        { topic: 'x', research: { documents: ['6d0f3c2e-8c7a-4a8e-9d55-1f0a3e0b7c11'] } },
        'research.documents.0',
      ],
      [{ topic: 'x', research: { urls: ['http://169.254.169.254/latest/meta-data/'] } }, 'research.urls.0'],
      [{ topic: 'x', research: { web: true } }, 'research.web'],
      [{ topic: 'x', brandVoiceId: '6d0f3c2e-8c7a-4a8e-9d55-1f0a3e0b7c11' }, 'brandVoiceId'],
      // Two sections the article could not tell apart (regenerating the second rewrote the first).
      [{ topic: 'x', outline: ['Costs', 'Savings', '## costs'] }, 'outline.2'],
      // Written by its own step: asked for, it was written twice.
      [{ topic: 'x', outline: ['Costs', 'Conclusion'] }, 'outline.1'],
      [{ topic: 'x', language: 'de', outline: ['Kosten', 'Häufig gestellte Fragen'] }, 'outline.1'],
      // Four sections of at least 80 words each do not fit in 300 (the body is 80 % of the length).
      [{ topic: 'x', words: 300, outline: ['Costs', 'Savings', 'Grants', 'Noise'] }, 'words'],
    ];
    for (const [brief, path] of cases) {
      const res = await postArticle(env, brief);
      expect(res.statusCode, JSON.stringify(brief)).toBe(400);
      const body = res.json();
      expect(body.error.code).toBe('validation_error');
      expect(body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    }
    expect(env.llm.requests.length).toBe(before);
    const list = await env.test.app.inject({
      method: 'GET',
      url: '/api/v1/articles?limit=100',
      headers: session(env.cookie),
    });
    expect(list.json().items.every((a: { topic: string }) => a.topic !== 'x')).toBe(true);
  });

  it('honours Idempotency-Key: the same key returns the same article, a different brief is a conflict', async () => {
    const brief = { topic: 'idempotent writing', words: 400, factCheck: false, seo: false };
    const a = await postArticle(env, brief, { 'idempotency-key': 'key-1' });
    const b = await postArticle(env, brief, { 'idempotency-key': 'key-1' });
    expect(a.statusCode).toBe(202);
    expect(b.statusCode).toBe(202);
    expect(b.json().id).toBe(a.json().id);
    const c = await postArticle(env, { ...brief, words: 500 }, { 'idempotency-key': 'key-1' });
    expect(c.statusCode).toBe(409);
    await waitForArticle(env, a.json().id);
  }, 60_000);
});
