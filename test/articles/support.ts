// An article-pipeline test environment: the fake OpenAI server answering as a writer model, a
// local web server with source pages, the real app on a test database with its worker running,
// and a signed-in owner.
import type { ServerResponse } from 'node:http';
import { type ArticleModelOptions, articleModelResponder } from '../fakes/article-model.ts';
import { startOpenAiServer } from '../fakes/openai-server.ts';
import type { FakeServer } from '../fakes/scripted-server.ts';
import { html, type LocalServer, startServer } from '../research/local-server.ts';
import { session, setupOwner } from '../support/accounts.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import type { Backend } from '../support/database.ts';

export const sourcePages: Record<string, { title: string; paragraphs: string[] }> = {
  '/heat-pumps': {
    title: 'How heat pumps cut heating bills',
    paragraphs: [
      'Air source heat pumps move heat from outdoor air into the home and deliver three units of heat for each unit of electricity.',
      'A field study of 700 homes found that heat pumps reduced heating energy use by 52 percent compared with gas boilers.',
      'Installation costs between 8,000 and 14,000 dollars depending on the size of the house and the ductwork required.',
      'Government rebates covered up to 30 percent of the installation cost for qualifying households in 2024.',
    ],
  },
  '/insulation': {
    title: 'Insulation comes first',
    paragraphs: [
      'Insulating the attic and walls before installing a heat pump lets installers choose a smaller and cheaper unit.',
      'Homes with modern insulation lose roughly half as much heat through the roof as uninsulated homes.',
      'Energy auditors recommend sealing air leaks around windows and doors as the cheapest first improvement.',
    ],
  },
  '/cold-climates': {
    title: 'Heat pumps in cold climates',
    paragraphs: [
      'Modern cold climate heat pumps keep working efficiently at outdoor temperatures as low as minus 25 degrees Celsius.',
      'Norway and Finland have the highest numbers of heat pumps per household in Europe despite their cold winters.',
      'Backup resistance heaters are rarely needed when the heat pump is sized for the coldest week of the year.',
    ],
  },
};

export function pageHtml(page: { title: string; paragraphs: string[] }) {
  return `<!doctype html><html lang="en"><head><title>${page.title}</title></head><body><main><article><h1>${page.title}</h1>${page.paragraphs
    .map((p) => `<p>${p}</p>`)
    .join('')}</article></main></body></html>`;
}

export interface ArticleEnv {
  test: TestApp;
  llm: FakeServer;
  web: LocalServer;
  cookie: string;
  urls: string[];
  close(): Promise<void>;
}

export async function startArticleEnv(
  backend: Backend,
  opts: {
    model?: ArticleModelOptions;
    env?: Record<string, string>;
    work?: boolean;
    extraPages?: Record<string, string>;
  } = {},
): Promise<ArticleEnv> {
  const llm = await startOpenAiServer();
  llm.responder = articleModelResponder({ ...opts.model, quirks: llm.quirks });
  const routes: Record<string, (req: unknown, res: ServerResponse) => void> = {};
  for (const [path, page] of Object.entries(sourcePages))
    routes[path] = (_req, res) => html(res, pageHtml(page));
  for (const [path, body] of Object.entries(opts.extraPages ?? {}))
    routes[path] = (_req, res) => html(res, body);
  const web = await startServer(routes);
  const test = await createTestApp(backend, {
    OPENAI_COMPATIBLE_BASE_URL: llm.baseUrl,
    LLM_MODEL: 'compatible:fake-writer',
    LLM_PRICES_JSON: JSON.stringify({ 'compatible:fake-writer': { input: 0.15, output: 0.6 } }),
    FETCH_ALLOW_HOSTS: '127.0.0.1',
    LLM_CACHE_TTL: '0',
    ...opts.env,
  });
  if (opts.work !== false) await test.runtime.queue.start({ work: true });
  const { cookie } = await setupOwner(test.app);
  return {
    test,
    llm,
    web,
    cookie,
    urls: Object.keys(sourcePages).map((p) => `${web.url}${p}`),
    async close() {
      await test.close();
      await llm.close();
      await web.close();
    },
  };
}

export async function waitForArticle(
  env: ArticleEnv,
  id: string,
  until: (a: { status: string }) => boolean = (a) => ['completed', 'failed', 'cancelled'].includes(a.status),
  timeoutMs = 60_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await env.test.app.inject({
      method: 'GET',
      url: `/api/v1/articles/${id}`,
      headers: session(env.cookie),
    });
    const body = res.json();
    if (res.statusCode === 200 && until(body)) return body;
    if (Date.now() > deadline)
      throw new Error(`article ${id} still ${body.status}: ${res.body.slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function postArticle(env: ArticleEnv, brief: unknown, headers: Record<string, string> = {}) {
  return env.test.app.inject({
    method: 'POST',
    url: '/api/v1/articles',
    headers: { ...session(env.cookie), ...headers },
    payload: brief as Record<string, unknown>,
  });
}

/**
 * A 700-word article on heat pumps from the env's pages, generated to the end; fails unless it
 * completed. The article as `GET /articles/{id}` answers it.
 */
export async function completedArticle(env: ArticleEnv) {
  const res = await postArticle(env, {
    topic: 'heat pumps for family homes',
    words: 700,
    keywords: ['heat pumps'],
    research: { urls: env.urls },
  });
  if (res.statusCode !== 202) throw new Error(`article not accepted: ${res.statusCode} ${res.body}`);
  const article = await waitForArticle(env, res.json().id);
  if (article.status !== 'completed') throw new Error(`article ${article.status}: ${article.error}`);
  return article;
}
