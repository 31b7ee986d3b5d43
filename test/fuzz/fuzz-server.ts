// The server the fuzzer runs against, for the suite's fuzz test and `npm run fuzz` alike: the real
// app on an embedded in-memory database, listening on loopback, its job queue worked as under
// `npm start`, a fake writer model (so briefs become real articles the fuzzer can then read, edit,
// stream and remix, and the tools write variants), and a signed-in owner with an API key.
import { articleModelResponder } from '../fakes/article-model.ts';
import { startOpenAiServer } from '../fakes/openai-server.ts';
import { toolModelResponder } from '../fakes/tool-model.ts';
import { fileForm } from '../knowledge/samples-ingest.ts';
import { createKey, setupOwner } from '../support/accounts.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import type { OpenApiDocument } from './openapi-fuzz.ts';

export interface FuzzServer {
  test: TestApp;
  baseUrl: string;
  doc: OpenApiDocument;
  credentials: { apiKey: string; cookie: string };
  /** The owner's key and user: never fuzzed into paths (revoking them would end the run's auth). */
  protectedIds: string[];
  /** Rows made before the run (an article, a document) for paths to reach. */
  knownIds: string[];
  close(): Promise<void>;
}

export async function startFuzzServer(): Promise<FuzzServer> {
  const llm = await startOpenAiServer();
  // Articles, and the short-form tools' and remixes' answers.
  const tools = toolModelResponder();
  const articles = articleModelResponder();
  llm.responder = (req) => tools(req) ?? articles(req);
  const test = await createTestApp('pglite', {
    RATE_LIMIT_ENABLED: 'false',
    OPENAI_COMPATIBLE_BASE_URL: llm.baseUrl,
    LLM_MODEL: 'compatible:fake-writer',
    LLM_PRICES_JSON: JSON.stringify({ 'compatible:fake-writer': { input: 0.15, output: 0.6 } }),
    // Fuzzed URLs (documents, briefs, LLM base URLs) must fail fast, not hang the run.
    FETCH_TIMEOUT_SECONDS: '2',
    LLM_TIMEOUT_SECONDS: '5',
  });
  await test.runtime.queue.start({ work: true });
  const owner = await setupOwner(test.app);
  const created = await createKey(test.app, owner.cookie);
  // One finished article and one document, so paths reach real rows from the first request.
  const auth = { authorization: `Bearer ${created.key}` };
  const article = await test.app.inject({
    method: 'POST',
    url: '/api/v1/articles',
    headers: auth,
    payload: { topic: 'heat pumps for family homes', words: 300, factCheck: false },
  });
  if (article.statusCode !== 202) throw new Error(`seed article: ${article.statusCode} ${article.body}`);
  const articleId = article.json().id as string;
  const form = fileForm(Buffer.from('# Heat pumps\n\nHeat pumps move heat from outdoor air.\n'), 'heat.md');
  const document = await test.app.inject({
    method: 'POST',
    url: '/api/v1/documents',
    headers: { ...auth, ...form.headers },
    payload: form.payload,
  });
  if (document.statusCode !== 202) throw new Error(`seed document: ${document.statusCode} ${document.body}`);
  for (let i = 0; i < 600; i++) {
    const res = await test.app.inject({ method: 'GET', url: `/api/v1/articles/${articleId}`, headers: auth });
    if (['completed', 'failed'].includes(res.json().status)) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const baseUrl = await test.app.listen({ port: 0, host: '127.0.0.1' });
  const doc = (await test.app.inject({ method: 'GET', url: '/docs/json' })).json() as OpenApiDocument;
  return {
    test,
    baseUrl,
    doc,
    credentials: { apiKey: created.key, cookie: owner.cookie },
    protectedIds: [created.apiKey.id, owner.body.id],
    knownIds: [articleId, document.json().id as string],
    async close() {
      await test.close();
      await llm.close();
    },
  };
}
