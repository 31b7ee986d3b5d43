// Uploaded documents are recognised, parsed and chunked in a worker process, not on the thread that
// serves requests: a real 10 MB PDF takes ~6 s of pdf.js, and crafted files ran for minutes or until
// the process died — a 2 kB PDF of nested forms (over 2 minutes), 340 kB of unclosed `<table>` HTML
// (4 GB, then the process aborted) — in the upload's request. A document past its time or its
// process's memory is refused (`too_complex`), and its process ended (src/worker-pool.ts).

import { QueueFullError, refusalOf } from '../bounded.ts';
import { type RunOptions, WorkerLimitError, workerFile, workerPool } from '../worker-pool.ts';
import { DocumentRejectedError, rejected } from './errors.ts';
import { type ChunkedDocument, checkUploadSize, type ParseAndChunkOptions } from './ingest-document.ts';
import type { ParseAnswer, ParseTask } from './parse-worker.ts';

const readers = workerPool<ParseTask, ParseAnswer | null>({
  file: workerFile(import.meta.url, 'parse-worker'),
  maxWorkers: 2,
  // A 24 MB, 7,000-page PDF (MAX_FILE_SIZE_MB's default is 25) needs between 256 and 512 MB of heap.
  heapMb: 512,
  // It, and 20 MB of HTML or Markdown, hold 80–100 MB outside the heap (the file's bytes, its text);
  // a PDF stream inflates there, 1,000:1 in a crafted one.
  memoryMb: 512 + 256,
  // That PDF takes ~18–21 s here; Markdown, HTML or text of that size 1–4 s.
  timeoutMs: 60_000,
});

// An upload's request waits while its document is read, holding the file: past this many of its
// workspace's (or this many in all) waiting, it is refused rather than left to wait for minutes.
export const maxWaitingUploads = { perWorkspace: 4, inAll: 32 };

export interface ReadTurn extends Pick<RunOptions, 'signal' | 'timeoutMs'> {
  /** Whose document: waiting documents take turns across workspaces. */
  workspaceId?: string;
  /** A request waits for the answer: refused (429, or 503 when everyone's are waiting) rather than queued without end. */
  refuseWhenBusy?: boolean;
}

/** parseAndChunk in a document-reading process: throws DocumentRejectedError as it does. */
export async function parseAndChunkOffThread(
  bytes: Buffer,
  options: ParseAndChunkOptions,
  { signal, timeoutMs, workspaceId, refuseWhenBusy = false }: ReadTurn = {},
): Promise<ChunkedDocument> {
  // Checked here, so a file over the limit is never copied to the process.
  checkUploadSize(bytes, options);
  let answer: ParseAnswer | null;
  try {
    answer = await readers.run(
      { bytes, options },
      {
        signal,
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
        ...(workspaceId === undefined ? {} : { key: workspaceId }),
        ...(refuseWhenBusy
          ? { maxWaitingForKey: maxWaitingUploads.perWorkspace, maxWaiting: maxWaitingUploads.inAll }
          : {}),
      },
    );
  } catch (err) {
    if (err instanceof QueueFullError) throw busy(err);
    if (err instanceof WorkerLimitError)
      throw rejected(
        'too_complex',
        `the document could not be read ${err.message}: split it or convert it to text`,
      );
    throw err;
  }
  if (!answer) throw new Error('the document reader returned nothing');
  if ('rejection' in answer) throw new DocumentRejectedError(answer.rejection.code, answer.rejection.message);
  return answer.document;
}

// A document is read within a minute.
const busy = (err: QueueFullError) =>
  refusalOf(
    err,
    {
      key: `${maxWaitingUploads.perWorkspace} documents of this workspace are already waiting to be read; upload this one when one of them is done`,
      all: `${maxWaitingUploads.inAll} documents are already waiting to be read; try again shortly`,
    },
    30,
  );

/** Ends the document-reading processes (tests, and a process that must not wait for their idle timeout). */
export const closeDocumentReaders = (): Promise<void> => readers.close();
