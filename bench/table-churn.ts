// What a long deployment leaves in the embedded database, which runs no autovacuum: articles run back
// to back through the API (queue, steps, events, ledger — everything a run writes and rewrites), and
// after each batch the size of every table and index against its live rows, with the batch's run time;
// then the oldest tenth deleted through the API and as many new articles run.
//   npm run bench -- table-churn   (BENCH_ARTICLES, default 400; BENCH_BATCH, 50; BENCH_CONCURRENCY, 4;
//   BENCH_PER_TOKEN_MS, 0; BENCH_CACHE_TTL, 30 s; BENCH_DATABASE=pglite|postgres)
import { performance } from 'node:perf_hooks';
import { setupOwner } from '../test/support/accounts.ts';
import { createTestApp } from '../test/support/app.ts';
import { startArticleWorld } from './support/article-world.ts';
import { backendNamed } from './support/bench-database.ts';
import { postArticle } from './support/first-event.ts';

const articles = Number(process.env.BENCH_ARTICLES ?? 400);
const batch = Number(process.env.BENCH_BATCH ?? 50);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 4);
const perTokenMs = Number(process.env.BENCH_PER_TOKEN_MS ?? 0);
const cacheTtl = Number(process.env.BENCH_CACHE_TTL ?? 30);
const backend = backendNamed(process.env.BENCH_DATABASE ?? 'pglite');

const world = await startArticleWorld(perTokenMs);
// The app as the tests start it (test/support/app.ts): a fresh embedded database, or a fresh one on
// the PostgreSQL server.
const test = await createTestApp(backend, {
  OPENAI_COMPATIBLE_BASE_URL: world.llmBaseUrl,
  LLM_MODEL: 'compatible:gpt-4o-mini',
  LLM_PRICES_JSON: JSON.stringify({ 'compatible:gpt-4o-mini': { input: 0.15, output: 0.6 } }),
  // Each article its own topic, so every call is a cache entry that expires during the run, as a day's
  // entries do in a deployment: the cache table (no Redis) is written and pruned as it would be.
  LLM_CACHE_TTL: String(cacheTtl),
  RESEARCH_CACHE_TTL: String(cacheTtl),
  FETCH_ALLOW_HOSTS: '127.0.0.1',
  RATE_LIMIT_ENABLED: 'false',
  // Articles back to back with an instant model: far past the gateway's default per-minute limits.
  LLM_RATE_LIMIT_PER_MINUTE: '1000000',
  LLM_TOKENS_PER_MINUTE: '1000000000',
});
const { runtime } = test;
const base = await test.app.listen({ port: 0, host: '127.0.0.1' });
await runtime.queue.start({ work: true });
const { cookie } = await setupOwner(test.app);
const api = { base, headers: { cookie, origin: base } };
let articleNo = 0;
const briefOf = (n: number) => ({
  topic: `heat pumps for family homes, part ${n}`,
  words: 1500,
  keywords: ['heat pumps'],
  research: { urls: world.urls },
});

async function runOne(): Promise<number> {
  const t0 = performance.now();
  const { reader } = await postArticle(api, briefOf(++articleNo));
  let text = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    text = (text + value).slice(-2000);
  }
  if (!text.includes('"status":"completed"')) throw new Error(`run did not complete: ${text.slice(-500)}`);
  const ms = performance.now() - t0;
  return ms;
}

interface Table {
  name: string;
  rows: number;
  /** The live rows' own bytes, out-of-line (TOAST) values included. */
  live: number;
  /** The table's pages and its out-of-line values' pages. */
  stored: number;
  indexes: number;
}

async function tables(): Promise<Map<string, Table>> {
  const { rows } = await runtime.database.query<{
    schema: string;
    table: string;
    stored: string;
    indexes: string;
  }>(
    `SELECT n.nspname AS schema, c.relname AS table,
            pg_relation_size(c.oid) + coalesce(pg_relation_size(nullif(c.reltoastrelid, 0)), 0) AS stored,
            pg_indexes_size(c.oid) AS indexes
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname IN ('public', 'pgboss') AND c.relkind = 'r'`,
  );
  // pg-boss keeps each queue's jobs in a partition of its own, named by a hash.
  const named = await runtime.database.query<{ name: string; partition: string }>(
    'SELECT name, partition_name AS partition FROM pgboss.queue',
  );
  const queues = new Map(named.rows.map((q) => [q.partition, `pgboss.job (${q.name})`]));
  const out = new Map<string, Table>();
  for (const r of rows) {
    const counted = await runtime.database.query<{ n: string; live: string | null }>(
      `SELECT count(*) AS n, sum(pg_column_size(t.*)) AS live FROM "${r.schema}"."${r.table}" t`,
    );
    const name = queues.get(r.table) ?? `${r.schema}.${r.table}`;
    out.set(name, {
      name,
      rows: Number(counted.rows[0]!.n),
      live: Number(counted.rows[0]!.live ?? 0),
      stored: Number(r.stored),
      indexes: Number(r.indexes),
    });
  }
  return out;
}

const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
const history: Array<{ done: number; meanMs: number; p95Ms: number; sizes: Map<string, Table> }> = [];
let done = 0;
/** `n` articles, `concurrency` at a time; their run times, sorted. */
async function runArticles(n: number): Promise<number[]> {
  const times: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        next++;
        times.push(await runOne());
      }
    }),
  );
  return times.sort((a, b) => a - b);
}

while (done < articles) {
  const times = await runArticles(batch);
  done += batch;
  const sizes = await tables();
  history.push({
    done,
    meanMs: times.reduce((a, b) => a + b, 0) / times.length,
    p95Ms: times[Math.floor(times.length * 0.95)]!,
    sizes,
  });
  const all = [...sizes.values()];
  const sum = (f: (t: Table) => number) => all.reduce((a, t) => a + f(t), 0);
  const cache = sizes.get('public.llm_cache')!;
  console.log(
    `${done} articles: run mean ${history.at(-1)!.meanMs.toFixed(0)} ms, p95 ${history.at(-1)!.p95Ms.toFixed(0)} ms; ` +
      `tables ${mb(sum((t) => t.stored))} MB for ${mb(sum((t) => t.live))} MB of live rows, indexes ${mb(sum((t) => t.indexes))} MB; ` +
      `llm_cache ${mb(cache.stored)} MB for ${mb(cache.live)} MB (${cache.rows} rows)`,
  );
}

const first = history[0]!;
const last = history.at(-1)!;
const perArticle = (to: number, from: number) => ((to - from) / (last.done - first.done)).toFixed(0);
console.log(
  `\ntable | rows | live rows | stored (heap + out-of-line) | indexes | stored per article after the first ${first.done} | indexes per article`,
);
for (const t of [...last.sizes.values()]
  .sort((a, b) => b.stored + b.indexes - a.stored - a.indexes)
  .slice(0, 15)) {
  const from = first.sizes.get(t.name);
  console.log(
    `${t.name} | ${t.rows} | ${mb(t.live)} MB | ${mb(t.stored)} MB | ${mb(t.indexes)} MB | ${perArticle(t.stored, from?.stored ?? 0)} B | ${perArticle(t.indexes, from?.indexes ?? 0)} B`,
  );
}

// Deleting: the oldest tenth of the articles through the API (on PGlite each DELETE now includes the
// VACUUM that makes their rows' space usable), then as many new ones: do the tables grow by them again?
const deletes = Math.round(articles / 10);
const articleTables = [
  'public.articles',
  'public.article_steps',
  'public.article_events',
  'public.article_versions',
];
const articlesBytes = (sizes: Map<string, Table>) =>
  articleTables.reduce((a, name) => a + sizes.get(name)!.stored + sizes.get(name)!.indexes, 0);
const { rows: oldest } = await runtime.database.query<{ id: string }>(
  'SELECT id FROM articles ORDER BY created_at LIMIT $1',
  [deletes],
);
const beforeDeletes = articlesBytes(await tables());
const deleteMs: number[] = [];
for (const { id } of oldest) {
  const t0 = performance.now();
  const res = await fetch(`${base}/api/v1/articles/${id}`, { method: 'DELETE', headers: api.headers });
  if (res.status !== 204) throw new Error(`DELETE answered ${res.status}: ${await res.text()}`);
  deleteMs.push(performance.now() - t0);
}
deleteMs.sort((a, b) => a - b);
await runArticles(deletes);
const afterReplacing = articlesBytes(await tables());
console.log(
  `\n${deletes} oldest articles deleted (DELETE p50 ${deleteMs[Math.floor(deletes / 2)]!.toFixed(1)} ms, ` +
    `p95 ${deleteMs[Math.floor(deletes * 0.95)]!.toFixed(1)} ms, max ${deleteMs.at(-1)!.toFixed(1)} ms), ` +
    `then ${deletes} new ones run: the articles' tables and indexes ${mb(beforeDeletes)} → ${mb(afterReplacing)} MB`,
);

await test.close();
await world.stop();
