// The embedding column at start-up: created at EMBEDDING_DIMENSIONS, given a new width while it
// holds no vector (a library whose model never matched it can start embedding once the operator
// sets the model's width), kept when it holds vectors; and the environment's embedding model, when
// its width is known, checked against the column's so a mismatch is told at start.
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/db/client.ts';
import { runMigrations } from '../../src/db/migrate.ts';
import { saveDocument } from '../../src/knowledge/document-store.ts';
import { prepareVectorSearch, vectorColumnDimensions } from '../../src/knowledge/vector-setup.ts';
import { parseModelId } from '../../src/llm/model-id.ts';
import { fakeEmbedder } from '../support/fake-embedder.ts';

function recordingLogger() {
  const lines: Array<{ level: 'warn' | 'info'; message: string }> = [];
  const logger = {
    warn: (_: unknown, message: string) => lines.push({ level: 'warn', message }),
    info: (_: unknown, message: string) => lines.push({ level: 'info', message }),
  } as unknown as Pick<Logger, 'warn' | 'info'>;
  return Object.assign(logger, { lines });
}

describe('embedding column at start-up', () => {
  let database: Database;

  beforeAll(async () => {
    database = await openDatabase({ dataDir: 'memory://' });
    await runMigrations(database);
  });
  afterAll(() => database.close());

  it('re-creates an empty column at a new width and keeps one that holds vectors', async () => {
    const log = recordingLogger();
    expect(await prepareVectorSearch(database, 1536, log)).toBe(1536);
    expect(log.lines).toEqual([]);

    // As after a first start with the default width and a 768-wide model: no vector was stored.
    expect(await prepareVectorSearch(database, 768, log)).toBe(768);
    expect(await vectorColumnDimensions(database)).toBe(768);
    expect(log.lines).toEqual([{ level: 'info', message: expect.stringMatching(/re-created .*768.*1536/) }]);
    const index = await database.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_indexes WHERE indexname = 'document_chunks_embedding_idx'`,
    );
    expect(index.rows[0]?.n).toBe(1);

    const ws = await database.query<{ id: string }>(
      `INSERT INTO workspaces (name) VALUES ('w') RETURNING id`,
    );
    const text = 'Heat pumps move heat from outside air.';
    await saveDocument(database, {
      workspaceId: ws.rows[0]!.id,
      title: 'Heat',
      type: 'text',
      sourceKind: 'upload',
      contentHash: createHash('sha256').update(text).digest('hex'),
      byteSize: text.length,
      tags: [],
      chunks: [
        {
          index: 0,
          text,
          rawText: text,
          tokenCount: 7,
          headingPath: [],
          contentHash: createHash('sha256').update(text).digest('hex'),
        },
      ],
      embeddings: await fakeEmbedder(768)([text]),
    });
    log.lines.length = 0;
    expect(await prepareVectorSearch(database, 1024, log)).toBe(768);
    expect(log.lines).toEqual([
      {
        level: 'warn',
        message: expect.stringMatching(/EMBEDDING_DIMENSIONS is 1024 .* vectors of 768 dimensions \(kept\)/),
      },
    ]);
  });

  it("warns at start when the environment's embedding model cannot give the column's width", async () => {
    const log = recordingLogger();
    // The column holds 768 (above); these fit it: a fixed 768, and models asked for 768.
    for (const id of [
      'ollama:nomic-embed-text',
      'google:gemini-embedding-001',
      'openai:text-embedding-3-large',
    ])
      await prepareVectorSearch(database, 768, log, parseModelId(id));
    expect(log.lines).toEqual([]);

    await prepareVectorSearch(database, 768, log, parseModelId('ollama:mxbai-embed-large'));
    await prepareVectorSearch(database, 768, log, parseModelId('openai:text-embedding-ada-002'));
    expect(log.lines.map((l) => l.level)).toEqual(['warn', 'warn']);
    expect(log.lines[0]!.message).toMatch(
      /ollama:mxbai-embed-large gives 1024-dimensional vectors but the embedding column holds 768 \(EMBEDDING_DIMENSIONS\): set EMBEDDING_DIMENSIONS=1024 and restart/,
    );
    expect(log.lines[1]!.message).toMatch(/text-embedding-ada-002 gives 1536-dimensional vectors/);
  });
});
