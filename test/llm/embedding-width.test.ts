// Embedding models that can be asked for a width are asked for the embedding column's
// (EMBEDDING_DIMENSIONS, or the width a caller gives): OpenAI's text-embedding-3-* by `dimensions`,
// Gemini's by `outputDimensionality`; models of one fixed width are not asked (OpenAI refuses the
// option for them). Vectors of each width are cached apart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { askedWidth, expectedWidth, widthMismatch, widthRequest } from '../../src/llm/embedding-width.ts';
import { parseModelId } from '../../src/llm/model-id.ts';
import { type EmbeddingServer, startEmbeddingServer } from '../fakes/embedding-server.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

const ref = parseModelId;

describe('embedding widths', () => {
  it('asks only the models that take a width, within their largest', () => {
    expect(widthRequest(ref('openai:text-embedding-3-small'), 768)).toEqual({ openai: { dimensions: 768 } });
    expect(widthRequest(ref('openai:text-embedding-3-large'), 1536)).toEqual({
      openai: { dimensions: 1536 },
    });
    expect(widthRequest(ref('google:gemini-embedding-001'), 1536)).toEqual({
      google: { outputDimensionality: 1536 },
    });
    expect(widthRequest(ref('google:text-embedding-004'), 256)).toEqual({
      google: { outputDimensionality: 256 },
    });
    // Past its largest the API would refuse the call; fixed widths and other providers are not asked.
    expect(widthRequest(ref('openai:text-embedding-3-small'), 2000)).toBeUndefined();
    expect(widthRequest(ref('openai:text-embedding-ada-002'), 768)).toBeUndefined();
    expect(widthRequest(ref('ollama:nomic-embed-text'), 1536)).toBeUndefined();
    expect(widthRequest(ref('compatible:text-embedding-3-small'), 768)).toBeUndefined();
    // Cache keys tell a width apart only where the vectors differ from the model's own.
    expect(askedWidth(ref('openai:text-embedding-3-small'), 768)).toBe(768);
    expect(askedWidth(ref('openai:text-embedding-3-small'), 1536)).toBeUndefined();
    expect(askedWidth(ref('google:gemini-embedding-2-preview'), 1536)).toBe(1536);
    expect(askedWidth(ref('ollama:nomic-embed-text'), 1536)).toBeUndefined();
  });

  it('knows the width of the default models without a call', () => {
    expect(expectedWidth(ref('google:gemini-embedding-001'), 1536)).toEqual({ width: 1536, atMost: false });
    expect(expectedWidth(ref('ollama:nomic-embed-text'), 1536)).toEqual({ width: 768, atMost: false });
    expect(expectedWidth(ref('ollama:nomic-embed-text:latest'), 768)).toEqual({ width: 768, atMost: false });
    expect(expectedWidth(ref('openai:text-embedding-3-small'), 2000)).toEqual({ width: 1536, atMost: true });
    expect(expectedWidth(ref('compatible:bge-small'), 384)).toBeUndefined();
    expect(widthMismatch('openai:text-embedding-3-small', { width: 1536, atMost: true }, 2000)).toMatch(
      /gives at most 1536-dimensional vectors but the embedding column holds 2000 \(EMBEDDING_DIMENSIONS\): set EMBEDDING_DIMENSIONS=1536/,
    );
    // A width the column can never have is not offered.
    expect(widthMismatch('compatible:big', { width: 4096, atMost: false }, 1536)).toMatch(
      /more than the 2000 of pgvector's HNSW index.*choose an embedding model that gives 1536$/,
    );
  });
});

describe('the gateway asking for a width', () => {
  let server: EmbeddingServer;
  let t: TestApp;
  let workspaceId: string;

  beforeAll(async () => {
    server = await startEmbeddingServer(256);
    t = await createTestApp('pglite', {
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: server.baseUrl,
      EMBEDDING_DIMENSIONS: '64',
      LLM_MAX_RETRIES: '0',
    });
    workspaceId = (
      await t.runtime.database.query<{ id: string }>(
        `INSERT INTO workspaces (name) VALUES ('w') RETURNING id`,
      )
    ).rows[0]!.id;
  });
  afterAll(async () => {
    await t.close();
    await server.close();
  });

  const embed = (text: string, dimensions?: number) =>
    t.runtime.llm.embed([text], {
      workspaceId,
      purpose: { kind: 'embedding', step: 'ingest' },
      ...(dimensions ? { dimensions } : {}),
    });

  it('asks for EMBEDDING_DIMENSIONS, or the width given, and caches each width apart', async () => {
    const first = await embed('tidal turbines');
    expect(first.embeddings[0]).toHaveLength(64);
    expect(server.widthsAsked).toEqual([64]);

    const narrower = await embed('tidal turbines', 32);
    expect(narrower.cachedCount).toBe(0);
    expect(narrower.embeddings[0]).toHaveLength(32);
    expect(server.widthsAsked).toEqual([64, 32]);

    const again = await embed('tidal turbines', 64);
    expect(again.cachedCount).toBe(1);
    expect(again.embeddings[0]).toEqual(first.embeddings[0]);
    expect(server.requests).toBe(2);
  });
});
