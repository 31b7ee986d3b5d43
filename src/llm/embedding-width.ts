// How wide an embedding model's vectors are, and how to ask it for the width of the knowledge
// library's column (EMBEDDING_DIMENSIONS). A leaf module: config.ts reads the column's limit here.
//
// Some models give any width up to their own when asked (OpenAI's text-embedding-3-*: `dimensions`;
// Gemini's embedding models: `outputDimensionality` — the option names of @ai-sdk/openai and
// @ai-sdk/google); the rest give one fixed width. Without asking, gemini-embedding-001 gave 3072 and
// Ollama's nomic-embed-text 768 against the default column of 1536: every document was embedded,
// billed, and thrown away as the wrong width.
import type { SharedV3ProviderOptions } from '@ai-sdk/provider';
import type { ModelRef } from './model-ref.ts';
import type { ProviderName } from './provider-names.ts';

/** pgvector's HNSW index (vector search) holds at most this many dimensions. */
export const maxEmbeddingDimensions = 2000;

// The provider option that asks for a width, and the models that take it.
const widthOption: Partial<Record<ProviderName, { option: string; models: RegExp }>> = {
  openai: { option: 'dimensions', models: /^text-embedding-3-/ },
  google: { option: 'outputDimensionality', models: /^(gemini-embedding-|text-embedding-\d)/ },
};

// The width of models named by default or commonly chosen: the largest a model that can be asked
// gives (and gives unasked), or the only one it gives.
const knownWidths: Record<string, number> = {
  'openai:text-embedding-3-small': 1536,
  'openai:text-embedding-3-large': 3072,
  'openai:text-embedding-ada-002': 1536,
  'google:gemini-embedding-001': 3072,
  'google:text-embedding-004': 768,
  'ollama:nomic-embed-text': 768,
  'ollama:mxbai-embed-large': 1024,
  'ollama:all-minilm': 384,
  'ollama:bge-m3': 1024,
};

// Ollama's `:latest` tag is the untagged model.
const knownWidth = (ref: ModelRef) => knownWidths[ref.id.replace(/:latest$/, '')];

const askable = (ref: ModelRef) => widthOption[ref.provider]?.models.test(ref.model) === true;

/**
 * The provider options asking `ref` for vectors of `dimensions`; undefined when it cannot be asked
 * (a fixed width, another provider, or a width past the model's largest, which its API refuses).
 */
export function widthRequest(ref: ModelRef, dimensions: number): SharedV3ProviderOptions | undefined {
  const option = widthOption[ref.provider];
  if (!option || !askable(ref)) return undefined;
  const largest = knownWidth(ref);
  if (largest !== undefined && dimensions > largest) return undefined;
  return { [ref.provider]: { [option.option]: dimensions } };
}

/**
 * The width that tells `ref`'s vectors asked for `dimensions` from its own unasked ones (for cache
 * keys), or undefined when they are the same: not asked, or asked for the width it gives anyway.
 */
export function askedWidth(ref: ModelRef, dimensions: number): number | undefined {
  return widthRequest(ref, dimensions) && knownWidth(ref) !== dimensions ? dimensions : undefined;
}

export interface ExpectedWidth {
  width: number;
  /** The model can be asked for a width, but none larger than this. */
  atMost: boolean;
}

/** The width `ref` gives when asked for `dimensions`, when that is known without calling it. */
export function expectedWidth(ref: ModelRef, dimensions: number): ExpectedWidth | undefined {
  const known = knownWidth(ref);
  if (known === undefined) return undefined;
  if (widthRequest(ref, dimensions)) return { width: dimensions, atMost: false };
  return { width: known, atMost: askable(ref) };
}

/**
 * What is wrong and what to do when `model` gives vectors of another width than the embedding
 * column holds: one sentence for a document's note, a start-up warning and the model check.
 */
export function widthMismatch(model: string, gives: ExpectedWidth, column: number): string {
  const vectors = `${gives.atMost ? 'at most ' : ''}${gives.width}-dimensional vectors`;
  const holds = `the embedding column holds ${column} (EMBEDDING_DIMENSIONS)`;
  if (gives.width > maxEmbeddingDimensions)
    return (
      `the embedding model ${model} gives ${vectors}, more than the ${maxEmbeddingDimensions} of pgvector's ` +
      `HNSW index, and ${holds}: choose an embedding model that gives ${column}`
    );
  return (
    `the embedding model ${model} gives ${vectors} but ${holds}: set EMBEDDING_DIMENSIONS=${gives.width} ` +
    'and restart (an embedding column that holds no vectors yet is then re-created at that width), ' +
    `or choose an embedding model that gives ${column}`
  );
}
