// What each knowledge search reads before it searches: the library's languages (the text-search
// configurations its passages are stemmed with, src/knowledge/document-store.ts libraryTextConfigs),
// for a workspace of N documents (one in ten German, the rest English) beside another workspace's.
//   npm run bench -- library-languages [DOCUMENTS, default 1000,20000] [READS, default 40]
//   (BENCH_DATABASE=pglite|postgres)
import { libraryTextConfigs } from '../src/knowledge/document-store.ts';
import { backendNamed, insertWorkspace, openMigratedBenchDatabase } from './support/bench-database.ts';
import { sortedLatencies } from './support/latencies.ts';

const sizes = (process.argv[2] ?? '1000,20000').split(',').map(Number);
const reads = Number(process.argv[3] ?? 40);
const backend = backendNamed(process.env.BENCH_DATABASE ?? 'pglite');
const { database, drop } = await openMigratedBenchDatabase(backend);
const searched = await insertWorkspace(database, 'searched');
const other = await insertWorkspace(database, 'other');
const addDocuments = (workspaceId: string, from: number, to: number, language: string) =>
  database.query(
    `INSERT INTO documents (workspace_id, title, type, source_kind, content_hash, byte_size, status, language)
     SELECT $1::uuid, 'document ' || i, 'text', 'upload', md5($1::text || i::text), 1000, 'ready',
       CASE WHEN i % 10 = 0 THEN 'de' ELSE $4 END
     FROM generate_series($2::int, $3::int) i`,
    [workspaceId, from, to, language],
  );

const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
let written = 0;
for (const size of sizes) {
  await addDocuments(searched, written + 1, size, 'en');
  await addDocuments(other, written + 1, size, 'fr');
  written = size;
  await database.exec('ANALYZE documents');
  const ms = await sortedLatencies(reads, () => libraryTextConfigs(database, searched));
  const configs = await libraryTextConfigs(database, searched);
  console.log(
    `${size} documents (${backend}; ${configs.join(', ')}): p50 ${pct(ms, 50).toFixed(2)} / p95 ${pct(ms, 95).toFixed(2)} ms (${reads} reads)`,
  );
}
await database.close();
await drop();
