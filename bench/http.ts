// HTTP edge benchmark: the real Blogsmith process on each database against a bare Fastify
// hello-world, each as a separate process on this machine, driven by autocannon.
//   npx node bench/http.ts
//   BENCH_DATABASES=pglite,postgres BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres …
// Rate limiting is switched off (RATE_LIMIT_ENABLED=false) and LOG_LEVEL=warn, so the numbers
// measure the edge (helmet headers, CORS, metrics, request ids, routing, auth, the query,
// serialisation), not the limiter refusing requests or log I/O. Every request carries an allowed
// Origin, as a browser's would, so the CORS path runs too. For PostgreSQL a fresh database is
// created on the server BENCH_POSTGRES_URL points at, and dropped afterwards.
// Server CPU per request is the Blogsmith process's user+system CPU time (from /proc) over the
// measured window, divided by the requests answered: a figure the shared, noisy machine disturbs far
// less than req/s. BENCH_CPU_PROFILE=DIR writes a V8 CPU profile of each Blogsmith process to DIR;
// BENCH_TARGETS=list measures only the authenticated list (default health,list); `article` adds one
// finished 1,500-word article read whole (`GET /api/v1/articles/:id`, what the web app's article page
// and the CLI read), written first by the server against the fake writer model and fake web.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { z } from 'zod';
import { createTestDatabase } from '../test/support/database.ts';
import { freePort } from '../test/support/processes.ts';
import { type ArticleWorld, startArticleWorld } from './support/article-world.ts';

const root = path.resolve(import.meta.dirname, '..');
const env = z
  .object({
    BENCH_DURATION_SECONDS: z.coerce.number().positive().default(10),
    BENCH_CONNECTIONS: z.coerce.number().int().positive().default(50),
    BENCH_DATABASES: z
      .string()
      .default('pglite,postgres')
      .transform((s) => s.split(',').map((d) => d.trim()))
      .pipe(z.array(z.enum(['pglite', 'postgres'])).min(1)),
    BENCH_POSTGRES_URL: z.string().default('postgres://postgres@127.0.0.1:5432/postgres'),
    BENCH_CPU_PROFILE: z.string().optional(),
    // Which Blogsmith targets to measure (the hello-world always runs, for the ratio): `list` alone
    // keeps a CPU profile to the authenticated list endpoint; `article` reads one finished article.
    BENCH_TARGETS: z
      .string()
      .default('health,list')
      .transform((s) => s.split(',').map((t) => t.trim()))
      .pipe(z.array(z.enum(['health', 'list', 'article'])).min(1)),
  })
  .parse(process.env);

const origin = 'http://bench.blogsmith.test';
// The CPU clock /proc reports in; 100 on every Linux this runs on (USER_HZ).
const ticksPerSecond = 100;

/** User + system CPU seconds a process has used so far (Linux /proc). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are the 14th and 15th fields.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

async function spawnAndWait(args: string[], childEnv: Record<string, string>, ready: string) {
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...childEnv } });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += String(d);
      if (out.includes(ready)) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
  });
  return child;
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

const helloWorld = `
import Fastify from 'fastify';
const app = Fastify();
app.get('/health', async () => ({ status: 'ok' }));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
console.log('hello-world ready');
`;

interface Measured {
  database: string;
  name: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  cpuMicrosPerRequest: number;
}

async function measure(
  database: string,
  name: string,
  server: ChildProcess,
  url: string,
  headers: Record<string, string> = {},
): Promise<Measured> {
  const all = { origin, ...headers };
  const connections = env.BENCH_CONNECTIONS;
  // A short warm-up so JIT and connection set-up are not in the numbers.
  await autocannon({ url, connections, duration: 2, headers: all });
  const cpuBefore = cpuSeconds(server.pid!);
  const r = await autocannon({ url, connections, duration: env.BENCH_DURATION_SECONDS, headers: all });
  const cpu = cpuSeconds(server.pid!) - cpuBefore;
  return {
    database,
    name,
    requestsPerSecond: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx + r.errors,
    cpuMicrosPerRequest: (cpu * 1e6) / r.requests.total,
  };
}

/** First-run setup, then a key, over the real API; a few extra keys so the list has rows. */
async function createApiKey(base: string): Promise<string> {
  const setup = await fetch(`${base}/api/v1/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin },
    body: JSON.stringify({ email: 'bench@example.com', password: 'bench-password' }),
  });
  if (setup.status !== 201) throw new Error(`setup failed: ${setup.status} ${await setup.text()}`);
  const cookie = setup.headers.get('set-cookie')!.split(';')[0]!;
  let key = '';
  for (let i = 0; i < 10; i++) {
    const res = await fetch(`${base}/api/v1/api-keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, origin },
      body: JSON.stringify({ name: `bench-${i}` }),
    });
    if (res.status !== 201) throw new Error(`key failed: ${res.status} ${await res.text()}`);
    key = ((await res.json()) as { key: string }).key;
  }
  return key;
}

/** An article written by the server from the fake web's pages, waited for until it is completed. */
async function finishedArticle(base: string, apiKey: string, urls: string[]): Promise<string> {
  const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', origin };
  const res = await fetch(`${base}/api/v1/articles`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      topic: 'heat pumps for family homes',
      words: 1500,
      keywords: ['heat pumps'],
      research: { urls },
    }),
  });
  if (res.status !== 202) throw new Error(`article failed: ${res.status} ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  for (;;) {
    const read = await fetch(`${base}/api/v1/articles/${id}`, { headers });
    const { status } = (await read.json()) as { status: string };
    if (status === 'completed') return id;
    if (status === 'failed' || status === 'cancelled') throw new Error(`the bench article ${status}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

// The fake writer model and web pages, for the `article` target (its own process).
const world: ArticleWorld | undefined = env.BENCH_TARGETS.includes('article')
  ? await startArticleWorld(1)
  : undefined;

async function benchDatabase(database: 'pglite' | 'postgres'): Promise<Measured[]> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'blogsmith-bench-'));
  const postgres =
    database === 'postgres' ? await createTestDatabase('postgres', env.BENCH_POSTGRES_URL) : undefined;
  const blogsmithPort = await freePort();
  const helloPort = await freePort();
  const children: ChildProcess[] = [];
  try {
    const profile = env.BENCH_CPU_PROFILE
      ? [
          '--cpu-prof',
          `--cpu-prof-dir=${path.resolve(env.BENCH_CPU_PROFILE)}`,
          `--cpu-prof-name=${database}.cpuprofile`,
        ]
      : [];
    const blogsmith = await spawnAndWait(
      [...profile, 'src/cli/main.ts', 'serve'],
      {
        HOST: '127.0.0.1',
        PORT: String(blogsmithPort),
        DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
        RATE_LIMIT_ENABLED: 'false',
        ENVIRONMENT: 'development',
        ALLOWED_ORIGINS: origin,
        ...(postgres ? { DATABASE_URL: postgres.url } : {}),
        ...(world
          ? {
              OPENAI_COMPATIBLE_BASE_URL: world.llmBaseUrl,
              LLM_MODEL: 'compatible:gpt-4o-mini',
              FETCH_ALLOW_HOSTS: '127.0.0.1',
            }
          : {}),
      },
      'Blogsmith is running at',
    );
    children.push(blogsmith);
    const hello = await spawnAndWait(
      ['--input-type=module', '-e', helloWorld],
      { PORT: String(helloPort) },
      'hello-world ready',
    );
    children.push(hello);

    const base = `http://127.0.0.1:${blogsmithPort}`;
    const rows = [
      await measure(
        database,
        'fastify hello-world `GET /health`',
        hello,
        `http://127.0.0.1:${helloPort}/health`,
      ),
    ];
    if (env.BENCH_TARGETS.includes('health'))
      rows.push(await measure(database, 'blogsmith `GET /health`', blogsmith, `${base}/health`));
    const apiKey = env.BENCH_TARGETS.includes('list') || world ? await createApiKey(base) : undefined;
    if (apiKey && env.BENCH_TARGETS.includes('list')) {
      rows.push(
        await measure(
          database,
          'blogsmith `GET /api/v1/api-keys` (API key)',
          blogsmith,
          `${base}/api/v1/api-keys?limit=20`,
          { authorization: `Bearer ${apiKey}` },
        ),
      );
    }
    if (apiKey && world) {
      const id = await finishedArticle(base, apiKey, world.urls);
      rows.push(
        await measure(
          database,
          'blogsmith `GET /api/v1/articles/:id` (a finished 1,500-word article, API key)',
          blogsmith,
          `${base}/api/v1/articles/${id}`,
          { authorization: `Bearer ${apiKey}` },
        ),
      );
    }
    return rows;
  } finally {
    // SIGTERM lets the server close cleanly, which is also when --cpu-prof writes its profile.
    for (const child of children) await stop(child);
    rmSync(dataDir, { recursive: true, force: true });
    await postgres?.drop();
  }
}

const rows: Measured[] = [];
for (const database of env.BENCH_DATABASES) rows.push(...(await benchDatabase(database)));
await world?.stop();

console.log(
  `duration ${env.BENCH_DURATION_SECONDS}s per target, ${env.BENCH_CONNECTIONS} connections, node ${process.version}, load average at the end ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log(
  '| database | target | req/s | p50 ms | p99 ms | non-2xx+errors | server CPU µs/request | ratio to hello-world |',
);
console.log('|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  const hello = rows.find((h) => h.database === r.database)!;
  const ratio = (r.requestsPerSecond / hello.requestsPerSecond).toFixed(2);
  console.log(
    `| ${r.database} | ${r.name} | ${Math.round(r.requestsPerSecond)} | ${r.p50} | ${r.p99} | ${r.non2xx} | ${Math.round(r.cpuMicrosPerRequest)} | ${ratio} |`,
  );
}
