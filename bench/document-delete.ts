// Deleting documents from a large library on the embedded database, which runs no autovacuum: how
// long `deleteDocument` takes (it now vacuums the library's tables so their space is used again),
// how much the library grows when deleted documents are replaced by as many new ones, and vector
// search before and after — against a plain DELETE, what the app ran before.
//   npm run bench -- document-delete   (BENCH_CHUNKS, default 100000, in documents of 1,000 chunks with
//   384-dimension vectors and a 1 MB stored file each; BENCH_ROUNDS, 2 rounds of each mode; BENCH_DELETES,
//   1,10: documents deleted and replaced per round)
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { runMigrations } from '../src/db/migrate.ts';
import { deleteDocument, insertQueuedDocument } from '../src/knowledge/document-store.ts';
import { passagesNearVector } from '../src/knowledge/passage-store.ts';
import { ensureVectorColumns, toVectorLiteral } from '../src/knowledge/vector-columns.ts';
import { backendNamed, insertWorkspace, openBenchDatabase } from './support/bench-database.ts';
import { sortedLatencies } from './support/latencies.ts';

const chunks = Number(process.env.BENCH_CHUNKS ?? 100_000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const deletesPerRound = (process.env.BENCH_DELETES ?? '1,10').split(',').map(Number);
const perDocument = 1000;
const dims = 384;

let seed = 42;
const rand = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};
const vector = () => {
  const v = Array.from({ length: dims }, () => rand() - 0.5);
  const norm = Math.hypot(...v);
  return v.map((x) => Number((x / norm).toFixed(5)));
};
const words =
  'energy solar battery grid pump valve boiler router printer invoice customer garden river'.split(' ');
const sentence = (n: number) =>
  Array.from({ length: n }, () => words[Math.floor(rand() * words.length)]).join(' ');

const { database, drop } = await openBenchDatabase(backendNamed('pglite'), { poolSize: 1 });
await runMigrations(database);
await ensureVectorColumns(database, dims);
const workspaceId = await insertWorkspace(database, 'bench');
let documentNo = 0;
const library: string[] = [];

/** A document as an upload leaves it: its stored file, and its chunks with their vectors. */
async function addDocument() {
  const id = await database.db.transaction((tx) =>
    insertQueuedDocument(tx, {
      workspaceId,
      title: `document ${++documentNo}`,
      type: 'text',
      sourceKind: 'upload',
      contentHash: `hash-${documentNo}`,
      byteSize: 1_000_000,
      contentType: 'application/octet-stream',
      bytes: randomBytes(1_000_000),
    }),
  );
  const rows = Array.from({ length: perDocument }, (_, i) => ({
    i,
    t: sentence(60),
    e: toVectorLiteral(vector()),
  }));
  await database.query(
    `INSERT INTO document_chunks (workspace_id, document_id, index, text, raw_text, token_count, content_hash, embedding)
     SELECT $1, $2, r.i, r.t, r.t, 60, md5(r.t), r.e::vector FROM json_to_recordset($3::json) AS r(i int, t text, e text)`,
    [workspaceId, id!, JSON.stringify(rows)],
  );
  await database.query(`UPDATE documents SET status = 'ready', chunk_count = $2 WHERE id = $1`, [
    id!,
    perDocument,
  ]);
  library.push(id!);
}

const libraryBytes = async () =>
  Number(
    (
      await database.query<{ bytes: string }>(
        `SELECT sum(pg_total_relation_size(t::regclass)) AS bytes
         FROM unnest(ARRAY['documents', 'document_blobs', 'document_chunks']) t`,
      )
    ).rows[0]!.bytes,
  );
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;
const nearest = async () => {
  const latencies = await sortedLatencies(40, () =>
    passagesNearVector(database, { workspaceId, embedding: vector(), limit: 40 }),
  );
  return `vector top-40 p50 ${latencies[20]!.toFixed(1)} ms, p95 ${latencies[38]!.toFixed(1)} ms`;
};

const t0 = performance.now();
// Built as the knowledge-search bench does: rows first, then the HNSW index, then statistics.
await database.exec('DROP INDEX IF EXISTS document_chunks_embedding_idx');
while (library.length * perDocument < chunks) await addDocument();
await ensureVectorColumns(database, dims);
await database.exec('ANALYZE document_chunks; ANALYZE documents');
await database.exec('VACUUM document_blobs, document_chunks, documents');
console.log(
  `${chunks} chunks in ${library.length} documents: ${((performance.now() - t0) / 1000).toFixed(0)} s, ` +
    `${mb(await libraryBytes())}; ${await nearest()}`,
);

const modes = {
  'plain DELETE (before)': (id: string) =>
    database.query('DELETE FROM documents WHERE workspace_id = $1 AND id = $2', [workspaceId, id]),
  'deleteDocument (now)': (id: string) => deleteDocument(database, workspaceId, id),
};
for (const deletes of deletesPerRound) {
  for (let round = 0; round < rounds; round++) {
    for (const [mode, remove] of Object.entries(modes)) {
      const before = await libraryBytes();
      const times: number[] = [];
      for (let i = 0; i < deletes; i++) {
        const started = performance.now();
        await remove(library.shift()!);
        times.push(performance.now() - started);
      }
      for (let i = 0; i < deletes; i++) await addDocument();
      console.log(
        `${mode}: ${deletes} deleted (${times.map((t) => t.toFixed(0)).join(', ')} ms), then ${deletes} added: ` +
          `library ${mb(before)} → ${mb(await libraryBytes())}; ${await nearest()}`,
      );
    }
  }
}

await database.close();
await drop();
