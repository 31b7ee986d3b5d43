// Prompt-size budget on the long-PDF brief: a 1,500-word article from a PDF several times larger
// than an 8k context, written by the fake OpenAI-compatible model through the real API (embedded
// database, worker in-process). Records, for every chat call the server received, prompt tokens +
// requested answer tokens against the window, and prints max and percentiles, the
// calls the server refused as too long (context_length_exceeded, each retried with a shorter
// prompt) and the article's word count. Set-ups, per window (BENCH_WINDOWS, default 8192,2048):
//  advertised: the server says its size (vLLM's max_model_len in /v1/models);
//  learned:    LLM_CONTEXT_TOKENS wrongly says 32k, the server's 400s teach the real size;
// and a baseline with no limit (how large the prompts are when nothing needs trimming).
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

const windows = (process.env.BENCH_WINDOWS ?? '8192,2048').split(',').map(Number);
const pages = Number(process.env.BENCH_PAGES ?? 40);

// Every sentence distinct, so no passage is a duplicate of another and trimming has to choose.
const regions = ['Norway', 'Finland', 'Scotland', 'Bavaria', 'Quebec', 'Hokkaido', 'Minnesota', 'Patagonia'];
const topics = ['heating bills', 'installation costs', 'winter efficiency', 'noise levels', 'grid demand'];
// Lines short enough to stay on the page (text past its edge is not extracted).
const wrap = (text: string, width = 80) =>
  text.split(' ').reduce<string[]>((lines, word) => {
    const last = lines.at(-1);
    if (last !== undefined && last.length + word.length < width) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
    return lines;
  }, []);
const pdf = writePdf(
  Array.from({ length: pages }, (_, p) => [
    ...(p === 0 ? ['Field report: heat pumps in cold regions'] : []),
    ...wrap(
      Array.from({ length: 30 }, (_, k) => {
        const i = p * 30 + k;
        return `Study ${i + 1} in ${regions[i % regions.length]} measured ${topics[i % topics.length]} for ${100 + i} homes and found a change of ${(i % 47) + 3} percent over ${2 + (i % 9)} winters.`;
      }).join(' '),
    ),
  ]),
);

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

async function run(label: string, window: number | null, quirks: ServerQuirks, env: Record<string, string>) {
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
    if (process.env.BENCH_DEBUG) {
      console.log(article.markdown);
      for (const r of llm.requests.slice(before)) console.log(r.path, JSON.stringify(r.body).slice(0, 6000));
    }
    const chats = llm.requests.slice(before).filter((r) => r.path === '/v1/chat/completions');
    const sizes = chats.map(
      (r) => promptTokens(r.body) + Number(r.body.max_completion_tokens ?? r.body.max_tokens ?? 0),
    );
    const prompts = chats.map((r) => promptTokens(r.body)).sort((a, b) => a - b);
    const sorted = [...sizes].sort((a, b) => a - b);
    const refused = window === null ? 0 : sizes.filter((n) => n > window).length;
    const accepted = sorted.filter((n) => window === null || n <= window);
    return {
      label,
      window: window ?? 'none',
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

// The baseline: prompts as the pipeline builds them when the model's window is large (128k
// configured, the server takes anything): how big they are when nothing needs trimming.
const results = [await run('unlimited', null, {}, { LLM_CONTEXT_TOKENS: '128000' })];
for (const window of windows) {
  results.push(
    await run(
      'advertised',
      window,
      { contextTokens: window, maxModelLen: window, modelIds: ['fake-writer'], contextErrorStyle: 'vllm' },
      {},
    ),
    await run(
      'learned',
      window,
      { contextTokens: window, contextErrorStyle: 'openai' },
      { LLM_CONTEXT_TOKENS: '32768' },
    ),
  );
}
console.log(
  'size = prompt tokens + requested answer tokens (max_tokens); refused = context_length_exceeded 400s, each retried shorter.',
);
console.table(results);
