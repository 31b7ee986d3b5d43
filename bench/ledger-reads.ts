// The reads that run beside LLM calls and article estimates, against a workspace with a long
// ledger: the budget guard's month spend (re-read every 2 s per workspace and process) and the
// estimate's past articles (every POST /articles/estimate), on the embedded database (a data
// directory, as `npm start` runs it) or PostgreSQL. On PGlite a statement holds the thread that
// serves HTTP, so its time is how long every request of the process waits.
//   npm run bench -- ledger-reads      (BENCH_ROWS, default 10000,100000,500000: ledger rows of
//   earlier articles, all in this month; BENCH_DATABASE=pglite|postgres; BENCH_READS per size, 20)
import os from 'node:os';
import { pastArticles } from '../src/articles/estimate-history-store.ts';
import { runMigrations } from '../src/db/migrate.ts';
import { workspaces } from '../src/db/schema/index.ts';
import { monthSpend } from '../src/llm/ledger-store.ts';
import { backendNamed, openBenchDatabase } from './support/bench-database.ts';
import { sortedLatencies } from './support/latencies.ts';
import { addEarlierLedgerRows } from './support/ledger-rows.ts';

const sizes = (process.env.BENCH_ROWS ?? '10000,100000,500000').split(',').map(Number);
const backend = backendNamed(process.env.BENCH_DATABASE ?? 'pglite');
const reads = Number(process.env.BENCH_READS ?? 20);

const { database, drop } = await openBenchDatabase(backend);
await runMigrations(database);
const [ws] = await database.db.insert(workspaces).values({ name: 'bench' }).returning();
const workspaceId = ws!.id;

/** The latest 20 completed articles, each with its calls, as the estimate reads them. */
async function addLatestArticles() {
  for (let i = 0; i < 20; i++) {
    const { rows } = await database.query<{ id: string }>(
      `INSERT INTO articles (workspace_id, brief, status, topic, started_at, finished_at)
       VALUES ($1, $2, 'completed', 'Past', now(), now()) RETURNING id`,
      [workspaceId, JSON.stringify({ topic: 'Past', words: 1500 })],
    );
    await database.query(
      `INSERT INTO llm_calls (workspace_id, purpose_kind, purpose_id, role, provider, model, input_tokens,
         output_tokens, cached_input_tokens, cost_usd, latency_ms, attempt, cache_hit, outcome)
       SELECT $1, 'article', $2, role, 'compatible', 'm', 900, 300, 0, 0.00032, 2500, 1, false, 'ok'
       FROM unnest(array['planner', 'writer', 'writer', 'writer', 'checker', 'checker']) AS role`,
      [workspaceId, rows[0]!.id],
    );
  }
}

async function timed(read: () => Promise<unknown>) {
  const ms = await sortedLatencies(reads, read);
  return { p50: ms[Math.floor(ms.length / 2)]!, max: ms[ms.length - 1]! };
}

console.log(
  `node ${process.version}, ${os.cpus().length} cores, load ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}; ${backend}; ${reads} reads per size`,
);
console.log('| ledger rows | month spend p50 ms | max ms | past articles p50 ms | max ms |');
console.log('|---|---|---|---|---|');
let rows = 0;
await addLatestArticles();
for (const size of sizes) {
  await addEarlierLedgerRows(database, workspaceId, size - rows);
  rows = size;
  // The estimate must still find the 20 latest articles among the older ones.
  const found = (await pastArticles(database, workspaceId)).length;
  if (found !== 20) throw new Error(`the estimate read ${found} past articles, not 20`);
  const spend = await timed(() => monthSpend(database, workspaceId));
  const past = await timed(() => pastArticles(database, workspaceId));
  console.log(
    `| ${size} | ${spend.p50.toFixed(2)} | ${spend.max.toFixed(2)} | ${past.p50.toFixed(2)} | ${past.max.toFixed(2)} |`,
  );
}
await database.close();
await drop();
