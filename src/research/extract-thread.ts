// Pages are parsed on a worker thread. The HTML parser and Readability take ~190 ms of one core to
// load and a few milliseconds a page to run; on the main thread both landed inside hand-overs — a
// plan's answer waited for a module to finish loading before its searches went out, a page's parse
// held back a model request (bench/RESULTS.md). One worker per process, started ahead of need by
// `startExtractionThread()` (it loads the extractor at once, on the other core) or by the first
// page. It never keeps the process alive by itself. Should it fail to start or die, pages are parsed
// on this thread as before.
import { Worker } from 'node:worker_threads';
import { AppError, type ErrorCode } from '../errors.ts';
import { type ExtractedPage, extractReadable } from './extract.ts';

type Args = [body: Buffer | string, contentType: string, url: string];

interface Reply {
  id: number;
  page?: ExtractedPage;
  error?: { message: string; code?: string };
}

// The extractor module beside this one (extract.ts here, extract.js in the built package).
const extractModule = import.meta.url.replace(/extract-thread\.(ts|js)$/, 'extract.$1');

const workerSource = `
const { parentPort } = require('node:worker_threads');
import(${JSON.stringify(extractModule)}).then((m) => {
  parentPort.on('message', ({ id, body, contentType, url }) => {
    try {
      const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
      parentPort.postMessage({ id, page: m.extractReadable(text, contentType, url) });
    } catch (err) {
      parentPort.postMessage({ id, error: { message: String((err && err.message) || err), code: err && err.code } });
    }
  });
  m.loadExtractor();
});
`;

let worker: Worker | undefined;
let unavailable = false;
let nextId = 0;
const pending = new Map<
  number,
  { args: Args; resolve: (page: ExtractedPage) => void; reject: (err: unknown) => void }
>();

function parseHere(args: Args) {
  return extractReadable(...args);
}

/** The worker is gone: what it still had is parsed here, and later pages too. */
function fail() {
  unavailable = true;
  worker = undefined;
  for (const [id, p] of pending) {
    pending.delete(id);
    try {
      p.resolve(parseHere(p.args));
    } catch (err) {
      p.reject(err);
    }
  }
}

function thread(): Worker | undefined {
  if (worker || unavailable) return worker;
  try {
    const w = new Worker(workerSource, { eval: true });
    w.unref();
    w.on('message', (reply: Reply) => {
      const p = pending.get(reply.id);
      if (!p) return;
      pending.delete(reply.id);
      if (pending.size === 0) w.unref();
      if (reply.page) p.resolve(reply.page);
      else
        p.reject(
          reply.error?.code
            ? new AppError(reply.error.code as ErrorCode, reply.error.message)
            : new Error(reply.error?.message ?? 'The page could not be parsed'),
        );
    });
    w.on('error', fail);
    w.on('exit', fail);
    worker = w;
  } catch {
    unavailable = true;
  }
  return worker;
}

/** Starts the extraction thread (and its loading of the extractor) ahead of the first page. */
export function startExtractionThread(): void {
  thread();
}

/** `extractReadable`, run on the extraction thread. */
export function extractReadableOffThread(...args: Args): Promise<ExtractedPage> {
  const w = thread();
  if (!w) return Promise.resolve().then(() => parseHere(args));
  const id = ++nextId;
  // Held open while a page is being parsed, so a caller waiting only on it is not left behind.
  if (pending.size === 0) w.ref();
  return new Promise((resolve, reject) => {
    pending.set(id, { args, resolve, reject });
    w.postMessage({ id, body: args[0], contentType: args[1], url: args[2] });
  });
}
