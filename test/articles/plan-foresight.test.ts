// The web research begins while the model is still writing the research plan: the plan's answer is
// streamed, and each question it has moved on from is searched — and its pages loaded — before the
// plan ends.
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeWeb } from '../fakes/fake-web.ts';
import { type ServerQuirks, secretReasoning } from '../fakes/scripted-server.ts';
import type { LocalServer } from '../research/local-server.ts';
import { type ArticleEnv, postArticle, startArticleEnv, waitForArticle } from './support.ts';

let env: ArticleEnv | undefined;
let web: LocalServer | undefined;
afterEach(async () => {
  await env?.close();
  await web?.close();
  env = undefined;
  web = undefined;
});

// The plan's request names its object: in the response format, the tool, or (lower rungs) the prompt.
const isPlan = (body: Record<string, unknown>) => JSON.stringify(body).includes('research_plan');

/** An article on the fake web, its plan written slowly enough (10 ms a chunk) to watch. */
async function articleOnTheWeb(quirks: ServerQuirks = {}) {
  web = await startFakeWeb();
  env = await startArticleEnv('pglite', { env: { SEARXNG_URL: web.url } });
  env.llm.quirks = quirks;
  const answer = env.llm.responder!;
  env.llm.responder = (req) => {
    const b = answer(req);
    return b && isPlan(req.body) && b.type === 'answer' ? { ...b, chunkDelayMs: 10, chunkSize: 4 } : b;
  };
  const res = await postArticle(env, {
    topic: 'heat pumps for family homes',
    words: 600,
    research: { web: true, maxWebSources: 8 },
  });
  expect(res.statusCode, res.body).toBe(202);
  const article = await waitForArticle(env, res.json().id, undefined, 120_000);
  expect(article.status, article.error ?? '').toBe('completed');
  // The request that answered the plan (a server may have refused earlier ones).
  const plan = env.llm.requests.findLast((r) => isPlan(r.body))!;
  const searches = web.received.filter((r) => r.url.pathname === '/search');
  const pages = web.received.filter((r) => r.url.pathname.startsWith('/pages/'));
  return { article, plan, searches, pages };
}

describe('research foreseen from the streaming plan', () => {
  it('searches the first questions and loads their pages before the plan has ended', async () => {
    const { article, plan, searches, pages } = await articleOnTheWeb();
    expect(plan.body.stream).toBe(true);
    const planEnded = plan.finishedAt!;
    const questions = searches.map((s) => s.url.searchParams.get('q'));
    expect(new Set(questions).size).toBe(questions.length);
    expect(questions.length).toBeGreaterThanOrEqual(3);
    // Every question but the last was searched while the plan was still being written…
    expect(searches.filter((s) => s.at < planEnded)).toHaveLength(questions.length - 1);
    // …and pages they found were loaded before it ended too; none was loaded twice.
    expect(pages.filter((p) => p.at < planEnded).length).toBeGreaterThan(0);
    expect(new Set(pages.map((p) => p.url.pathname)).size).toBe(pages.length);
    expect(article.sources.length).toBeGreaterThan(3);
  }, 180_000);

  it('streams the plan from a reasoning server that refuses json_schema, fences its JSON and reports no usage', async () => {
    const { article, plan, searches } = await articleOnTheWeb({
      thinkTags: true,
      noStreamUsage: true,
      rejectJsonSchema: true,
      fencedJson: true,
    });
    expect(plan.body.stream).toBe(true);
    expect(article.steps.find((s: { name: string }) => s.name === 'plan').outputRungs).toEqual([
      'json_object',
    ]);
    expect(searches.filter((s) => s.at < plan.finishedAt!).length).toBeGreaterThan(0);
    expect(JSON.stringify(article.outline)).not.toContain(secretReasoning);
    expect(article.usage.estimated).toBe(true);
  }, 180_000);
});
