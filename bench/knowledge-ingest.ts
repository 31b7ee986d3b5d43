// Document ingestion throughput, pages per second, through the same calls the API and the job make
// (submitDocument: hash, type detection, parse and chunk for validation, store bytes and a queued
// row, enqueue; processDocument: chunks, embeddings, one transaction to `ready`). Generated PDFs of
// unique text, so the embedding cache never answers. Two runs on a fresh embedded database each:
//   1. embedding excluded: no embedding model configured (documents get the "not embedded" note);
//   2. embedding included: a fake OpenAI-compatible embeddings server on loopback (bag-of-words
//      vectors, 384 dims), through the real gateway (rate limiter, ledger, embedding cache writes).
// Usage: npx node bench/knowledge-ingest.ts [documents, default 20] [pages per document, default 10]
//        [backend: pglite (default) | postgres — a fresh database on TEST_POSTGRES_URL's server
//         (default postgres://postgres@127.0.0.1:5432/postgres), dropped afterwards; embedding
//         excluded only when that server has no pgvector]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../src/config.ts';
import { ingestionDeps } from '../src/knowledge/ingest-job.ts';
import { processDocument, submitDocument } from '../src/knowledge/ingestion.ts';
import { createRuntime } from '../src/runtime.ts';
import { startEmbeddingServer } from '../test/fakes/embedding-server.ts';
import { createTestDatabase } from '../test/support/database.ts';
import { writePdf } from '../test/support/pdf-writer.ts';

const documents = Number(process.argv[2] ?? 20);
const pagesPer = Number(process.argv[3] ?? 10);
const backend = process.argv[4] ?? 'pglite';
const dims = 384;

const words = `energy solar battery grid pump valve boiler router printer invoice customer patient medication
  garden river mountain forest climate ocean market finance budget travel kitchen recipe bread coffee
  engine vehicle road bridge tunnel school teacher student library museum music guitar piano theatre
  software database server network cloud security privacy license contract policy report summary
  harvest orchard tractor barley wheat meadow cattle dairy cheese butter honey beeswax candle lantern`.split(
  /\s+/,
);
let seed = 7;
const rand = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};
const line = (n: number) => {
  const s = Array.from({ length: n }, () => words[Math.floor(rand() * words.length)]).join(' ');
  return `${s.charAt(0).toUpperCase()}${s.slice(1)} ${Math.floor(rand() * 1e6)}.`;
};
// ~40 lines of ~12 words per page: about 2,800 characters, a sparse real-world page.
const pdf = () =>
  writePdf(Array.from({ length: pagesPer }, () => Array.from({ length: 40 }, () => line(12))));

async function run(label: string, env: Record<string, string>): Promise<boolean> {
  const dir = mkdtempSync(path.join(tmpdir(), 'blogsmith-ingest-bench-'));
  const pg = backend === 'postgres' ? await createTestDatabase('postgres') : undefined;
  const config = loadConfig({
    ENVIRONMENT: 'test',
    LOG_LEVEL: 'silent',
    SECRET_KEY: 'bench-secret-key-that-is-long-enough-0123456789',
    DATA_DIR: dir,
    MAX_FILE_SIZE_MB: '50',
    ...(pg?.url ? { DATABASE_URL: pg.url } : {}),
    ...env,
  });
  const runtime = await createRuntime(config, { logger: pino({ level: 'silent' }), command: 'bench' });
  try {
    await runtime.queue.start({ work: false });
    const deps = ingestionDeps(runtime);
    const ws = await runtime.database.query<{ id: string }>(
      `INSERT INTO workspaces (name) VALUES ('bench ${Date.now()}') RETURNING id`,
    );
    const workspaceId = ws.rows[0]!.id;
    const files = Array.from({ length: documents }, pdf);
    const bytes = files.reduce((n, f) => n + f.byteLength, 0);
    let submitMs = 0;
    let processMs = 0;
    let chunks = 0;
    let note: string | null = null;
    for (const [i, file] of files.entries()) {
      const t0 = performance.now();
      const { document } = await submitDocument(deps, {
        workspaceId,
        bytes: file,
        filename: `doc-${i}.pdf`,
        sourceKind: 'upload',
      });
      const t1 = performance.now();
      const done = await processDocument(deps, { documentId: document.id, workspaceId });
      const t2 = performance.now();
      if (done.outcome !== 'ready') throw new Error(`document ${i}: ${done.outcome} ${done.document?.error}`);
      submitMs += t1 - t0;
      processMs += t2 - t1;
      chunks += done.document.chunkCount;
      note = done.document.note;
    }
    const pages = documents * pagesPer;
    const total = (submitMs + processMs) / 1000;
    console.log(
      `${label} [${runtime.database.kind}, vectors ${runtime.database.vectorAvailable ? 'on' : 'off'}]: ` +
        `${documents} PDFs × ${pagesPer} pages (${(bytes / 1024 / 1024).toFixed(1)} MB), ${chunks} chunks; ` +
        `${(pages / total).toFixed(1)} pages/s end to end (${total.toFixed(2)} s; submit ${(submitMs / 1000).toFixed(2)} s, ` +
        `job ${(processMs / 1000).toFixed(2)} s)${note ? `; note: ${note.slice(0, 40)}…` : ''}`,
    );
    return runtime.database.vectorAvailable;
  } finally {
    await runtime.close();
    await pg?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const vectors = await run('embedding excluded', {});
if (vectors) {
  const embedder = await startEmbeddingServer(dims);
  try {
    await run('embedding included (fake embedder over HTTP)', {
      OPENAI_API_KEY: 'sk-bench',
      OPENAI_BASE_URL: embedder.baseUrl,
      EMBEDDING_MODEL: 'openai:text-embedding-3-small',
      EMBEDDING_DIMENSIONS: String(dims),
    });
    console.log(`fake embedder: ${embedder.requests} requests, ${embedder.texts} texts`);
  } finally {
    await embedder.close();
  }
}
