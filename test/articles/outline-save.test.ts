// The outline, title and gathered sources are saved on the article once the sections' requests are
// answered, not before they are sent (on PGlite that statement would run on the thread sending them);
// a run whose sections fail still leaves them on the article.
import { afterEach, describe, expect, it } from 'vitest';
import { articleModelResponder } from '../fakes/article-model.ts';
import { promptOf } from '../fakes/request-fields.ts';
import { type ArticleEnv, postArticle, startArticleEnv, waitForArticle } from './support.ts';

const isSection = (prompt: string) => prompt.includes('Write the body of section');

describe('outline save', () => {
  let env: ArticleEnv | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  it('is written once the sections are answered, and the article ends with it', async () => {
    env = await startArticleEnv('pglite');
    const writer = articleModelResponder();
    env.llm.responder = (req) => {
      const answer = writer(req);
      // The sections' answers are held back: their requests are out, none is answered yet.
      return isSection(promptOf(req)) && answer?.type === 'answer' ? { ...answer, delayMs: 1500 } : answer;
    };
    const res = await postArticle(env, { topic: 'heat pumps', words: 750, research: { urls: env.urls } });
    expect(res.statusCode, res.body).toBe(202);
    const id = res.json().id;
    type Step = { name: string; status: string };
    const writing = await waitForArticle(env, id, (a) =>
      (a as unknown as { steps: Step[] }).steps.some(
        (s) => s.name.startsWith('section:') && s.status === 'running',
      ),
    );
    expect(writing.status).toBe('running');
    expect(writing.outline).toBeNull();
    const done = await waitForArticle(env, id);
    expect(done.status, done.error ?? '').toBe('completed');
    expect(done.outline.sections.length).toBeGreaterThan(0);
    expect(done.title).toBe(done.outline.title);
    expect(done.sources.length).toBeGreaterThan(0);
  }, 60_000);

  it('is on the article of a run whose sections all fail', async () => {
    env = await startArticleEnv('pglite', { env: { ARTICLE_STEP_ATTEMPTS: '1', LLM_MAX_RETRIES: '0' } });
    const writer = articleModelResponder();
    env.llm.responder = (req) =>
      isSection(promptOf(req)) ? { type: 'error', status: 400, message: 'no sections today' } : writer(req);
    const res = await postArticle(env, { topic: 'heat pumps', words: 750, research: { urls: env.urls } });
    const article = await waitForArticle(env, res.json().id);
    expect(article.status).toBe('failed');
    expect(article.outline.sections.length).toBeGreaterThan(0);
    expect(article.grounded).toBe(true);
  }, 60_000);
});
