// Prompt-size budget on the long-PDF brief: a 1,500-word article from a PDF several times larger
// than an 8k context, written by the fake OpenAI-compatible model through the real API (embedded
// database, worker in-process). Records, for every chat call the server received, prompt tokens +
// requested answer tokens against the 8,192-token window, and prints max and percentiles, the
// calls the server refused as too long (context_length_exceeded, each retried with a shorter
// prompt) and the article's word count. Two set-ups:
//  advertised: the server says its size (vLLM's max_model_len in /v1/models);
//  learned:    LLM_CONTEXT_TOKENS wrongly says 32k, the server's 400s teach the real size.
//   npm run bench -- prompt-budget          (BENCH_PAGES, default 40: pages of the PDF)
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { loadConfig } from '../src/config.ts';
import { registerJobs } from '../src/jobs/register.ts';
import { createRuntime } from '../src/runtime.ts';
import { buildServer } from '../src/server/app.ts';
import { articleModelResponder } from '../test/fakes/article-model.ts';
import { promptTokens, startOpenAiServer } from '../test/fakes/openai-server.ts';
import type { ServerQuirks } from '../test/fakes/scripted-server.ts';
import { setupOwner } from '../test/support/accounts.ts';
import { writePdf } from '../test/support/pdf-writer.ts';

const window = 8192;
const pages = Number(process.env.BENCH_PAGES ?? 40);

// Every sentence distinct, so no passage is a duplicate of another and trimming has to choose.
const regions = ['Norway', 'Finland', 'Scotland', 'Bavaria', 'Quebec', 'Hokkaido', 'Minnesota', 'Patagonia'];
const topics = ['heating bills', 'installation costs', 'winter efficiency', 'noise levels', 'grid demand'];
const pdf = writePdf(
  Array.from({ length: pages }, (_, p) => [
    ...(p === 0 ? ['Field report: heat pumps in cold regions'] : []),
    ...Array.from({ length: 40 }, (_, k) => {
      const i = p * 40 + k;
      return `Study ${i + 1} in ${regions[i % regions.length]} measured ${topics[i % topics.length]} for ${100 + i} homes and found a change of ${(i % 47) + 3} percent over ${2 + (i % 9)} winters.`;
    }),
  ]),
);

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

async function run(label: string, quirks: ServerQuirks, env: Record<string, string>) {
  const llm = await startOpenAiServer();
  llm.quirks = quirks;
  llm.responder = articleModelResponder({ quirks: llm.quirks });
  const config = loadConfig({
    ENVIRONMENT: 'test',
    LOG_LEVEL: 'silent',
    SECRET_KEY: 'bench-secret-key-that-is-long-enough-0123456789',
    OPENAI_COMPATIBLE_BASE_URL: llm.baseUrl,
    LLM_MODEL: 'compatible:fake-writer',
    LLM_CACHE_TTL: '0',
    RATE_LIMIT_ENABLED: 'false',
    ...env,
  });
  const runtime = await createRuntime(config, { dataDir: 'memory://', logger: pino({ level: 'silent' }) });
  const app = await buildServer(runtime);
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  registerJobs(runtime);
  await runtime.queue.start({ work: true });
  try {
    const { cookie } = await setupOwner(app);
    const headers = { cookie, origin: base };
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(pdf)]), 'cold-climate-field-report.pdf');
    const uploaded = await fetch(`${base}/api/v1/documents`, { method: 'POST', headers, body: form });
    const doc = (await uploaded.json()) as { id: string };
    let status = '';
    let parsedPages = 0;
    while (status !== 'ready') {
      await new Promise((r) => setTimeout(r, 200));
      const d = (await (await fetch(`${base}/api/v1/documents/${doc.id}`, { headers })).json()) as {
        status: string;
        error: string | null;
        pageCount: number | null;
      };
      if (d.status === 'failed') throw new Error(`ingestion failed: ${d.error}`);
      status = d.status;
      parsedPages = d.pageCount ?? 0;
    }
    const { rows: chunkRows } = await runtime.database.query<{ tokens: string }>(
      'SELECT sum(token_count) AS tokens FROM document_chunks WHERE document_id = $1',
      [doc.id],
    );
    const documentTokens = Number(chunkRows[0]?.tokens ?? 0);
    const before = llm.requests.length;
    const t0 = performance.now();
    const created = await fetch(`${base}/api/v1/articles`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({
        topic: 'heat pumps in cold climates',
        words: 1500,
        research: { documents: [doc.id], web: false },
        factCheck: true,
        seo: true,
      }),
    });
    const { id } = (await created.json()) as { id: string };
    let article: { status: string; wordCount: number; error: string | null; markdown: string };
    for (;;) {
      article = (await (await fetch(`${base}/api/v1/articles/${id}`, { headers })).json()) as typeof article;
      if (['completed', 'failed', 'cancelled'].includes(article.status)) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const wallS = (performance.now() - t0) / 1000;
    const chats = llm.requests.slice(before).filter((r) => r.path === '/v1/chat/completions');
    const sizes = chats.map(
      (r) => promptTokens(r.body) + Number(r.body.max_completion_tokens ?? r.body.max_tokens ?? 0),
    );
    const prompts = chats.map((r) => promptTokens(r.body)).sort((a, b) => a - b);
    const sorted = [...sizes].sort((a, b) => a - b);
    const refused = sizes.filter((n) => n > window).length;
    const accepted = sorted.filter((n) => n <= window);
    return {
      label,
      pdfPages: parsedPages,
      pdfTokens: documentTokens,
      status: article.status + (article.error ? ` (${article.error})` : ''),
      words: article.wordCount,
      wallS: wallS.toFixed(1),
      calls: sizes.length,
      refused,
      promptP50: percentile(prompts, 50),
      promptMax: prompts.at(-1),
      sizeP50: percentile(sorted, 50),
      sizeP90: percentile(sorted, 90),
      sizeP99: percentile(sorted, 99),
      sizeMax: sorted.at(-1),
      acceptedMax: accepted.at(-1),
    };
  } finally {
    await app.close();
    await runtime.close();
    await llm.close();
  }
}

const results = [
  await run(
    'advertised',
    { contextTokens: window, maxModelLen: window, modelIds: ['fake-writer'], contextErrorStyle: 'vllm' },
    {},
  ),
  await run(
    'learned',
    { contextTokens: window, contextErrorStyle: 'openai' },
    { LLM_CONTEXT_TOKENS: '32768' },
  ),
];
console.log(`Window ${window} tokens; size = prompt tokens + requested answer tokens (max_tokens).`);
console.table(results);
