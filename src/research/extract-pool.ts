// Web pages are reduced to text on worker threads, not on the thread that answers requests, follows
// live streams and reads model answers: a real page is ~190 kB of HTML and 20–55 ms of linkedom and
// Readability (bench/RESULTS.md "Pages read off the main thread"), and an article reads ten to
// twenty — on that thread every other request and stream waited behind each; with more cores, more
// threads read pages side by side. A page that takes longer than `pageTimeoutMs` (hostile HTML: 64 kB
// of unclosed `<div><p>` ran for over 30 s) has its thread ended and is refused, and a thread's heap is
// bounded (a 5 MB page, FETCH_MAX_BYTES's default, needs ~200 MB), so no page can hold the app.
// Plain text needs no parser and is read here.
import { availableParallelism } from 'node:os';
import type { Piscina } from 'piscina';
import { AppError } from '../errors.ts';
import { lazyModule } from '../lazy-module.ts';
import { mediaType } from '../security/ssrf/media-type.ts';
import { boundedQueue } from './bounded.ts';
import { type ExtractedPage, extractReadable } from './extract.ts';
import type { ExtractTask } from './extract-worker.ts';

// Loaded with the first page, not with the server.
const piscina = lazyModule<typeof import('piscina')>('piscina');

const htmlTypes = new Set(['text/html', 'application/xhtml+xml']);
const pageTimeoutMs = 15_000;
// One core is left to the thread that serves and streams: on two cores one extractor thread (reading
// pages one at a time, as before, but beside that thread rather than on it).
const threads = Math.max(1, Math.min(4, availableParallelism() - 1));

// The source tree runs as TypeScript; the installed package as the JavaScript built from it.
const workerFile = new URL(
  import.meta.url.endsWith('.ts') ? './extract-worker.ts' : './extract-worker.js',
  import.meta.url,
);

let pool: Piscina<ExtractTask | null, ExtractedPage | null> | undefined;
// Pages are handed to the threads as one frees up, so a page's time runs from when a thread takes
// it: pages queued behind a hostile one keep all of theirs.
const turns = boundedQueue(threads);

function extractors() {
  pool ??= new (piscina().Piscina)({
    filename: workerFile.href,
    maxThreads: threads,
    // Threads end after a quiet half minute (and never keep the process alive): an idle server or a
    // finished command holds no parser.
    minThreads: 0,
    idleTimeout: 30_000,
    resourceLimits: { maxOldGenerationSizeMb: 256 },
  });
  return pool;
}

/**
 * Starts the extractor threads (each loads the parser, 150–250 ms of a core) while the caller waits
 * on something else — the model writing the research plan — so the first pages find them ready.
 */
export function warmExtractors(): void {
  const all = extractors();
  for (let i = all.threads.length; i < threads; i++) all.run(null).catch(() => {});
}

/**
 * extractReadable on an extractor thread for HTML (unsupported types are refused as there). Refused
 * with `unavailable` when the page takes longer than `timeoutMs`; its thread is ended.
 */
export async function extractPage(
  body: Buffer,
  contentType: string,
  url: string,
  { signal, timeoutMs = pageTimeoutMs }: { signal?: AbortSignal | undefined; timeoutMs?: number } = {},
): Promise<ExtractedPage> {
  if (!htmlTypes.has(mediaType(contentType))) return extractReadable(body, contentType, url);
  return turns(async () => {
    signal?.throwIfAborted();
    const timeout = AbortSignal.timeout(timeoutMs);
    try {
      const page = await extractors().run(
        { body, contentType, url },
        { signal: signal ? AbortSignal.any([signal, timeout]) : timeout },
      );
      if (!page) throw new Error('the extractor returned nothing');
      return page;
    } catch (err) {
      if (timeout.aborted)
        throw new AppError('unavailable', `The page could not be read within ${timeoutMs / 1000} s`);
      throw err;
    }
  });
}

/** Ends the extractor threads (tests, and a process that must not wait for their idle timeout). */
export async function closeExtractors(): Promise<void> {
  const closing = pool;
  pool = undefined;
  await closing?.destroy();
}
