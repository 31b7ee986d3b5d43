// An extractor thread (extract-pool.ts): it loads the HTML parser as it starts, so a thread started
// ahead of the pages has it ready, then reduces each page it is handed. A thread is a fresh module
// graph: with the compile cache on first, its modules load from the cache the CLI keeps
// (~180 → ~100 ms a thread here).
import { enablePrivateCompileCache } from '../compile-cache.ts';

enablePrivateCompileCache();
const { extractReadable, loadExtractor } = await import('./extract.ts');
loadExtractor();

export interface ExtractTask {
  /** The page's bytes as fetched (decoded here, off the thread that fetched them). */
  body: Uint8Array;
  contentType: string;
  url: string;
}

/** A task of `null` only starts the thread. */
export default function extract(task: ExtractTask | null) {
  if (!task) return null;
  const { body, contentType, url } = task;
  return extractReadable(Buffer.from(body.buffer, body.byteOffset, body.byteLength), contentType, url);
}
