// A model with a small context window (8k, like many local models) writes a long article from a long
// source: prompts are built to its budget (sources cut to their best passages), the size is read from
// the server (vLLM's max_model_len), and a server that refuses a prompt as too long gets a shorter one
// instead of failing the run.
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeWeb } from '../fakes/fake-web.ts';
import { promptTokens } from '../fakes/openai-server.ts';
import type { ServerQuirks } from '../fakes/scripted-server.ts';
import { type ArticleEnv, pageHtml, postArticle, startArticleEnv, waitForArticle } from './support.ts';

const regions = ['Norway', 'Finland', 'Scotland', 'Bavaria', 'Quebec', 'Hokkaido', 'Minnesota', 'Patagonia'];
const topics = ['heating bills', 'installation costs', 'winter efficiency', 'noise levels', 'grid demand'];

// About 60,000 characters: a report far longer than an 8k context, every sentence distinct.
const longReport = {
  title: 'Field report: heat pumps in cold regions',
  paragraphs: Array.from({ length: 120 }, (_, p) =>
    Array.from({ length: 4 }, (_, k) => {
      const i = p * 4 + k;
      return `Study ${i + 1} in ${regions[i % regions.length]} measured ${topics[i % topics.length]} for ${100 + i} homes and found a change of ${(i % 47) + 3} percent over ${2 + (i % 9)} winters.`;
    }).join(' '),
  ),
};

let env: ArticleEnv | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

async function writeFromLongSource(quirks: ServerQuirks, extraEnv: Record<string, string> = {}) {
  env = await startArticleEnv('pglite', {
    extraPages: { '/long-report': pageHtml(longReport) },
    env: extraEnv,
  });
  env.llm.quirks = quirks;
  const res = await postArticle(env, {
    topic: 'heat pumps in cold climates',
    words: 1500,
    research: { urls: [`${env.web.url}/long-report`, ...env.urls] },
  });
  expect(res.statusCode, res.body).toBe(202);
  const article = await waitForArticle(env, res.json().id, undefined, 120_000);
  expect(article.status, article.error ?? '').toBe('completed');
  const chats = env.llm.requests.filter((r) => r.path === '/v1/chat/completions');
  const sizes = chats.map(
    (r) => promptTokens(r.body) + Number(r.body.max_tokens ?? r.body.max_completion_tokens ?? 0),
  );
  return { article, sizes };
}

describe('small context windows', () => {
  // 8k: a common local setup. 1.5k: smaller than the unbudgeted prompts of this article (a section's
  // sources quoted in full plus its answer), so only prompts built to the budget fit.
  it.each([8192, 1536])(
    'keeps every call of a 1,500-word article under a %i-token window the server advertises',
    async (window) => {
      const { article, sizes } = await writeFromLongSource({
        contextTokens: window,
        maxModelLen: window,
        modelIds: ['fake-writer'],
        contextErrorStyle: 'vllm',
      });
      expect(article.wordCount).toBeGreaterThan(1000);
      expect(article.sources.some((s: { url: string }) => s.url.endsWith('/long-report'))).toBe(true);
      expect(article.markdown).toContain('## References');
      expect(sizes.length).toBeGreaterThan(5);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(window);
    },
    180_000,
  );

  it('shrinks the prompt and retries when the server refuses it as too long', async () => {
    // Configured as 32k, served with 1.5k: the server's context_length_exceeded 400 teaches the truth.
    const { article, sizes } = await writeFromLongSource(
      { contextTokens: 1536, contextErrorStyle: 'openai' },
      { LLM_CONTEXT_TOKENS: '32768' },
    );
    expect(article.wordCount).toBeGreaterThan(800);
    const refused = sizes.filter((n) => n > 1536).length;
    expect(refused).toBeGreaterThan(0);
    // After learning the size, calls fit: the refused ones are few.
    expect(refused).toBeLessThan(sizes.length / 2);
  }, 180_000);

  it('keeps every call under an 8k window with the most web pages a brief may ask for', async () => {
    const web = await startFakeWeb();
    try {
      env = await startArticleEnv('pglite', { env: { SEARXNG_URL: web.url } });
      env.llm.quirks = {
        contextTokens: 8192,
        maxModelLen: 8192,
        modelIds: ['fake-writer'],
        contextErrorStyle: 'vllm',
      };
      const res = await postArticle(env, {
        topic: 'heat pumps for family homes',
        words: 1500,
        research: { web: true, maxWebSources: 20 },
      });
      expect(res.statusCode, res.body).toBe(202);
      const article = await waitForArticle(env, res.json().id, undefined, 120_000);
      expect(article.status, article.error ?? '').toBe('completed');
      // The fake web has 20 pages; three questions' searches find most of them.
      expect(article.sources.length).toBeGreaterThan(12);
      const sizes = env.llm.requests
        .filter((r) => r.path === '/v1/chat/completions')
        .map((r) => promptTokens(r.body) + Number(r.body.max_tokens ?? r.body.max_completion_tokens ?? 0));
      expect(Math.max(...sizes)).toBeLessThanOrEqual(8192);
    } finally {
      await web.close();
    }
  }, 180_000);
});
