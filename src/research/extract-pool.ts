// Web pages are reduced to text in worker processes, not on the thread that answers requests, follows
// live streams and reads model answers: a real page is ~190 kB of HTML and 20–55 ms of linkedom and
// Readability (bench/RESULTS.md "Pages read off the main thread"), and an article reads ten to
// twenty — on that thread every other request and stream waited behind each; with more cores, more
// processes read pages side by side. A page that takes longer than 15 s (hostile HTML: 64 kB of
// unclosed `<div><p>` ran for over 30 s) has its process ended and is refused, and a process's memory is
// bounded (src/worker-pool.ts), so no page can hold the app.
// Plain text needs no parser and is read here.
import { AppError } from '../errors.ts';
import { mediaType } from '../security/ssrf/media-type.ts';
import { type RunOptions, WorkerLimitError, workerFile, workerPool } from '../worker-pool.ts';
import { type ExtractedPage, extractReadable } from './extract.ts';
import type { ExtractTask } from './extract-worker.ts';

const htmlTypes = new Set(['text/html', 'application/xhtml+xml']);

const extractors = workerPool<ExtractTask, ExtractedPage | null>({
  file: workerFile(import.meta.url, 'extract-worker'),
  maxWorkers: 4,
  // A 5 MB page, FETCH_MAX_BYTES's default, needs ~200 MB of heap and ~25 MB outside it (its bytes
  // and text).
  heapMb: 256,
  memoryMb: 256 + 128,
  timeoutMs: 15_000,
});

/**
 * Starts the extractor processes (each loads the parser, 150–250 ms of a core) while the caller waits
 * on something else — the model writing the research plan — so the first pages find them ready.
 */
export const warmExtractors = (): void => extractors.warm();

/**
 * extractReadable in an extractor process for HTML (unsupported types are refused as there). Refused
 * with `unavailable` when the page takes longer than  `timeoutMs` or more than the process's memory; its
 * process is ended.
 */
export async function extractPage(
  body: Buffer,
  contentType: string,
  url: string,
  // `key`: whose page (a workspace) — waiting pages take turns across keys, so one's crafted pages
  // hold only its own.
  { signal, timeoutMs, key }: Pick<RunOptions, 'signal' | 'timeoutMs' | 'key'> = {},
): Promise<ExtractedPage> {
  if (!htmlTypes.has(mediaType(contentType))) return extractReadable(body, contentType, url);
  try {
    const page = await extractors.run(
      { body, contentType, url },
      { signal, ...(timeoutMs === undefined ? {} : { timeoutMs }), ...(key === undefined ? {} : { key }) },
    );
    if (!page) throw new Error('the extractor returned nothing');
    return page;
  } catch (err) {
    if (err instanceof WorkerLimitError)
      throw new AppError('unavailable', `The page could not be read ${err.message}`);
    throw err;
  }
}

/** Ends the extractor processes (tests, and a process that must not wait for their idle timeout). */
export const closeExtractors = (): Promise<void> => extractors.close();
