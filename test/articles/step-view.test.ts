// One step of an article's run through the API: what it was given and what it stored. Every step
// that ran stored its input; a gather step's sources come without their quoted text, which a key
// that may read articles but not documents must not see.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createKey, session } from '../support/accounts.ts';
import { type ArticleEnv, completedArticle, startArticleEnv, waitForArticle } from './support.ts';

let env: ArticleEnv;
let id: string;
let article: {
  id: string;
  outline: { sections: Array<{ heading: string; sourceIds: number[] }> };
  steps: Array<{ name: string; status: string }>;
  markdown: string;
};
let readerKey: string;

const getStep = (name: string, headers: Record<string, string> = session(env.cookie)) =>
  env.test.app.inject({ method: 'GET', url: `/api/v1/articles/${id}/steps/${name}`, headers });

beforeAll(async () => {
  env = await startArticleEnv('pglite');
  article = await completedArticle(env);
  id = article.id;
  expect(article.steps.length).toBeGreaterThan(8);
  readerKey = (await createKey(env.test.app, env.cookie, { name: 'reader', scopes: ['articles:read'] })).key;
}, 60_000);
afterAll(async () => {
  await env?.close();
});

describe("an article step's input and output", () => {
  it('shows, for every step that ran, what it was given and what it stored', async () => {
    for (const { name, status } of article.steps) {
      const res = await getStep(encodeURIComponent(name));
      expect(res.statusCode, `${name}: ${res.body}`).toBe(200);
      const step = res.json();
      expect(step).toMatchObject({ name, status });
      if (status === 'completed') {
        expect(step.input, name).not.toBeNull();
        expect(step.output, name).not.toBeNull();
      }
    }
    expect((await getStep('plan')).json().input.brief).toMatchObject({
      topic: 'heat pumps for family homes',
      keywords: ['heat pumps'],
    });
    const section = article.outline.sections[1]!;
    const written = (await getStep('section:1')).json();
    expect(written.input).toMatchObject({ heading: section.heading, sourceIds: section.sourceIds });
    expect(article.markdown).toContain(written.output.markdown.slice(0, 80));
    const outlined = (await getStep('outline')).json();
    expect(outlined.input.sources.length).toBeGreaterThan(0);
    expect(outlined.output.sections.map((s: { heading: string }) => s.heading)).toEqual(
      article.outline.sections.map((s) => s.heading),
    );
  });

  it('shows the gathered sources without their quoted text, to a key that may not read documents', async () => {
    const res = await getStep('gather', bearer(readerKey));
    expect(res.statusCode, res.body).toBe(200);
    const { input, output } = res.json();
    expect(input.questions.length).toBeGreaterThan(0);
    expect(output.questions).toEqual(input.questions);
    expect(output.sources.length).toBeGreaterThan(0);
    for (const s of output.sources) {
      expect(s).toMatchObject({
        n: expect.any(Number),
        title: expect.any(String),
        excerpt: expect.any(String),
      });
      expect(s).not.toHaveProperty('text');
    }
    expect(res.body).not.toContain('"text"');
  });

  it("shows a regeneration's step, its name's # written %23", async () => {
    const res = await env.test.app.inject({
      method: 'POST',
      url: `/api/v1/articles/${id}/sections/conclusion/regenerate`,
      headers: session(env.cookie),
      payload: { instruction: 'Shorter.' },
    });
    expect(res.statusCode, res.body).toBe(202);
    const after = await waitForArticle(env, id, (a) => a.status === 'completed' || a.status === 'failed');
    expect(after.status, after.error ?? '').toBe('completed');
    const step = (await getStep('conclusion%23r1')).json();
    expect(step).toMatchObject({
      name: 'conclusion#r1',
      status: 'completed',
      input: { target: 'conclusion', instruction: 'Shorter.' },
    });
    expect(typeof step.output).toBe('string');
  }, 60_000);

  it('answers 404 for a step the article does not have and 400 for a name no step has', async () => {
    const missing = await getStep('section:99');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error).toMatchObject({ code: 'not_found' });
    for (const bad of ['DROP', 'section:', 'intro%23', 'x'.repeat(61), 'plan%00']) {
      const res = await getStep(bad);
      expect(res.statusCode, `${bad}: ${res.body}`).toBe(400);
      expect(res.json().error.details[0].path).toBe('step');
    }
    const elsewhere = await env.test.app.inject({
      method: 'GET',
      url: '/api/v1/articles/00000000-0000-4000-8000-000000000000/steps/plan',
      headers: session(env.cookie),
    });
    expect(elsewhere.statusCode).toBe(404);
  });
});
