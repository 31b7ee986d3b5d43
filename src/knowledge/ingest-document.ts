// The one call document ingestion makes: check limits, recognise the type by content, parse, chunk.
import { createHash } from 'node:crypto';
import type { Config } from '../config.ts';
import { declaredCharset } from '../decode-text.ts';
import { type ChunkOptions, chunkDocument } from './chunk.ts';
import { type DetectionHints, detectDocumentType } from './detect.ts';
import { rejected } from './errors.ts';
import { parseDocument } from './parse.ts';
import type { Chunk, DocumentType } from './types.ts';
import type { ZipLimits } from './zip.ts';

export interface ParseAndChunkOptions extends DetectionHints {
  maxBytes: number;
  allowedTypes: readonly DocumentType[];
  chunking?: ChunkOptions;
  zipLimits?: ZipLimits;
}

export interface ChunkedDocument {
  type: DocumentType;
  title: string;
  /** sha256 (hex) of the uploaded bytes: the same file ingested twice has the same hash. */
  contentHash: string;
  chunks: Chunk[];
  pageCount?: number;
}

export const documentLimits = (config: Pick<Config, 'MAX_FILE_SIZE_MB' | 'ALLOWED_FILE_TYPES'>) => ({
  maxBytes: Math.floor(config.MAX_FILE_SIZE_MB * 1024 * 1024),
  allowedTypes: config.ALLOWED_FILE_TYPES,
});

/** A byte count as people read it in messages: `25 MB`, `1.5 MB`. */
export const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1).replace(/\.0$/, '')} MB`;

function fallbackTitle(filename: string | undefined, chunks: Chunk[]): string {
  const base = filename
    ?.split(/[\\/]/)
    .pop()
    ?.replace(/\.[^.]+$/, '')
    .trim();
  if (base) return base;
  const words = chunks[0]?.rawText.replace(/\s+/g, ' ').trim() ?? '';
  return words.length > 80 ? `${words.slice(0, 79)}…` : words || 'Untitled document';
}

/** Throws DocumentRejectedError for a file over the size limit or empty. */
export function checkUploadSize(buffer: Buffer, opts: Pick<ParseAndChunkOptions, 'maxBytes'>): void {
  if (buffer.byteLength > opts.maxBytes)
    throw rejected(
      'too_large',
      `file is ${megabytes(buffer.byteLength)}; the limit is ${megabytes(opts.maxBytes)}`,
    );
  if (buffer.byteLength === 0) throw rejected('empty', 'the file is empty');
}

/**
 * Throws DocumentRejectedError for anything that must not be stored. Runs on the calling thread:
 * the app calls it through parseAndChunkOffThread (parse-pool.ts).
 */
export async function parseAndChunk(buffer: Buffer, opts: ParseAndChunkOptions): Promise<ChunkedDocument> {
  checkUploadSize(buffer, opts);

  const type = detectDocumentType(buffer, opts);
  if (!opts.allowedTypes.includes(type))
    throw rejected(
      'unsupported_type',
      `${type} files are not accepted here (allowed: ${opts.allowedTypes.join(', ')})`,
    );

  const doc = await parseDocument(buffer, type, {
    zipLimits: opts.zipLimits,
    charset: declaredCharset(buffer, opts.declaredType),
  });
  const chunks = chunkDocument(doc, opts.chunking);
  if (chunks.length === 0) throw rejected('empty', 'the document contains no text');
  return {
    type,
    title: doc.title ?? fallbackTitle(opts.filename, chunks),
    contentHash: createHash('sha256').update(buffer).digest('hex'),
    chunks,
    ...(doc.pageCount === undefined ? {} : { pageCount: doc.pageCount }),
  };
}
