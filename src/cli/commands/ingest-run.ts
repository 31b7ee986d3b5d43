// `blogsmith ingest <file|url>...` at work: adds documents to a workspace's knowledge library without the
// HTTP server, with a progress bar per document. It opens the runtime itself (embedded database by
// default, or DATABASE_URL), validates each document as the API does, and runs the ingestion job
// in this process (the job is also queued, and is a no-op for whoever picks it up later).
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { primaryWorkspaceOf } from '../../accounts/members.ts';
import { findUserByEmail } from '../../accounts/users.ts';
import { loadConfig } from '../../config.ts';
import { DataDirBusyError, dataDirHolder } from '../../db/data-dir-lock.ts';
import { AppError } from '../../errors.ts';
import { tagsOfLists } from '../../input/tags.ts';
import { type DocumentRow, getDocument } from '../../knowledge/document-store.ts';
import { DocumentRejectedError } from '../../knowledge/errors.ts';
import { fetchDocument } from '../../knowledge/fetch-document.ts';
import { documentLimits, megabytes } from '../../knowledge/ingest-document.ts';
import { ingestionDeps } from '../../knowledge/ingest-job.ts';
import {
  abandonedAfterSeconds,
  type IngestionDeps,
  ingestRetryLimit,
  processDocument,
  type SubmitInput,
  submitDocument,
} from '../../knowledge/ingestion.ts';
import { createRuntime, type Runtime } from '../../runtime.ts';
import { sleep } from '../../sleep.ts';
import { cliLogger } from '../cli-logger.ts';

export interface IngestOptions {
  email?: string;
  workspace?: string;
  tags?: string;
  json?: boolean;
}

interface Outcome {
  source: string;
  ok: boolean;
  documentId?: string;
  status?: string;
  title?: string;
  pageCount?: number | null;
  chunkCount?: number;
  note?: string | null;
  duplicate?: boolean;
  error?: string;
}

const isUrl = (s: string) => /^https?:\/\//i.test(s);

async function resolveWorkspace(runtime: Runtime, opts: IngestOptions): Promise<string> {
  const { database } = runtime;
  if (opts.workspace) {
    const r = await database.query<{ id: string }>('SELECT id FROM workspaces WHERE id::text = $1', [
      opts.workspace,
    ]);
    if (!r.rows[0]) throw new AppError('not_found', `No workspace with id ${opts.workspace}`);
    return r.rows[0].id;
  }
  if (opts.email) {
    const user = await findUserByEmail(database, opts.email);
    if (!user) throw new AppError('not_found', `No user with email ${opts.email}`);
    const ws = await primaryWorkspaceOf(database, user.id);
    if (!ws) throw new AppError('not_found', `${opts.email} belongs to no workspace`);
    return ws.id;
  }
  const r = await database.query<{ id: string }>('SELECT id FROM workspaces ORDER BY created_at LIMIT 2');
  if (r.rows.length === 0) {
    throw new AppError('not_found', 'There is no workspace yet: create a user first (blogsmith user create)');
  }
  if (r.rows.length > 1) {
    throw new AppError(
      'validation_error',
      'There are several workspaces: choose one with --email or --workspace',
    );
  }
  return r.rows[0]!.id;
}

async function readSource(
  source: string,
  runtime: Runtime,
): Promise<Omit<SubmitInput, 'workspaceId' | 'tags'>> {
  if (isUrl(source)) {
    const fetched = await fetchDocument(source, runtime.config);
    return {
      bytes: fetched.bytes,
      sourceKind: 'url',
      sourceUrl: fetched.finalUrl,
      ...(fetched.filename ? { filename: fetched.filename } : {}),
      ...(fetched.declaredType ? { declaredType: fetched.declaredType } : {}),
    };
  }
  const { maxBytes } = documentLimits(runtime.config);
  let size: number;
  try {
    const stat = statSync(source);
    if (!stat.isFile()) throw new AppError('validation_error', 'not a file');
    size = stat.size;
  } catch (err) {
    if (err instanceof AppError) throw err;
    // `ftp://…` or `file://…` is most likely meant as an address, not as a file of that name.
    const scheme = /^([a-z][a-z\d+.-]*):\/\//i.exec(source)?.[1];
    if (scheme && (err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new AppError('validation_error', `only http and https addresses are fetched, not ${scheme}:`);
    throw new AppError(
      'not_found',
      `cannot read the file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  // Refused before reading a byte (the same message the API gives).
  if (size > maxBytes) {
    throw new DocumentRejectedError(
      'too_large',
      `file is ${megabytes(size)}; the limit is ${megabytes(maxBytes)}`,
    );
  }
  return { bytes: readFileSync(source), sourceKind: 'upload', filename: path.basename(source) };
}

/** Runs the job here; waits for another worker if one already has the document. */
async function ingestNow(
  deps: IngestionDeps,
  doc: DocumentRow,
  onProgress: (progress: number, stage: string) => void,
): Promise<DocumentRow> {
  const job = { documentId: doc.id, workspaceId: doc.workspaceId };
  for (let attempt = 0; attempt <= ingestRetryLimit; attempt++) {
    const result = await processDocument(deps, job, {
      finalAttempt: attempt === ingestRetryLimit,
      onProgress,
    });
    if (result.outcome === 'ready' || result.outcome === 'failed') return result.document;
    if (result.outcome === 'retrying') {
      onProgress(result.document.progress, 'retrying');
      await sleep(1000 * 2 ** attempt);
      continue;
    }
    // Skipped: already done, deleted, or a worker is on it — follow its progress.
    for (;;) {
      const current = await getDocument(deps.database, doc.workspaceId, doc.id);
      if (!current) throw new AppError('not_found', 'the document was deleted while it was ingested');
      onProgress(current.progress, current.status);
      if (current.status === 'ready' || current.status === 'failed') return current;
      if (current.status === 'queued') break; // a worker gave it back: try again ourselves
      // Its worker stopped (no progress for the time after which it may be taken over): take it.
      // A few seconds more, so this machine's clock running ahead of the database's does not ask too soon.
      const stalledMs = Date.now() - current.updatedAt.getTime();
      if (current.status === 'processing' && stalledMs > (abandonedAfterSeconds + 5) * 1000) break;
      await sleep(500);
    }
  }
  const last = await getDocument(deps.database, doc.workspaceId, doc.id);
  if (!last) throw new AppError('not_found', 'the document was deleted while it was ingested');
  return last;
}

/** The `ingest` command's work; src/cli/commands/ingest.ts loads this module only when it runs. */
export async function runIngest(sources: string[], opts: IngestOptions): Promise<void> {
  // The API's rule, checked before any document is read or the database opened.
  const tags = tagsOfLists(opts.tags === undefined ? [] : [opts.tags], '--tags');
  const config = loadConfig();
  let runtime: Runtime;
  try {
    runtime = await createRuntime(config, { logger: cliLogger(), command: 'CLI (ingest)' });
  } catch (err) {
    if (!(err instanceof DataDirBusyError)) throw err;
    const holder = dataDirHolder(config.DATA_DIR);
    const where = holder?.url ? ` at ${holder.url}` : holder ? ` (pid ${holder.pid})` : '';
    process.stderr.write(
      `Error: a Blogsmith server is running${where} on ${path.resolve(config.DATA_DIR)}, which holds the embedded database.\n` +
        `Upload through it instead, e.g.: curl -H "Authorization: Bearer <api key>" -F file=@report.pdf ${holder?.url ?? 'http://localhost:3000'}/api/v1/documents\n` +
        'or stop the server and run blogsmith ingest again.\n',
    );
    process.exitCode = 1;
    return;
  }
  const outcomes: Outcome[] = [];
  try {
    const workspaceId = await resolveWorkspace(runtime, opts);
    await runtime.queue.start({ work: false });
    const deps = ingestionDeps(runtime);
    const bar = new cliProgress.SingleBar(
      {
        format: '{name} [{bar}] {percentage}% | {stage}',
        stream: process.stderr,
        noTTYOutput: true,
        notTTYSchedule: 200,
        hideCursor: true,
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
    // The bar hides the terminal's cursor while it draws: shown again on Ctrl-C too (a document
    // left half done is taken up again by the next ingest or a running server).
    const onSigint = () => {
      bar.stop();
      process.stderr.write('\nStopped.\n');
      process.exit(130);
    };
    process.once('SIGINT', onSigint);
    for (const source of sources) {
      const name = (isUrl(source) ? source : path.basename(source)).slice(0, 40);
      const outcome: Outcome = { source, ok: false };
      try {
        const input = await readSource(source, runtime);
        const submitted = await submitDocument(deps, { ...input, workspaceId, tags });
        outcome.duplicate = !submitted.created;
        bar.start(100, submitted.document.progress, { name, stage: submitted.document.status });
        const doc = await ingestNow(deps, submitted.document, (progress, stage) =>
          bar.update(progress, { stage }),
        );
        bar.update(doc.progress, { stage: doc.status });
        bar.stop();
        Object.assign(outcome, {
          ok: doc.status === 'ready',
          documentId: doc.id,
          status: doc.status,
          title: doc.title,
          pageCount: doc.pageCount,
          chunkCount: doc.chunkCount,
          note: doc.note,
          ...(doc.error ? { error: doc.error } : {}),
        });
      } catch (err) {
        bar.stop();
        if (err instanceof DocumentRejectedError || err instanceof AppError) outcome.error = err.message;
        else throw err;
      }
      outcomes.push(outcome);
      if (opts.json) process.stdout.write(`${JSON.stringify(outcome)}\n`);
      else if (outcome.ok) {
        const pages = outcome.pageCount ? `${outcome.pageCount} pages, ` : '';
        process.stdout.write(
          `${outcome.duplicate ? 'Already in the library' : 'Ingested'}: ${source} → "${outcome.title}" ` +
            `(${pages}${outcome.chunkCount} chunks, id ${outcome.documentId})\n` +
            (outcome.note ? `  note: ${outcome.note}\n` : ''),
        );
      } else process.stderr.write(`Failed: ${source}: ${outcome.error ?? outcome.status}\n`);
    }
    process.off('SIGINT', onSigint);
  } finally {
    await runtime.close();
  }
  if (outcomes.some((o) => !o.ok)) process.exitCode = 1;
}
