// Memory of `serve` (issue 13, item 7): RSS idle and while 4 articles run at once, and whether the
// heap grows over a soak of repeated articles (two heap snapshots compared, after a warm-up).
//   npm run bench -- soak     (BENCH_MINUTES=30, BENCH_CONCURRENCY=4, BENCH_PER_TOKEN_MS=10)
// `blogsmith serve` runs as the user starts it (embedded database in a fresh data directory, worker
// in-process) against the fake writer model and a fake web of 3 pages; this process keeps
// BENCH_CONCURRENCY articles running back to back, each followed to its end over SSE, and samples
// the server's RSS every second. Heap snapshots are written by Node itself (--heapsnapshot-signal),
// which collects garbage first; BENCH_SNAPSHOT_DIR keeps them for a closer look in DevTools.
// BENCH_SERVE_ENV='NAME=value …' adds variables to the server's environment (e.g.
// MEMORY_ALLOCATOR=system to compare with glibc's malloc).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sessionCookieOf } from '../test/support/accounts.ts';
import { startArticleWorld } from './support/article-world.ts';
import { treeUsage } from './support/process-tree.ts';

const minutes = Number(process.env.BENCH_MINUTES ?? 30);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 4);
const perTokenMs = Number(process.env.BENCH_PER_TOKEN_MS ?? 10);
const root = path.resolve(import.meta.dirname, '..');
const serveEnv = Object.fromEntries(
  (process.env.BENCH_SERVE_ENV ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
);

const world = await startArticleWorld(perTokenMs);
const brief = {
  topic: 'heat pumps for family homes',
  words: 1500,
  keywords: ['heat pumps'],
  research: { urls: world.urls },
};

const dataDir = mkdtempSync(path.join(tmpdir(), 'blogsmith-soak-'));
const snapshotDir = process.env.BENCH_SNAPSHOT_DIR ?? path.join(dataDir, 'snapshots');
mkdirSync(snapshotDir, { recursive: true });
const port = 40_000 + Math.floor(Math.random() * 1000);
const base = `http://127.0.0.1:${port}`;
let serverOutput = '';

function startServe(): ChildProcess {
  const child = spawn(
    process.execPath,
    ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${snapshotDir}`, 'src/cli/main.ts', 'serve'],
    {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        DATA_DIR: path.join(dataDir, 'data'),
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        SECRET_KEY: 'soak-bench-secret-key-that-is-long-enough-0123456789',
        OPENAI_COMPATIBLE_BASE_URL: world.llmBaseUrl,
        LLM_MODEL: 'compatible:gpt-4o-mini',
        LLM_PRICES_JSON: JSON.stringify({ 'compatible:gpt-4o-mini': { input: 0.15, output: 0.6 } }),
        LLM_CACHE_TTL: '0',
        FETCH_ALLOW_HOSTS: '127.0.0.1',
        RATE_LIMIT_ENABLED: 'false',
        ...serveEnv,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  // Kept for the error message if the server dies; only the tail matters.
  const keep = (d: Buffer) => {
    serverOutput = (serverOutput + String(d)).slice(-4000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return child;
}

async function waitReady(child: ChildProcess) {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`serve exited early:\n${serverOutput}`);
    const ok = await fetch(`${base}/health/ready`)
      .then((r) => r.status === 200)
      .catch(() => false);
    if (ok) return;
    await sleep(50);
  }
}

async function api(method: string, url: string, headers: Record<string, string>, body?: unknown) {
  const res = await fetch(`${base}${url}`, {
    method,
    headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return res;
}

async function apiKey(): Promise<string> {
  const setup = await api(
    'POST',
    '/api/v1/setup',
    {},
    { email: 'soak@example.com', password: 'soak-password' },
  );
  const cookie = sessionCookieOf(setup.headers.getSetCookie());
  const key = await api('POST', '/api/v1/api-keys', { cookie, origin: base }, { name: 'soak' });
  return ((await key.json()) as { key: string }).key;
}

/** One article from POST to the end of its event stream; rejects unless it completed. */
async function article(authorization: string): Promise<void> {
  const created = await api('POST', '/api/v1/articles', { authorization }, brief);
  const { id } = (await created.json()) as { id: string };
  // A GET may be retried once: a reused keep-alive connection can be closed under the request.
  const follow = async () => (await api('GET', `/api/v1/articles/${id}/events`, { authorization })).text();
  const text = await follow().catch((err: unknown) => {
    process.stderr.write(`retrying the event stream of ${id}: ${String(err)}\n`);
    return follow();
  });
  if (!text.includes('"status":"completed"'))
    throw new Error(`article ${id} did not complete: ${text.slice(-300)}`);
}

/** Keeps `concurrency` articles running until `until`; returns how many completed. */
async function articlesUntil(authorization: string, until: number): Promise<number> {
  let done = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < until) {
        await article(authorization);
        done++;
      }
    }),
  );
  return done;
}

function sampleRss(child: ChildProcess): { stop: () => number[] } {
  const samples: number[] = [];
  const timer = setInterval(() => samples.push(treeUsage(child.pid!).rssKb / 1024), 1000);
  return {
    stop: () => {
      clearInterval(timer);
      return samples;
    },
  };
}

interface HeapSummary {
  totalMb: number;
  /** Memory outside V8's heap that the snapshot lists (ArrayBuffer backing stores: the database's wasm memory). */
  nativeMb: number;
  byKind: Map<string, { size: number; count: number }>;
}

/**
 * A heap snapshot once garbage collection has settled: the first snapshot's collection finds the
 * objects that died, but FinalizationRegistry callbacks (fetch uses one per request) run only
 * after it, so their holdings are still in that snapshot. The second one is the one summed.
 */
async function settledHeapSnapshot(child: ChildProcess): Promise<HeapSummary> {
  await heapSnapshot(child, false);
  await sleep(1000);
  return (await heapSnapshot(child, true))!;
}

/** Asks the server for a heap snapshot (Node collects garbage first) and sums it by kind. */
async function heapSnapshot(child: ChildProcess, summarise: boolean): Promise<HeapSummary | undefined> {
  const before = new Set(readdirSync(snapshotDir));
  child.kill('SIGUSR2');
  // The snapshot is written on the server's main thread: it answers again once the file is whole.
  await sleep(200);
  await fetch(`${base}/health/live`);
  let file: string | undefined;
  for (let i = 0; i < 600 && !file; i++) {
    file = readdirSync(snapshotDir).find((f) => f.endsWith('.heapsnapshot') && !before.has(f));
    if (!file) await sleep(100);
  }
  if (!file) throw new Error('no heap snapshot was written');
  // Node creates the file before it writes it: read it once its size has stopped changing.
  const full = path.join(snapshotDir, file);
  for (let size = -1; ; ) {
    await sleep(500);
    const now = statSync(full).size;
    if (now > 0 && now === size) break;
    size = now;
  }
  if (!summarise) {
    rmSync(full);
    return undefined;
  }
  const snapshot = JSON.parse(readFileSync(full, 'utf8')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
    strings: string[];
  };
  const fields = snapshot.snapshot.meta.node_fields;
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [
    number,
    number,
    number,
  ];
  const types = snapshot.snapshot.meta.node_types[0];
  const byKind = new Map<string, { size: number; count: number }>();
  let total = 0;
  for (let i = 0; i < snapshot.nodes.length; i += fields.length) {
    const type = types[snapshot.nodes[i + typeAt]!]!;
    const size = snapshot.nodes[i + sizeAt]!;
    // Objects by constructor name; strings, code, arrays and the rest by their type.
    const kind = type === 'object' ? snapshot.strings[snapshot.nodes[i + nameAt]!]! : `(${type})`;
    const entry = byKind.get(kind) ?? { size: 0, count: 0 };
    entry.size += size;
    entry.count++;
    byKind.set(kind, entry);
    total += size;
  }
  if (!process.env.BENCH_SNAPSHOT_DIR) rmSync(full);
  const native = byKind.get('(native)')?.size ?? 0;
  return { totalMb: (total - native) / 1024 / 1024, nativeMb: native / 1024 / 1024, byKind };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? Number.NaN;
const mb = (v: number) => `${v.toFixed(0)} MB`;

const loads: number[] = [loadavg()[0]!];
const serve = startServe();
try {
  const startedAt = performance.now();
  await waitReady(serve);
  const readyMs = performance.now() - startedAt;
  const atReady = treeUsage(serve.pid!).rssKb / 1024;
  const authorization = `Bearer ${await apiKey()}`;
  // Idle: after the optimising compiler has finished with the database's WebAssembly.
  const idleSampler = sampleRss(serve);
  await sleep(30_000);
  const idle = idleSampler.stop();
  const heapIdle = await settledHeapSnapshot(serve);

  process.stderr.write('warm-up: 2 minutes of articles\n');
  const warmed = await articlesUntil(authorization, Date.now() + 120_000);
  await sleep(5_000);
  const heapWarm = await settledHeapSnapshot(serve);
  loads.push(loadavg()[0]!);

  process.stderr.write(`soak: ${minutes} minutes, ${concurrency} articles at a time\n`);
  const busySampler = sampleRss(serve);
  const cpuBefore = treeUsage(serve.pid!).cpuMs;
  const loadTimer = setInterval(() => loads.push(loadavg()[0]!), 60_000);
  const soaked = await articlesUntil(authorization, Date.now() + minutes * 60_000);
  clearInterval(loadTimer);
  const busy = busySampler.stop();
  const cpuPerArticle = (treeUsage(serve.pid!).cpuMs - cpuBefore) / soaked;
  await sleep(5_000);
  // Before the snapshots: writing one allocates hundreds of MB of its own.
  const afterSoak = treeUsage(serve.pid!).rssKb / 1024;
  const heapEnd = await settledHeapSnapshot(serve);

  console.log(
    `serve on the embedded database, ${concurrency} articles at a time, ${perTokenMs} ms/token, ${minutes} min soak after ${warmed} warm-up articles${Object.keys(serveEnv).length ? `; server environment ${process.env.BENCH_SERVE_ENV}` : ''}; Node ${process.version}; load ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}; ${new Date().toISOString()}`,
  );
  console.log('');
  console.log('| moment | RSS |');
  console.log('| --- | --- |');
  console.log(`| ready (${(readyMs / 1000).toFixed(1)} s after spawn) | ${mb(atReady)} |`);
  console.log(
    `| idle, 30 s after ready | median ${mb(median(idle))}, last ${mb(idle.at(-1) ?? Number.NaN)} |`,
  );
  console.log(
    `| ${concurrency} articles running (${soaked} articles in ${minutes} min) | median ${mb(median(busy))}, p95 ${mb(percentile(busy, 95))}, max ${mb(Math.max(...busy))} |`,
  );
  console.log(`| 5 s after the soak | ${mb(afterSoak)} |`);
  console.log('');
  console.log(`Server CPU per article during the soak: ${cpuPerArticle.toFixed(0)} ms.`);
  console.log('');
  console.log('| heap snapshot (after GC) | JS heap | native (array buffers) |');
  console.log('| --- | --- | --- |');
  for (const [moment, h] of [
    ['idle', heapIdle],
    ['after the warm-up', heapWarm],
    ['after the soak', heapEnd],
  ] as const)
    console.log(`| ${moment} | ${h.totalMb.toFixed(1)} MB | ${h.nativeMb.toFixed(1)} MB |`);
  console.log('');
  console.log(
    `JS heap growth over the soak: ${(heapEnd.totalMb - heapWarm.totalMb).toFixed(2)} MB over ${soaked} articles. Largest changes by kind:`,
  );
  const changes = [...new Set([...heapWarm.byKind.keys(), ...heapEnd.byKind.keys()])]
    .map((kind) => {
      const a = heapWarm.byKind.get(kind) ?? { size: 0, count: 0 };
      const b = heapEnd.byKind.get(kind) ?? { size: 0, count: 0 };
      return { kind, size: b.size - a.size, count: b.count - a.count };
    })
    .sort((x, y) => Math.abs(y.size) - Math.abs(x.size))
    .slice(0, 8);
  console.log('| kind | size change | count change |');
  console.log('| --- | --- | --- |');
  for (const c of changes)
    console.log(`| ${c.kind || '(anonymous)'} | ${(c.size / 1024).toFixed(1)} KB | ${c.count} |`);
} catch (err) {
  process.stderr.write(`server output (tail):\n${serverOutput}\n`);
  throw err;
} finally {
  serve.kill('SIGTERM');
  await new Promise((r) => (serve.exitCode !== null ? r(undefined) : serve.once('exit', r)));
  await world.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
