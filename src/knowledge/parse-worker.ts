// A document-reading process (parse-pool.ts): recognises, parses and chunks one upload. Rejections
// cross back as data, since a thrown error loses its class and code on the way.
import { enablePrivateCompileCache } from '../compile-cache.ts';
import type { RejectionCode } from './errors.ts';
import type { ChunkedDocument, ParseAndChunkOptions } from './ingest-document.ts';

enablePrivateCompileCache();
const { parseAndChunk } = await import('./ingest-document.ts');
const { DocumentRejectedError } = await import('./errors.ts');

export interface ParseTask {
  bytes: Uint8Array;
  options: ParseAndChunkOptions;
}

export type ParseAnswer =
  | { document: ChunkedDocument }
  | { rejection: { code: RejectionCode; message: string } };

/** A task of `null` does nothing (the process has started). */
export default async function parse(task: ParseTask | null): Promise<ParseAnswer | null> {
  if (!task) return null;
  const { bytes, options } = task;
  try {
    return {
      document: await parseAndChunk(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), options),
    };
  } catch (err) {
    if (err instanceof DocumentRejectedError) return { rejection: { code: err.code, message: err.message } };
    throw err;
  }
}
