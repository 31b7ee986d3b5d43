// An extractor process (extract-pool.ts): it loads the HTML parser as it starts and reads a made-up
// page until the first real one comes (extract-warm-up.ts), so a process started ahead of the pages
// has it ready and compiled, then reduces each page it is handed. A process is a fresh module
// graph: with the compile cache on first, its modules load from the cache the CLI keeps
// (~180 → ~100 ms a thread here, when these were threads).
import { enablePrivateCompileCache } from '../compile-cache.ts';

enablePrivateCompileCache();
const { extractReadable, loadExtractor } = await import('./extract.ts');
const { warmUp, warmUpUrl } = await import('./extract-warm-up.ts');
loadExtractor();
// Ten reads of the made-up page (~11 kB): ~110 ms of this process's core, off the app's thread.
const stopWarmUp = warmUp((html) => extractReadable(Buffer.from(html), 'text/html', warmUpUrl), 10);

export interface ExtractTask {
  /** The page's bytes as fetched (decoded here, off the thread that fetched them). */
  body: Uint8Array;
  contentType: string;
  url: string;
}

/** A task of `null` does nothing (the process has started). */
export default function extract(task: ExtractTask | null) {
  if (!task) return null;
  stopWarmUp();
  const { body, contentType, url } = task;
  return extractReadable(Buffer.from(body.buffer, body.byteOffset, body.byteLength), contentType, url);
}
