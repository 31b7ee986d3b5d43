// Hybrid search latency on PGlite with pgvector: inserts synthetic chunks (word-list text, random
// normalised 384-dim vectors) in batches, builds the HNSW index, runs hybrid queries, reports
// p50/p95, then the same again and each half alone (full text, vector) to show what bounds it, and
// the originality check's word prefilter (20 words of the vocabulary).
// Usage: npx node bench/knowledge-search.ts [sizes, default 10000,100000] [queries, default 200]
// At a million chunks the index outgrows PostgreSQL's defaults: BENCH_EMBEDDED_CACHE sets the embedded
// database's cache (EMBEDDED_DB_CACHE, default 32MB) and BENCH_MAINTENANCE_WORK_MEM the memory the
// HNSW build may use (PostgreSQL's default 64MB; past it the build inserts one tuple at a time).
// BENCH_DATABASE=postgres runs it on a fresh database of the PostgreSQL server (TEST_POSTGRES_URL);
// without pgvector there, it reports full text and the word prefilter only, as the app then searches.
import { runMigrations } from '../src/db/migrate.ts';
import { passagesNearVector } from '../src/knowledge/passage-store.ts';
import { searchKnowledge } from '../src/knowledge/search.ts';
import { findSimilar } from '../src/knowledge/similar.ts';
import { ensureVectorColumns, toVectorLiteral } from '../src/knowledge/vector-columns.ts';
import { backendNamed, openBenchDatabase } from './support/bench-database.ts';
import { sortedLatencies } from './support/latencies.ts';

const dims = 384;
const sizes = (process.argv[2] ?? '10000,100000').split(',').map(Number);
const queries = Number(process.argv[3] ?? 200);
const words = `energy solar battery grid pump valve boiler router printer invoice customer patient medication
  garden river mountain forest climate ocean market finance budget travel kitchen recipe bread coffee
  engine vehicle road bridge tunnel school teacher student library museum music guitar piano theatre
  software database server network cloud security privacy license contract policy report summary`.split(
  /\s+/,
);
let seed = 42;
const rand = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};
const sentence = (n: number) =>
  Array.from({ length: n }, () => words[Math.floor(rand() * words.length)]).join(' ');
const vector = () => {
  const v = Array.from({ length: dims }, () => rand() - 0.5);
  const norm = Math.hypot(...v);
  return v.map((x) => Number((x / norm).toFixed(5)));
};

const backend = backendNamed(process.env.BENCH_DATABASE ?? 'pglite');
// One connection, so the build memory SET below is the session that builds the index.
const { database, drop } = await openBenchDatabase(backend, {
  poolSize: 1,
  embeddedCache: process.env.BENCH_EMBEDDED_CACHE,
});
await runMigrations(database);
// Without pgvector (PostgreSQL here) the library is full text only, as the app runs it there.
const withVectors = await ensureVectorColumns(database, dims);
await database.exec('DROP INDEX IF EXISTS document_chunks_embedding_idx');
const ws = await database.query<{ id: string }>(
  `INSERT INTO workspaces (name) VALUES ('bench') RETURNING id`,
);
const workspaceId = ws.rows[0]?.id ?? '';
const doc = await database.query<{ id: string }>(
  `INSERT INTO documents (workspace_id, title, type, source_kind, content_hash, byte_size, status)
   VALUES ($1, 'bench', 'text', 'upload', 'bench', 0, 'ready') RETURNING id`,
  [workspaceId],
);
const documentId = doc.rows[0]?.id ?? '';
let inserted = 0;
const pct = (xs: number[], p: number) =>
  xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? Number.NaN;
for (const size of sizes) {
  const t0 = performance.now();
  while (inserted < size) {
    const n = Math.min(1000, size - inserted);
    const rows = Array.from({ length: n }, (_, i) => ({
      i: inserted + i,
      t: sentence(60),
      ...(withVectors ? { e: toVectorLiteral(vector()) } : {}),
    }));
    await database.query(
      withVectors
        ? `INSERT INTO document_chunks (workspace_id, document_id, index, text, raw_text, token_count, content_hash, embedding)
           SELECT $1, $2, r.i, r.t, r.t, 60, md5(r.t), r.e::vector FROM json_to_recordset($3::json) AS r(i int, t text, e text)`
        : `INSERT INTO document_chunks (workspace_id, document_id, index, text, raw_text, token_count, content_hash)
           SELECT $1, $2, r.i, r.t, r.t, 60, md5(r.t) FROM json_to_recordset($3::json) AS r(i int, t text)`,
      [workspaceId, documentId, JSON.stringify(rows)],
    );
    inserted += n;
  }
  const t1 = performance.now();
  await database.exec('DROP INDEX IF EXISTS document_chunks_embedding_idx');
  const buildMemory = process.env.BENCH_MAINTENANCE_WORK_MEM;
  if (buildMemory) {
    if (!/^\d+[kMG]B$/.test(buildMemory)) throw new Error('BENCH_MAINTENANCE_WORK_MEM: e.g. 1GB');
    await database.exec(`SET maintenance_work_mem = '${buildMemory}'`);
  }
  await ensureVectorColumns(database, dims);
  // PGlite runs no autovacuum: without statistics the planner filters every row by workspace
  // instead of walking the HNSW and GIN indexes (the ingestion job analyzes as the library grows).
  await database.exec('ANALYZE document_chunks; ANALYZE documents');
  const t2 = performance.now();
  // p50 and p95 of `queries` calls of `query`.
  const timed = async (query: () => Promise<unknown>) => {
    const latencies = await sortedLatencies(queries, query);
    return `p50 ${pct(latencies, 50).toFixed(1)} ms, p95 ${pct(latencies, 95).toFixed(1)} ms`;
  };
  const fullText = () => searchKnowledge(database, { workspaceId, query: sentence(3), limit: 10 });
  // The originality check's word prefilter: any of a text's words, ranked (its vector half is the
  // vector top-40 row).
  const sharingWords = () => findSimilar(database, { workspaceId, text: sentence(20), limit: 5 });
  const inserting = `${size} chunks (${backend}): insert ${((t1 - t0) / 1000).toFixed(1)} s`;
  if (!withVectors) {
    console.log(`${inserting}, no pgvector: full text only ${await timed(fullText)} (${queries} queries)`);
    console.log(`  full text again ${await timed(fullText)}; similar by words ${await timed(sharingWords)}`);
    continue;
  }
  const hybrid = () =>
    searchKnowledge(database, { workspaceId, query: sentence(3), queryEmbedding: vector(), limit: 10 });
  console.log(
    `${inserting}, HNSW build ${((t2 - t1) / 1000).toFixed(1)} s, hybrid ${await timed(hybrid)} (${queries} queries)`,
  );
  // What bounds it: a second pass of such queries (the index pages read before), and each half alone.
  const again = await timed(hybrid);
  const fullTextOnly = await timed(fullText);
  const nearest = await timed(() =>
    passagesNearVector(database, { workspaceId, embedding: vector(), limit: 40 }),
  );
  console.log(
    `  hybrid again ${again}; full text only ${fullTextOnly}; vector top-40 only ${nearest}; ` +
      `similar by words ${await timed(sharingWords)}`,
  );
}
await database.close();
await drop();
