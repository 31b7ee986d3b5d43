// The article pipeline against fakes that behave like the servers people self-host (Ollama, vLLM,
// llama.cpp, LM Studio): each quirk switched on at the server, a whole article run through the API.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { secretReasoning } from '../fakes/scripted-server.ts';
import { session } from '../support/accounts.ts';
import { type ArticleEnv, postArticle, startArticleEnv, waitForArticle } from './support.ts';

let env: ArticleEnv;
beforeAll(async () => {
  env = await startArticleEnv('pglite');
}, 60_000);
afterAll(async () => {
  await env?.close();
});
afterEach(() => {
  env.llm.quirks = {};
});

async function eventsOf(id: string) {
  const { rows } = await env.test.runtime.database.query<{ type: string; data: { text?: string } }>(
    'SELECT type, data FROM article_events WHERE article_id = $1 ORDER BY id',
    [id],
  );
  return rows;
}

async function generate(topic: string) {
  const res = await postArticle(env, { topic, words: 600, research: { urls: env.urls } });
  expect(res.statusCode, res.body).toBe(202);
  const article = await waitForArticle(env, res.json().id);
  expect(article.status, article.error ?? '').toBe('completed');
  return article;
}

describe('article pipeline on real-server quirks', () => {
  it.each([
    ['<think> blocks in the content', { thinkTags: true }],
    ['a reasoning_content field', { reasoningField: 'reasoning_content' as const }],
  ])(
    'keeps reasoning out of the article with %s, shows it as thinking, counts it',
    async (_n, quirks) => {
      env.llm.quirks = quirks;
      const article = await generate('heat pumps for thinking homes');
      expect(article.markdown).not.toContain(secretReasoning);
      expect(article.markdown).not.toContain('think>');
      expect(article.markdown).toContain('## References');
      expect(JSON.stringify(article.outline)).not.toContain(secretReasoning);
      expect(JSON.stringify(article.seo)).not.toContain(secretReasoning);

      const events = await eventsOf(article.id);
      const deltas = events.filter((e) => e.type === 'section.delta').map((e) => e.data.text ?? '');
      expect(deltas.length).toBeGreaterThan(0);
      expect(deltas.join('')).not.toContain(secretReasoning);
      const thinking = events.filter((e) => e.type === 'section.thinking').map((e) => e.data.text ?? '');
      expect(thinking.join('')).toContain(secretReasoning);

      // The reasoning tokens are in the bill (the fake counts them in completion_tokens).
      const { rows } = await env.test.runtime.database.query<{ o: string }>(
        "SELECT sum(output_tokens) AS o FROM llm_calls WHERE purpose_id = $1 AND purpose_kind = 'article'",
        [article.id],
      );
      expect(Number(rows[0]!.o)).toBe(article.usage.outputTokens);
    },
    90_000,
  );

  // The cases run in order on one model, as a server's rungs are remembered: each starts where the
  // previous one left the model (json_schema, then json_object), and steps down only as far as needed.
  it.each([
    [
      'refuses json_schema and fences its JSON after a preamble',
      { rejectJsonSchema: true, fencedJson: true, trailingText: true },
      'json_object',
    ],
    ['ignores response_format', { ignoreResponseFormat: true }, 'json_object'],
    [
      'refuses every response_format and tools, answering chatty text',
      { rejectResponseFormat: true, rejectTools: true, fencedJson: true },
      'text',
    ],
  ])(
    'completes an article from a server that %s, and its steps say which rung answered',
    async (_n, quirks, rung) => {
      env.llm.quirks = quirks;
      const article = await generate(`heat pumps and ${rung} answers`);
      const structuredSteps = article.steps.filter((s: { name: string }) =>
        ['plan', 'outline', 'seo', 'factcheck', 'citations'].includes(s.name),
      );
      for (const step of structuredSteps)
        if (step.status === 'completed') expect(step.outputRungs, step.name).toEqual([rung]);
      expect(article.steps.find((s: { name: string }) => s.name === 'plan').outputRungs).toEqual([rung]);
      expect(article.outline.sections.length).toBeGreaterThanOrEqual(3);
      expect(article.seo.metaDescription.length).toBeGreaterThan(50);
      expect(article.markdown).toContain('## References');
    },
    90_000,
  );

  it('normalises every citation spelling to [n] and removes numbers of sources never given', async () => {
    env.llm.quirks = { citationSpellings: true };
    const article = await generate('heat pumps cited every which way');
    const body = article.markdown.split('## References')[0];
    expect(body).not.toMatch(/【|\(Sources? \d|\^\d|\[\d+\s*[,–-]|\[Source/);
    const numbers = new Set(article.sources.map((s: { n: number }) => s.n));
    const cited = [...body.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
    expect(cited.length).toBeGreaterThan(5);
    for (const n of cited) expect(numbers.has(n)).toBe(true);
    const render = await env.test.runtime.database.query<{ output: { removedCitations: number } }>(
      "SELECT output FROM article_steps WHERE article_id = $1 AND name = 'render'",
      [article.id],
    );
    // One invented citation per section.
    expect(render.rows[0]!.output.removedCitations).toBe(article.outline.sections.length);
  }, 90_000);

  it('bills a server that reports no usage with estimated, non-zero counts, and says so', async () => {
    env.llm.quirks = { noUsage: true, thinkTags: true };
    const article = await generate('heat pumps on a server without usage');
    expect(article.usage.estimated).toBe(true);
    expect(article.usage.inputTokens).toBeGreaterThan(1000);
    expect(article.usage.outputTokens).toBeGreaterThan(article.wordCount);
    expect(article.usage.costUsd).toBeGreaterThan(0);
    for (const step of article.steps)
      if (step.inputTokens > 0) expect(step.usageEstimated, step.name).toBe(true);
    const { rows } = await env.test.runtime.database.query<{
      n: string;
      est: string;
      i: string;
      o: string;
      r: string;
    }>(
      `SELECT count(*) AS n, count(*) FILTER (WHERE usage_estimated) AS est, sum(input_tokens) AS i,
         sum(output_tokens) AS o, sum(reasoning_tokens) AS r
       FROM llm_calls WHERE purpose_id = $1 AND purpose_kind = 'article'`,
      [article.id],
    );
    const ledger = rows[0]!;
    expect(Number(ledger.est)).toBe(Number(ledger.n));
    expect(Number(ledger.i)).toBe(article.usage.inputTokens);
    expect(Number(ledger.o)).toBe(article.usage.outputTokens);
    // The think blocks were generated too: counted as reasoning within the output.
    expect(Number(ledger.r)).toBeGreaterThan(0);
    const usage = await env.test.app.inject({
      method: 'GET',
      url: '/api/v1/usage?groupBy=model',
      headers: session(env.cookie),
    });
    expect(usage.statusCode, usage.body).toBe(200);
    expect(JSON.stringify(usage.json())).toContain('"estimatedCalls"');
  }, 90_000);
});
