// Article pipeline benchmarks against the fake writer model with a fixed per-token latency and
// token counts from a real tokenizer (o200k, gpt-4o-mini's), on the embedded database, through the
// real API (in-process server, worker in the same process):
//  1. overhead: wall time of a run vs the LLM time on its critical path (from the ledger);
//  2. 6 sections drafted in parallel vs one at a time;
//  3. time from POST to the first SSE event;
//  4. tokens and cost of a 1,500-word researched article at gpt-4o-mini prices.
//   npx node bench/article-pipeline.ts        (BENCH_PER_TOKEN_MS, default 2; BENCH_RUNS, default 3)
import type { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { encode } from 'gpt-tokenizer/encoding/o200k_base';
import pino from 'pino';
import { loadConfig } from '../src/config.ts';
import { registerJobs } from '../src/jobs/register.ts';
import { createRuntime, type Runtime } from '../src/runtime.ts';
import { type App, buildServer } from '../src/server/app.ts';
import { pageHtml, sourcePages } from '../test/articles/support.ts';
import { articleModelResponder } from '../test/fakes/article-model.ts';
import { startOpenAiServer } from '../test/fakes/openai-server.ts';
import { html, startServer } from '../test/research/local-server.ts';
import { setupOwner } from '../test/support/accounts.ts';

const perTokenMs = Number(process.env.BENCH_PER_TOKEN_MS ?? 2);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const countTokens = (text: string) => encode(text).length;

const llm = await startOpenAiServer();
llm.responder = articleModelResponder({ perTokenMs, countTokens });
const web = await startServer(
  Object.fromEntries(
    Object.entries(sourcePages).map(([p, page]) => [
      p,
      (_req: unknown, res: ServerResponse) => html(res, pageHtml(page)),
    ]),
  ),
);
const urls = Object.keys(sourcePages).map((p) => `${web.url}${p}`);

interface Env {
  runtime: Runtime;
  app: App;
  base: string;
  cookie: string;
}

async function environment(sectionConcurrency: number): Promise<Env> {
  const config = loadConfig({
    ENVIRONMENT: 'test',
    LOG_LEVEL: 'silent',
    SECRET_KEY: 'bench-secret-key-that-is-long-enough-0123456789',
    OPENAI_COMPATIBLE_BASE_URL: llm.baseUrl,
    LLM_MODEL: 'compatible:gpt-4o-mini',
    LLM_PRICES_JSON: JSON.stringify({ 'compatible:gpt-4o-mini': { input: 0.15, output: 0.6 } }),
    LLM_CACHE_TTL: '0',
    FETCH_ALLOW_HOSTS: '127.0.0.1',
    SECTION_CONCURRENCY: String(sectionConcurrency),
    RATE_LIMIT_ENABLED: 'false',
  });
  const runtime = await createRuntime(config, { dataDir: 'memory://', logger: pino({ level: 'silent' }) });
  const app = await buildServer(runtime);
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  registerJobs(runtime);
  await runtime.queue.start({ work: true });
  const { cookie } = await setupOwner(app);
  return { runtime, app, base, cookie };
}

interface Run {
  id: string;
  wallMs: number;
  runMs: number;
  firstEventMs: number;
  pickupMs: number;
}

async function generate(env: Env, brief: Record<string, unknown>): Promise<Run> {
  const t0 = performance.now();
  const res = await fetch(`${env.base}/api/v1/articles`, {
    method: 'POST',
    headers: { cookie: env.cookie, 'content-type': 'application/json' },
    body: JSON.stringify(brief),
  });
  const { id } = (await res.json()) as { id: string };
  const stream = await fetch(`${env.base}/api/v1/articles/${id}/events`, { headers: { cookie: env.cookie } });
  const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
  let firstEventMs = 0;
  let text = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    if (!firstEventMs && value.includes('event: ')) firstEventMs = performance.now() - t0;
    text += value;
  }
  const wallMs = performance.now() - t0;
  if (!text.includes('"status":"completed"')) throw new Error(`run did not complete: ${text.slice(-500)}`);
  const { rows } = await env.runtime.database.query<{ created: Date; started: Date; finished: Date }>(
    'SELECT created_at AS created, started_at AS started, finished_at AS finished FROM articles WHERE id = $1',
    [id],
  );
  const row = rows[0]!;
  return {
    id,
    wallMs,
    firstEventMs,
    runMs: row.finished.getTime() - row.started.getTime(),
    pickupMs: row.started.getTime() - row.created.getTime(),
  };
}

// Steps that run side by side, in pipeline order; inside factcheck/revise/citations the calls run
// side by side too. The LLM critical path is the sum over groups of the slowest call.
const groups: Array<(step: string) => boolean> = [
  (s) => s === 'plan',
  (s) => s === 'outline',
  (s) => /^section:\d+$/.test(s),
  (s) => s === 'intro' || s === 'conclusion' || s === 'faq',
  (s) => s === 'factcheck',
  (s) => s === 'revise',
  // The citation check and the SEO pack run side by side.
  (s) => s === 'citations' || s === 'seo',
];

async function criticalLlmMs(env: Env, id: string): Promise<number> {
  const { rows } = await env.runtime.database.query<{ step: string; latency: number }>(
    "SELECT purpose_step AS step, latency_ms AS latency FROM llm_calls WHERE purpose_id = $1 AND outcome = 'ok'",
    [id],
  );
  let total = 0;
  for (const inGroup of groups) {
    let slowest = 0;
    for (const r of rows) if (inGroup(r.step)) slowest = Math.max(slowest, Number(r.latency));
    total += slowest;
  }
  return total;
}

async function sectionsPhaseMs(env: Env, id: string): Promise<number> {
  const { rows } = await env.runtime.database.query<{ ms: number }>(
    `SELECT extract(epoch FROM max(finished_at) - min(started_at)) * 1000 AS ms
     FROM article_steps WHERE article_id = $1 AND name ~ '^section:[0-9]+$'`,
    [id],
  );
  return Number(rows[0]!.ms);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const brief = {
  topic: 'heat pumps for family homes',
  words: 1500,
  keywords: ['heat pumps'],
  research: { urls },
};

// 1, 3, 4: the researched 1,500-word article.
const env = await environment(6);
const measured: Array<Run & { llmMs: number; tokensIn: number; tokensOut: number; costUsd: number }> = [];
await generate(env, brief); // warm-up (JIT, first connections)
for (let i = 0; i < runs; i++) {
  const run = await generate(env, brief);
  const usage = await env.runtime.database.query<{ i: string; o: string; c: string }>(
    'SELECT sum(input_tokens) AS i, sum(output_tokens) AS o, sum(cost_usd) AS c FROM article_steps WHERE article_id = $1',
    [run.id],
  );
  measured.push({
    ...run,
    llmMs: await criticalLlmMs(env, run.id),
    tokensIn: Number(usage.rows[0]!.i),
    tokensOut: Number(usage.rows[0]!.o),
    costUsd: Number(usage.rows[0]!.c),
  });
}
if (process.env.BENCH_DEBUG) {
  const last = measured.at(-1)!;
  const { rows } = await env.runtime.database.query(
    `SELECT s.name, s.started_at, s.finished_at,
       extract(epoch FROM s.finished_at - s.started_at) * 1000 AS step_ms,
       (SELECT sum(latency_ms) FROM llm_calls c WHERE c.purpose_id = $1::text AND c.purpose_step = s.name AND outcome = 'ok') AS llm_ms
     FROM article_steps s WHERE article_id = $1::uuid ORDER BY s.started_at`,
    [last.id],
  );
  console.table(rows);
}
await env.app.close();
await env.runtime.close();

// 2: six sections at once vs one at a time (words chosen so the outline has six sections).
const sixSections = { ...brief, words: 1875 };
const phase: Record<string, number[]> = { parallel: [], sequential: [] };
for (const [label, concurrency] of [
  ['parallel', 6],
  ['sequential', 1],
] as const) {
  const e = await environment(concurrency);
  await generate(e, sixSections);
  for (let i = 0; i < runs; i++) {
    const run = await generate(e, sixSections);
    phase[label]!.push(await sectionsPhaseMs(e, run.id));
  }
  await e.app.close();
  await e.runtime.close();
}
await llm.close();
await web.close();

const ratio = median(measured.map((m) => m.runMs / m.llmMs));
console.log(
  JSON.stringify(
    {
      perTokenMs,
      runs,
      overhead: {
        runMsMedian: median(measured.map((m) => m.runMs)),
        criticalPathLlmMsMedian: median(measured.map((m) => m.llmMs)),
        ratioMedian: Math.round(ratio * 1000) / 1000,
        queuePickupMsMedian: median(measured.map((m) => m.pickupMs)),
        postToDoneMsMedian: Math.round(median(measured.map((m) => m.wallMs))),
      },
      firstEventMs: {
        median: Math.round(median(measured.map((m) => m.firstEventMs)) * 10) / 10,
        max: Math.round(Math.max(...measured.map((m) => m.firstEventMs)) * 10) / 10,
      },
      sections: {
        parallelMsMedian: Math.round(median(phase.parallel!)),
        sequentialMsMedian: Math.round(median(phase.sequential!)),
        ratio: Math.round((median(phase.parallel!) / median(phase.sequential!)) * 1000) / 1000,
      },
      cost1500Words: {
        inputTokens: median(measured.map((m) => m.tokensIn)),
        outputTokens: median(measured.map((m) => m.tokensOut)),
        costUsd: Math.round(median(measured.map((m) => m.costUsd)) * 1e6) / 1e6,
      },
    },
    null,
    2,
  ),
);
process.exit(0);
