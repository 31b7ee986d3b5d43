// A write to the shared cache without Redis (the database's table): what each model answer,
// embedding batch, fetched page and search result costs to keep, with CACHE_MAX_MB's count kept by
// triggers and checked once a 64th of the bound was written (or a second passed) — and, with a bound
// the writes keep passing, the evictions among them.
//   npm run bench -- cache-writes      (BENCH_DATABASE=pglite|postgres, BENCH_WRITES 2000)
import os from 'node:os';
import { keyValueStore } from '../src/cache/key-value-store.ts';
import { runMigrations } from '../src/db/migrate.ts';
import { backendNamed, openBenchDatabase } from './support/bench-database.ts';

const backend = backendNamed(process.env.BENCH_DATABASE ?? 'pglite');
const writes = Number(process.env.BENCH_WRITES ?? 2000);
const { database, drop } = await openBenchDatabase(backend);
await runMigrations(database);

// A model answer's size (~2 kB of JSON) and an embedding batch of 8 passages (1,536 numbers each).
const answer = { text: 'Heat pumps move heat. '.repeat(90), usage: { inputTokens: 900, outputTokens: 300 } };
const vector = Array.from({ length: 1536 }, (_, i) => Math.sin(i) / 7);

async function timed(label: string, maxMb: number, entries: (i: number) => Array<[string, unknown]>) {
  const store = keyValueStore({ database, config: { CACHE_MAX_MB: maxMb } });
  for (let i = 0; i < 50; i++) await store.setMany(entries(-1 - i), 3600); // warm-up
  const ms: number[] = [];
  for (let i = 0; i < writes; i++) {
    const t0 = performance.now();
    await store.setMany(entries(i), 3600 + i);
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  const { rows } = await database.query<{ mb: number; n: number }>(
    `SELECT round(bytes / 1048576.0, 2)::float8 AS mb, (SELECT count(*)::int FROM llm_cache) AS n FROM llm_cache_size`,
  );
  console.log(
    `| ${label} | ${maxMb} | ${ms[Math.floor(ms.length / 2)]!.toFixed(3)} | ${ms[Math.floor(ms.length * 0.99)]!.toFixed(3)} | ${rows[0]!.mb} MB, ${rows[0]!.n} entries |`,
  );
  await database.exec('DELETE FROM llm_cache');
}

console.log(
  `node ${process.version}, ${os.cpus().length} cores, load ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}; ${backend}; ${writes} writes each`,
);
console.log('| write | CACHE_MAX_MB | p50 ms | p99 ms | held after |');
console.log('|---|---|---|---|---|');
await timed('a model answer, under the bound', 1024, (i) => [[`answer:${i}`, answer]]);
await timed('8 embeddings, under the bound', 1024, (i) =>
  Array.from({ length: 8 }, (_, k) => [`embedding:${i}:${k}`, vector] as [string, unknown]),
);
await timed('a model answer, 1 MB bound (evicting as it fills)', 1, (i) => [[`answer:${i}`, answer]]);
await database.close();
await drop();
