// The LLM ledger's compaction (src/llm/ledger-compaction.ts): a workspace whose member searched at
// the general rate limit for BENCH_HOURS hours (600 calls a minute, each a ledger row: searches
// embed their query), plus an article's calls every few minutes, among BENCH_WORKSPACES quiet
// workspaces — then every hour past the detail days compacted. Reported: rows and table size before
// and after, each hour's compaction time and an empty hour's, how long a one-row read waits
// meanwhile (on PGlite a statement holds the thread that serves HTTP), and the 30-day usage
// summary's time before and after.
//   npm run bench -- ledger-compaction      (BENCH_DATABASE=pglite|postgres, BENCH_HOURS 6,
//   BENCH_WORKSPACES 100)
import os from 'node:os';
import { runMigrations } from '../src/db/migrate.ts';
import { llmLedgerCompaction } from '../src/db/schema/index.ts';
import { compactNextHour } from '../src/llm/ledger-compaction-store.ts';
import { usageSummary } from '../src/llm/ledger-store.ts';
import { backendNamed, insertWorkspace, openBenchDatabase } from './support/bench-database.ts';
import { sortedLatencies } from './support/latencies.ts';

const backend = backendNamed(process.env.BENCH_DATABASE ?? 'pglite');
const hours = Number(process.env.BENCH_HOURS ?? 6);
const quiet = Number(process.env.BENCH_WORKSPACES ?? 100);
const hourMs = 3600_000;
const searchesPerHour = 600 * 60;

const { database, drop } = await openBenchDatabase(backend);
await runMigrations(database);
const busy = await insertWorkspace(database, 'busy');
for (let i = 0; i < quiet; i++) await insertWorkspace(database, `quiet ${i}`);
const first = Math.floor((Date.now() - 3 * 24 * hourMs) / hourMs) * hourMs;

for (let h = 0; h < hours; h++) {
  const start = new Date(first + h * hourMs);
  // One member's searches: an embedding of each query, a tenth of them cache hits.
  await database.query(
    `INSERT INTO llm_calls (workspace_id, user_id, purpose_kind, role, provider, model, input_tokens,
       output_tokens, cached_input_tokens, cost_usd, latency_ms, ttft_ms, attempt, cache_hit, outcome, created_at)
     SELECT $1, $1, 'embedding', 'embedding', 'compatible', 'embed', 12, 0, 0,
       CASE WHEN i % 10 = 0 THEN 0 ELSE 0.00000024 END, 15, null, 1, i % 10 = 0, 'ok',
       $2::timestamptz + i * interval '100 milliseconds'
     FROM generate_series(0, $3::int - 1) AS i`,
    [busy, start, searchesPerHour],
  );
  // An article every 5 minutes: 40 calls over 6 steps.
  await database.query(
    `INSERT INTO llm_calls (workspace_id, purpose_kind, purpose_id, purpose_step, role, provider, model,
       input_tokens, output_tokens, cached_input_tokens, cost_usd, latency_ms, ttft_ms, attempt, cache_hit, outcome, created_at)
     SELECT $1, 'article', $2 || '-' || (i / 40), 'step-' || (i % 6), 'writer', 'compatible', 'write', 900, 300, 0,
       0.00032, 2500, 300, 1, false, 'ok', $2::timestamptz + i * interval '7 seconds'
     FROM generate_series(0, 12 * 40 - 1) AS i`,
    [busy, start.toISOString()],
  );
}
await database.db.update(llmLedgerCompaction).set({ compactedBefore: new Date(first) });
await database.exec('ANALYZE llm_calls');

const tableSize = async () => {
  const { rows } = await database.query<{ rows: number; mb: number }>(
    `SELECT (SELECT count(*) FROM llm_calls)::int AS rows,
       round(pg_total_relation_size('llm_calls') / 1048576.0, 1)::float8 AS mb`,
  );
  return rows[0]!;
};
const usage = async () => {
  const ms = await sortedLatencies(5, () =>
    usageSummary(database, busy, {
      from: new Date(Date.now() - 30 * 24 * hourMs),
      to: new Date(),
      groupBy: 'day',
    }),
  );
  return ms[2]!;
};

const before = { ...(await tableSize()), usageMs: await usage() };
const perHour: number[] = [];
const end = new Date(first + hours * hourMs);
// What a request waits meanwhile: a one-row read every 5 ms while the hours are compacted, timed
// from when it was due (the statements run on this thread, so a request waits for the event loop
// before it waits for the database).
const waits: number[] = [];
let compacting = true;
const probe = (async () => {
  while (compacting) {
    const due = performance.now() + 5;
    await new Promise((r) => setTimeout(r, 5));
    await database.query('SELECT 1');
    waits.push(performance.now() - due);
  }
})();
for (;;) {
  const t0 = performance.now();
  const done = await compactNextHour(database, end);
  if (!done) break;
  perHour.push(performance.now() - t0);
  await new Promise((r) => setImmediate(r)); // as compactLedger does between hours
}
compacting = false;
await probe;
waits.sort((a, b) => a - b);
// As compactLedger does after the hours it compacted (reclaimDeletedSpace: on PGlite only).
const v0 = performance.now();
if (backend === 'pglite') await database.exec('VACUUM llm_calls');
const vacuumMs = performance.now() - v0;
const after = { ...(await tableSize()), usageMs: await usage() };
// An hour with no rows, read across every workspace.
await database.db.update(llmLedgerCompaction).set({ compactedBefore: new Date(first - 24 * hourMs) });
const empty = await sortedLatencies(5, () => compactNextHour(database, end));

perHour.sort((a, b) => a - b);
console.log(
  `node ${process.version}, ${os.cpus().length} cores, load ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}; ${backend}; ${hours} hours of ${searchesPerHour + 480} calls, ${quiet + 1} workspaces`,
);
console.log('| | ledger rows | table MB | 30-day usage by day, ms |');
console.log('|---|---|---|---|');
console.log(`| before | ${before.rows} | ${before.mb} | ${before.usageMs.toFixed(1)} |`);
console.log(`| after | ${after.rows} | ${after.mb} | ${after.usageMs.toFixed(1)} |`);
console.log(
  `compacting an hour: p50 ${perHour[Math.floor(perHour.length / 2)]!.toFixed(0)} ms, max ${perHour[perHour.length - 1]!.toFixed(0)} ms; an empty hour: p50 ${empty[2]!.toFixed(1)} ms; VACUUM after: ${vacuumMs.toFixed(0)} ms`,
);
console.log(
  `a one-row read due meanwhile (${waits.length}): p50 ${waits[Math.floor(waits.length / 2)]!.toFixed(1)} ms, p99 ${waits[Math.floor(waits.length * 0.99)]!.toFixed(1)} ms, max ${waits[waits.length - 1]!.toFixed(1)} ms`,
);
await database.close();
await drop();
