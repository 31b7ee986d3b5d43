// The ingestion job's own guarantees, driven directly (no HTTP): idempotency by document id,
// retries that end in a readable failure, a failed document retried by uploading it again, the
// notes stored when vectors cannot be made (no embedding model, model width ≠ column width — found
// before the whole document is paid for), and models that take a width asked for the column's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embedDocument } from '../../src/knowledge/document-vectors.ts';
import type { ChunkedDocument } from '../../src/knowledge/ingest-document.ts';
import { ingestionDeps } from '../../src/knowledge/ingest-job.ts';
import {
  type IngestionDeps,
  processDocument,
  recoverStalledDocuments,
  submitDocument,
} from '../../src/knowledge/ingestion.ts';
import { queryEmbedding } from '../../src/knowledge/query-embedding.ts';
import { updateWorkspaceLlmSettings } from '../../src/llm/settings.ts';
import { type EmbeddingServer, startEmbeddingServer } from '../fakes/embedding-server.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { threePagePdf } from './samples-ingest.ts';

async function workspace(t: TestApp): Promise<string> {
  const r = await t.runtime.database.query<{ id: string }>(
    `INSERT INTO workspaces (name) VALUES ('w') RETURNING id`,
  );
  return r.rows[0]!.id;
}

/** Submits and processes a document in `app` (in a workspace of its own unless given). */
async function ingestIn(app: TestApp, bytes: Buffer, workspaceId?: string) {
  await app.runtime.queue.start({ work: false });
  const appDeps = ingestionDeps(app.runtime);
  const w = workspaceId ?? (await workspace(app));
  const { document } = await submitDocument(appDeps, { workspaceId: w, bytes, sourceKind: 'upload' });
  const done = await processDocument(appDeps, { documentId: document.id, workspaceId: w });
  expect(done.outcome).toBe('ready');
  return { document: done.document, chunks: await chunkCount(app, document.id) };
}

const chunkCount = async (t: TestApp, id: string) =>
  (
    await t.runtime.database.query<{ n: number; vectors: number }>(
      `SELECT count(*)::int AS n, count(embedding)::int AS vectors FROM document_chunks WHERE document_id = $1`,
      [id],
    )
  ).rows[0]!;

describe('document ingestion job', () => {
  let embedder: EmbeddingServer;
  let t: TestApp;
  let deps: IngestionDeps;
  let ws: string;

  beforeAll(async () => {
    embedder = await startEmbeddingServer(64);
    t = await createTestApp('pglite', {
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: embedder.baseUrl,
      EMBEDDING_MODEL: 'openai:text-embedding-3-small',
      EMBEDDING_DIMENSIONS: '64',
      LLM_MAX_RETRIES: '0',
    });
    await t.runtime.queue.start({ work: false });
    deps = ingestionDeps(t.runtime);
    ws = await workspace(t);
  }, 60_000);
  afterAll(async () => {
    await t.close();
    await embedder.close();
  });

  it('is idempotent by document id and reports progress up to 100', async () => {
    const { document } = await submitDocument(deps, {
      workspaceId: ws,
      bytes: threePagePdf('idempotent'),
      filename: 'a.pdf',
      sourceKind: 'upload',
    });
    expect(document.status).toBe('queued');
    const seen: number[] = [];
    const first = await processDocument(
      deps,
      { documentId: document.id, workspaceId: ws },
      { onProgress: (p) => seen.push(p) },
    );
    expect(first.outcome).toBe('ready');
    expect(seen[0]).toBe(5);
    expect(seen.at(-1)).toBe(100);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    const stored = await chunkCount(t, document.id);
    expect(stored.n).toBe(first.document?.chunkCount);
    expect(stored.vectors).toBe(stored.n);

    const second = await processDocument(deps, { documentId: document.id, workspaceId: ws });
    expect(second.outcome).toBe('skipped');
    expect(await chunkCount(t, document.id)).toEqual(stored);
    // Another workspace's id pair is never processed.
    const other = await processDocument(deps, { documentId: document.id, workspaceId: await workspace(t) });
    expect(other.outcome).toBe('skipped');
  });

  it('retries an embedder outage, then fails readably; uploading the file again retries it', async () => {
    const bytes = threePagePdf('outage');
    const { document } = await submitDocument(deps, { workspaceId: ws, bytes, sourceKind: 'upload' });
    embedder.failNext(100);
    const job = { documentId: document.id, workspaceId: ws };
    const attempt = await processDocument(deps, job);
    expect(attempt.outcome).toBe('retrying');
    expect(attempt.document?.status).toBe('queued');
    expect(attempt.document?.error).toMatch(/attempt failed: .*it will be retried/);
    expect((await chunkCount(t, document.id)).n).toBe(0);

    const last = await processDocument(deps, job, { finalAttempt: true });
    expect(last.outcome).toBe('failed');
    expect(last.document?.status).toBe('failed');
    expect(last.document?.error).toMatch(/^ingestion failed: /);
    expect((await chunkCount(t, document.id)).n).toBe(0);

    embedder.failNext(0);
    const again = await submitDocument(deps, { workspaceId: ws, bytes, sourceKind: 'upload' });
    expect(again.created).toBe(false);
    expect(again.document.id).toBe(document.id);
    expect(again.document.status).toBe('queued');
    expect((await processDocument(deps, job)).outcome).toBe('ready');
  });

  it('sends a job again for a document no job will finish, and leaves the rest alone', async () => {
    const submit = async (name: string) =>
      (await submitDocument(deps, { workspaceId: ws, bytes: threePagePdf(name), sourceKind: 'upload' }))
        .document;
    const [stalled, lost, working, waiting] = [
      await submit('stalled'),
      await submit('lost'),
      await submit('working'),
      await submit('waiting'),
    ];
    const setRow = (id: string, status: string, minutesAgo: number) =>
      t.runtime.database.query(
        `UPDATE documents SET status = $2, updated_at = now() - make_interval(mins => $3) WHERE id = $1`,
        [id, status, minutesAgo],
      );
    // A worker that stopped 11 minutes ago; a job lost 31 minutes ago; a worker busy a minute ago;
    // an upload waiting its turn for 5 minutes.
    await setRow(stalled.id, 'processing', 11);
    await setRow(lost.id, 'queued', 31);
    await setRow(working.id, 'processing', 1);
    await setRow(waiting.id, 'queued', 5);
    const sent: unknown[] = [];
    const recovered = await recoverStalledDocuments({
      ...deps,
      queue: {
        send: async (_name, data) => {
          sent.push(data);
          return 'job';
        },
      },
    });
    expect(new Set(recovered.map((r) => r.documentId))).toEqual(new Set([stalled.id, lost.id]));
    expect(sent).toHaveLength(2);
    expect(sent).toContainEqual({ documentId: stalled.id, workspaceId: ws });
    const { rows } = await t.runtime.database.query<{ id: string; status: string; error: string | null }>(
      'SELECT id, status, error FROM documents WHERE id = ANY($1::uuid[])',
      [[stalled.id, working.id]],
    );
    expect(rows.find((r) => r.id === stalled.id)).toMatchObject({
      status: 'queued',
      error: expect.stringMatching(/worker stopped/),
    });
    expect(rows.find((r) => r.id === working.id)?.status).toBe('processing');
    // The job sent finishes it.
    expect((await processDocument(deps, { documentId: stalled.id, workspaceId: ws })).outcome).toBe('ready');
  });

  it('reports a progress write that failed once the batches are done, not as an unhandled rejection', async () => {
    const parsed = {
      chunks: Array.from({ length: 3 * 64 }, (_, i) => ({ text: `Harbour note ${i}.` })),
    } as unknown as ChunkedDocument;
    const llm = {
      resolved: deps.llm.resolved,
      embed: async (texts: string[]) => {
        await new Promise((r) => setTimeout(r, 5));
        return { embeddings: texts.map(() => new Array(64).fill(0.1)) };
      },
    } as unknown as IngestionDeps['llm'];
    const writes: number[] = [];
    const embedding = embedDocument(
      { database: t.runtime.database, llm },
      { documentId: '00000000-0000-4000-8000-000000000001', workspaceId: ws },
      parsed,
      undefined,
      async (done) => {
        writes.push(done);
        throw new Error('progress write failed');
      },
    );
    await expect(embedding).rejects.toThrow('progress write failed');
    expect(writes).toEqual([64, 128, 192]);
  });

  it('refuses a model of another width after one call of one chunk, not the whole document', async () => {
    // A model that cannot be asked for a width (any model of an OpenAI-compatible server), 32 wide.
    const narrow = await startEmbeddingServer(32);
    const other = await createTestApp('pglite', {
      OPENAI_COMPATIBLE_BASE_URL: narrow.baseUrl,
      LLM_MODEL: 'compatible:writer',
      EMBEDDING_MODEL: 'compatible:embed-32',
      EMBEDDING_DIMENSIONS: '64',
    });
    try {
      const { document, chunks } = await ingestIn(other, threePagePdf('narrow'));
      expect(document?.chunkCount).toBeGreaterThan(1);
      expect(document?.note).toMatch(
        /^Not embedded: the embedding model compatible:embed-32 gives 32-dimensional vectors but the embedding column holds 64 \(EMBEDDING_DIMENSIONS\): set EMBEDDING_DIMENSIONS=32 and restart/,
      );
      expect(chunks.vectors).toBe(0);
      expect(narrow.requests).toBe(1);
      expect(narrow.texts).toBe(1);
      expect(narrow.widthsAsked).toEqual([undefined]);
    } finally {
      await other.close();
      await narrow.close();
    }
  });

  it('does not call a model of a known fixed width that differs from the column', async () => {
    // Ollama's default embedding model gives 768 dimensions whatever it is asked.
    const ollama = await startEmbeddingServer(768);
    const other = await createTestApp('pglite', {
      OLLAMA_BASE_URL: ollama.baseUrl.replace(/\/v1$/, ''),
      EMBEDDING_DIMENSIONS: '64',
    });
    try {
      expect((await other.runtime.llm.resolved()).chains.embedder.map((m) => m.id)).toEqual([
        'ollama:nomic-embed-text',
      ]);
      const { document, chunks } = await ingestIn(other, threePagePdf('fixed'));
      expect(document?.note).toMatch(
        /ollama:nomic-embed-text gives 768-dimensional vectors but the embedding column holds 64 \(EMBEDDING_DIMENSIONS\): set EMBEDDING_DIMENSIONS=768/,
      );
      expect(chunks.vectors).toBe(0);
      expect(ollama.requests).toBe(0);
    } finally {
      await other.close();
      await ollama.close();
    }
  });

  it("asks OpenAI's text-embedding-3 models for the column width", async () => {
    const wide = await startEmbeddingServer(256);
    const other = await createTestApp('pglite', {
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: wide.baseUrl,
      EMBEDDING_DIMENSIONS: '64',
    });
    try {
      const { document, chunks } = await ingestIn(other, threePagePdf('openai-width'));
      expect(document?.note).toBeNull();
      expect(chunks.vectors).toBe(chunks.n);
      expect(wide.widthsAsked.length).toBeGreaterThan(0);
      expect(new Set(wide.widthsAsked)).toEqual(new Set([64]));
    } finally {
      await other.close();
      await wide.close();
    }
  });

  it("embeds a Gemini workspace's documents at the column width, asked of gemini-embedding-001", async () => {
    // Gemini's embedding model gives 3072 dimensions unless asked for fewer.
    const gemini = await startEmbeddingServer(3072);
    const other = await createTestApp('pglite', {
      // The workspace's Gemini address is this machine's fake.
      LLM_ALLOW_HOSTS: '127.0.0.0/8',
      EMBEDDING_DIMENSIONS: '64',
    });
    try {
      const w = await workspace(other);
      await updateWorkspaceLlmSettings(other.runtime.database, other.config.SECRET_KEY!, w, (current) => ({
        ...current,
        credentials: { google: { apiKey: 'gemini-key', baseUrl: gemini.geminiBaseUrl } },
      }));
      other.runtime.llm.invalidateWorkspace(w);
      expect((await other.runtime.llm.resolved(w)).chains.embedder.map((m) => m.id)).toEqual([
        'google:gemini-embedding-001',
      ]);
      const { document, chunks } = await ingestIn(other, threePagePdf('gemini'), w);
      expect(document?.note).toBeNull();
      expect(chunks.n).toBeGreaterThan(1);
      expect(chunks.vectors).toBe(chunks.n);
      expect(gemini.widthsAsked.length).toBeGreaterThan(0);
      expect(new Set(gemini.widthsAsked)).toEqual(new Set([64]));
      // A search's query is asked for the same width, so vector search is on.
      const query = await queryEmbedding(
        { database: other.runtime.database, llm: other.runtime.llm, logger: { warn: () => {} } },
        w,
        'solar panels',
      );
      expect(query).toHaveLength(64);
      expect(gemini.widthsAsked.at(-1)).toBe(64);
    } finally {
      await other.close();
      await gemini.close();
    }
  });

  it('stores a note when no embedding model is configured', async () => {
    const bare = await createTestApp('pglite');
    try {
      await bare.runtime.queue.start({ work: false });
      const bareDeps = ingestionDeps(bare.runtime);
      const w = await workspace(bare);
      const { document } = await submitDocument(bareDeps, {
        workspaceId: w,
        bytes: Buffer.from('# Notes\n\nCompost needs air, water and brown leaves.\n'),
        filename: 'notes.md',
        sourceKind: 'upload',
      });
      const done = await processDocument(bareDeps, { documentId: document.id, workspaceId: w });
      expect(done.outcome).toBe('ready');
      expect(done.document?.note).toMatch(/no embedding model is configured/);
      expect(done.document?.chunkCount).toBeGreaterThan(0);
    } finally {
      await bare.close();
    }
  });
});
