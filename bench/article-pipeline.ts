// The article pipeline's own overhead (issue 13, items 2 and 4): articles run through the API on the
// embedded database or PostgreSQL against the fake writer model and a fake web; reports the run's wall
// against its LLM critical path (from the fake model's request log), the idle gaps in which no model
// request was in flight (named by the requests around them), the first event after the POST (seen
// by a client in its own process, as a browser is, and by one in this process), and sections
// written in parallel against one after another.
//   npm run bench -- article-pipeline   (BENCH_PER_TOKEN_MS, default 2; BENCH_RUNS, 3;
//   BENCH_FIRST_EVENTS, 20; BENCH_DATABASE=pglite|postgres; BENCH_SECTIONS=0 skips the parallel-sections
//   comparison; BENCH_DEBUG=1 lists the last run's gaps
//   with the steps that started or finished inside each)
import { execFile } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import pino from 'pino';
import { loadConfig } from '../src/config.ts';
import { registerJobs } from '../src/jobs/register.ts';
import { createRuntime, type Runtime } from '../src/runtime.ts';
import { type App, buildServer } from '../src/server/app.ts';
import { setupOwner } from '../test/support/accounts.ts';
import { createTestDatabase } from '../test/support/database.ts';
import { startArticleWorld } from './support/article-world.ts';
import { backendNamed } from './support/bench-database.ts';
import { type IdleGap, idleGaps, longestChain, type NamedInterval } from './support/critical-path.ts';
import { firstEvent, postArticle } from './support/first-event.ts';

const execFileAsync = promisify(execFile);

const perTokenMs = Number(process.env.BENCH_PER_TOKEN_MS ?? 2);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const firstEventPosts = Number(process.env.BENCH_FIRST_EVENTS ?? 20);
// pglite (embedded, in memory) or postgres: a fresh database on TEST_POSTGRES_URL's server per environment.
const backend = backendNamed(process.env.BENCH_DATABASE ?? 'pglite');

const world = await startArticleWorld(perTokenMs);
const { llmBaseUrl, webUrl, urls } = world;

interface Env {
  runtime: Runtime;
  app: App;
  base: string;
  cookie: string;
  /** Headers of the signed-in browser: its cookie and this server's Origin (plugins/csrf.ts). */
  headers: Record<string, string>;
  drop(): Promise<void>;
}

async function environment(sectionConcurrency: number): Promise<Env> {
  const database = await createTestDatabase(backend);
  const config = loadConfig({
    ENVIRONMENT: 'test',
    LOG_LEVEL: 'silent',
    SECRET_KEY: 'bench-secret-key-that-is-long-enough-0123456789',
    OPENAI_COMPATIBLE_BASE_URL: llmBaseUrl,
    LLM_MODEL: 'compatible:gpt-4o-mini',
    LLM_PRICES_JSON: JSON.stringify({ 'compatible:gpt-4o-mini': { input: 0.15, output: 0.6 } }),
    LLM_CACHE_TTL: '0',
    FETCH_ALLOW_HOSTS: '127.0.0.1',
    SECTION_CONCURRENCY: String(sectionConcurrency),
    RATE_LIMIT_ENABLED: 'false',
    ...(database.url ? { DATABASE_URL: database.url } : {}),
  });
  const runtime = await createRuntime(config, {
    dataDir: database.dataDir,
    logger: pino({ level: 'silent' }),
  });
  const app = await buildServer(runtime);
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  registerJobs(runtime);
  await runtime.queue.start({ work: true });
  const { cookie } = await setupOwner(app);
  return { runtime, app, base, cookie, headers: { cookie, origin: base }, drop: database.drop };
}

interface Run {
  id: string;
  /** When the worker started and finished the article (the database's clock, the same machine's). */
  started: Date;
  finished: Date;
  wallMs: number;
  runMs: number;
  firstEventMs: number;
  pickupMs: number;
  /** User + system CPU of this process (app, worker, embedded database) from POST to done. */
  cpuMs: number;
}

async function generate(env: Env, brief: Record<string, unknown>): Promise<Run> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const { id, reader } = await postArticle(env, brief);
  let firstEventMs = 0;
  let text = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    if (!firstEventMs && value.includes('event: ')) firstEventMs = performance.now() - t0;
    text += value;
  }
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  if (!text.includes('"status":"completed"')) throw new Error(`run did not complete: ${text.slice(-500)}`);
  const { rows } = await env.runtime.database.query<{ created: Date; started: Date; finished: Date }>(
    'SELECT created_at AS created, started_at AS started, finished_at AS finished FROM articles WHERE id = $1',
    [id],
  );
  const row = rows[0]!;
  return {
    id,
    started: row.started,
    finished: row.finished,
    wallMs,
    firstEventMs,
    runMs: row.finished.getTime() - row.started.getTime(),
    pickupMs: row.started.getTime() - row.created.getTime(),
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}

async function sectionsPhaseMs(env: Env, id: string): Promise<number> {
  const { rows } = await env.runtime.database.query<{ ms: number }>(
    `SELECT extract(epoch FROM max(finished_at) - min(started_at)) * 1000 AS ms
     FROM article_steps WHERE article_id = $1 AND name ~ '^section:[0-9]+$'`,
    [id],
  );
  return Number(rows[0]!.ms);
}

/** The run's model requests as the fake model saw them (start to end of each), sections by kind. */
async function runRequests(run: Run): Promise<NamedInterval[]> {
  const from = run.started.getTime();
  const to = run.finished.getTime();
  const log = (await (await fetch(`${webUrl}/__model-requests`)).json()) as Array<{
    what: string;
    start: number;
    end: number | null;
  }>;
  return log
    .filter((r) => r.end !== null && r.start >= from && r.end <= to)
    .map((r) => ({ what: r.what.replace(/^section \d+$/, 'section'), start: r.start, end: r.end! }));
}

/**
 * Where the run waited on no model request: each gap named by the request that ended before it and
 * the one that started after it, and the steps that started or finished inside it.
 */
async function runGaps(
  env: Env,
  run: Run,
  intervals: NamedInterval[],
): Promise<Array<IdleGap & { steps: string[] }>> {
  const { rows } = await env.runtime.database.query<{
    name: string;
    started: Date | null;
    finished: Date | null;
  }>('SELECT name, started_at AS started, finished_at AS finished FROM article_steps WHERE article_id = $1', [
    run.id,
  ]);
  return idleGaps(intervals, run.started.getTime(), run.finished.getTime()).map((g) => {
    const inside = (d: Date | null) => d !== null && d.getTime() >= g.from && d.getTime() <= g.from + g.ms;
    const steps = rows.flatMap((r) => [
      ...(inside(r.finished) ? [`${r.name} finished`] : []),
      ...(inside(r.started) ? [`${r.name} started`] : []),
    ]);
    return { ...g, steps };
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
/** Nearest-rank percentile. */
const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.max(0, Math.ceil((p / 100) * xs.length) - 1)]!;
const round1 = (x: number) => Math.round(x * 10) / 10;
function firstEventStats(samples: Array<{ ms: number; postMs: number }>) {
  const ms = samples.map((s) => s.ms);
  return {
    samples: ms.length,
    p50: round1(percentile(ms, 50)),
    p95: round1(percentile(ms, 95)),
    max: round1(Math.max(...ms)),
    // Of which the POST's own answer (202 received).
    postAnswerP50: round1(
      percentile(
        samples.map((s) => s.postMs),
        50,
      ),
    ),
  };
}
const brief = {
  topic: 'heat pumps for family homes',
  words: 1500,
  keywords: ['heat pumps'],
  research: { urls },
};

// 1, 3, 4: the researched 1,500-word article.
const env = await environment(6);
const measured: Array<
  Run & {
    llmMs: number;
    tokensIn: number;
    tokensOut: number;
    costUsd: number;
    gaps: IdleGap[];
    requests: NamedInterval[];
  }
> = [];
await generate(env, brief); // warm-up (JIT, first connections)
for (let i = 0; i < runs; i++) {
  const run = await generate(env, brief);
  const usage = await env.runtime.database.query<{ i: string; o: string; c: string }>(
    'SELECT sum(input_tokens) AS i, sum(output_tokens) AS o, sum(cost_usd) AS c FROM article_steps WHERE article_id = $1',
    [run.id],
  );
  const requests = await runRequests(run);
  measured.push({
    ...run,
    // The LLM critical path: the longest chain of requests that ran one after another. Each
    // section's fact check runs beside the later sections and the frame, so no fixed order of
    // stages gives it; a chain of dependent calls is such a chain (support/critical-path.ts).
    llmMs: longestChain(requests),
    tokensIn: Number(usage.rows[0]!.i),
    tokensOut: Number(usage.rows[0]!.o),
    costUsd: Number(usage.rows[0]!.c),
    gaps: await runGaps(env, run, requests),
    requests,
  });
}
// The first event as a browser sees it (a client in its own process), then as a client in this
// process sees it: that one's requests and parsing take turns with the server and the worker.
const ownProcess = JSON.parse(
  (
    await execFileAsync(process.execPath, [
      path.join(import.meta.dirname, 'support/first-event-client.ts'),
      JSON.stringify({ base: env.base, headers: env.headers, brief, posts: firstEventPosts }),
    ])
  ).stdout,
) as Array<{ ms: number; postMs: number }>;
const inProcess: Array<{ ms: number; postMs: number }> = [];
for (let i = 0; i < firstEventPosts; i++) inProcess.push(await firstEvent(env, brief));
if (process.env.BENCH_DEBUG) {
  const last = measured.at(-1)!;
  console.table(last.gaps.map((g) => ({ ...g, from: g.from - last.started.getTime() })));
  const t0 = last.started.getTime();
  console.table(
    [...last.requests]
      .sort((a, b) => a.start - b.start)
      .map((r) => ({ what: r.what, start: r.start - t0, end: r.end - t0, ms: r.end - r.start })),
  );
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
await env.drop();

// 2: six sections at once vs one at a time (words chosen so the outline has six sections);
// BENCH_SECTIONS=0 leaves it out when only the overhead and first event are wanted.
const sixSections = { ...brief, words: 1875 };
const phase: Record<string, number[]> = { parallel: [], sequential: [] };
const sectionRuns =
  process.env.BENCH_SECTIONS === '0'
    ? []
    : ([
        ['parallel', 6],
        ['sequential', 1],
      ] as const);
for (const [label, concurrency] of sectionRuns) {
  const e = await environment(concurrency);
  await generate(e, sixSections);
  for (let i = 0; i < runs; i++) {
    const run = await generate(e, sixSections);
    phase[label]!.push(await sectionsPhaseMs(e, run.id));
  }
  await e.app.close();
  await e.runtime.close();
  await e.drop();
}
await world.stop();

const ratio = median(measured.map((m) => m.runMs / m.llmMs));
// Each kind of gap (request before → request after) summed within a run, median over the runs.
const gapKinds = [...new Set(measured.flatMap((m) => m.gaps.map((g) => `${g.after} → ${g.before}`)))];
const gapMs = (m: (typeof measured)[number], kind: string) =>
  m.gaps.filter((g) => `${g.after} → ${g.before}` === kind).reduce((n, g) => n + g.ms, 0);
console.log(
  JSON.stringify(
    {
      database: backend,
      perTokenMs,
      runs,
      overhead: {
        runMsMedian: median(measured.map((m) => m.runMs)),
        criticalPathLlmMsMedian: median(measured.map((m) => m.llmMs)),
        ratioMedian: Math.round(ratio * 1000) / 1000,
        queuePickupMsMedian: median(measured.map((m) => m.pickupMs)),
        postToDoneMsMedian: Math.round(median(measured.map((m) => m.wallMs))),
        cpuMsPerArticleMedian: Math.round(median(measured.map((m) => m.cpuMs))),
      },
      // Time of the run in which no model request was in flight (the fake model's request log).
      idleGaps: {
        totalMsMedian: median(measured.map((m) => m.gaps.reduce((n, g) => n + g.ms, 0))),
        byKindMsMedian: Object.fromEntries(
          gapKinds
            .map((kind) => [kind, median(measured.map((m) => gapMs(m, kind)))] as const)
            .sort((a, b) => b[1] - a[1]),
        ),
      },
      firstEventMs: {
        clientInItsOwnProcess: firstEventStats(ownProcess),
        clientInTheServersProcess: {
          ...firstEventStats(inProcess),
          inFullRunsMedian: round1(median(measured.map((m) => m.firstEventMs))),
        },
      },
      sections:
        sectionRuns.length === 0
          ? 'not measured (BENCH_SECTIONS=0)'
          : {
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
