// The FAQ reads only the outline: it is written in the sections' queue, in a slot the sections
// leave free, not after the last of them; the intro and conclusion, which read the sections, still
// wait for all of them. Checked on the fake model's request log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promptOf, schemaOf } from '../fakes/request-fields.ts';
import { type ArticleEnv, postArticle, startArticleEnv, waitForArticle } from './support.ts';

describe('FAQ scheduling', () => {
  let env: ArticleEnv;
  beforeAll(async () => {
    // Two at once and three sections: the third section and the FAQ share the second round.
    env = await startArticleEnv('pglite', { env: { SECTION_CONCURRENCY: '2' }, model: { chunkDelayMs: 2 } });
  }, 60_000);
  afterAll(async () => {
    await env?.close();
  });

  it('writes the FAQ beside the last section, and the intro and conclusion after every section', async () => {
    const res = await postArticle(env, {
      topic: 'heat pumps for family homes',
      words: 750,
      research: { urls: env.urls },
      factCheck: false,
      seo: false,
    });
    expect(res.statusCode, res.body).toBe(202);
    const article = await waitForArticle(env, res.json().id);
    expect(article.status, article.error ?? '').toBe('completed');
    expect(article.outline.sections).toHaveLength(3);
    expect(article.markdown).toMatch(/FAQ|Frequently/i);

    const calls = env.llm.requests.filter((r) => r.path === '/v1/chat/completions');
    const sections = calls.filter((r) => promptOf(r).includes('Write the body of section'));
    const faq = calls.filter((r) => schemaOf(r) === 'faq');
    const frame = calls.filter((r) => /Write the (introduction|conclusion)/.test(promptOf(r)));
    expect(sections).toHaveLength(3);
    expect(faq).toHaveLength(1);
    expect(frame).toHaveLength(2);
    const sectionsEnd = Math.max(...sections.map((r) => r.finishedAt!));
    expect(faq[0]!.at).toBeLessThan(sectionsEnd);
    for (const r of frame) expect(r.at).toBeGreaterThanOrEqual(sectionsEnd);
  });
});
