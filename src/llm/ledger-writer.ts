// Ledger rows are written in batches: one statement (recordLlmCalls) for the rows that arrived
// since the last one. A row waits `maxDelayMs` when the ledger has been quiet; under a steady stream
// of calls, statements start at most once per `minIntervalMs` (bigger batches: on the embedded
// database each statement runs on the thread the calls share, and its cost per row falls with the
// batch's size), and `maxRows` rows go at once. Per-row inserts on the embedded database cost ~1 ms
// of CPU on the event loop each, which delayed the next LLM call.
//
// What a crash can lose: the rows still in the buffer — calls that ended in the last `minIntervalMs`
// (default 100 ms) while calls are streaming in, `maxDelayMs` (20 ms) otherwise, or while the batch
// before them was being written — and that batch itself if the process dies before its statement
// commits (a statement is all or nothing, never half a batch).
// Those are calls the provider has billed but our ledger has not seen; their cost was already
// counted against the workspace's budget in memory, so it is not overspent while the process runs.
// Anything that must not lose them (a durable article step, process shutdown) calls flush() first.
import type { Logger } from 'pino';
import type { Database } from '../db/client.ts';
import { type LlmCallRecord, recordLlmCalls } from './ledger-store.ts';

export interface LedgerWriter {
  add(row: LlmCallRecord): void;
  /** Resolves once every row added so far is stored (or has failed and been logged). */
  flush(): Promise<void>;
}

export function createLedgerWriter(
  database: Database,
  logger: Logger,
  opts: { maxRows?: number; maxDelayMs?: number; minIntervalMs?: number } = {},
): LedgerWriter {
  const maxRows = opts.maxRows ?? 200;
  const maxDelayMs = opts.maxDelayMs ?? 20;
  const minIntervalMs = opts.minIntervalMs ?? 100;
  /** When the last statement started (performance.now()). */
  let lastWriteAt = Number.NEGATIVE_INFINITY;
  let buffer: LlmCallRecord[] = [];
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;
  /** A write fell due while the previous one ran: it starts as soon as that one ends. */
  let due = false;

  async function store(rows: LlmCallRecord[]) {
    try {
      await recordLlmCalls(database, rows);
    } catch (err) {
      if (rows.length === 1) {
        logger.error({ err, model: rows[0]?.model }, 'LLM ledger write failed');
        return;
      }
      // One bad row (e.g. its workspace was just deleted) must not cost the others.
      for (const row of rows) await store([row]);
    }
  }

  function kick() {
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    if (inFlight) {
      due = true;
      return;
    }
    if (buffer.length === 0) return;
    const rows = buffer;
    buffer = [];
    lastWriteAt = performance.now();
    inFlight = store(rows).finally(() => {
      inFlight = undefined;
      // Rows that arrived meanwhile wait for their own timer (or a full batch), not for this write
      // to end: writing them at once made a steady stream of calls a stream of one-row statements.
      if (due || buffer.length >= maxRows) {
        due = false;
        kick();
      }
    });
  }

  return {
    add(row) {
      buffer.push(row);
      if (buffer.length >= maxRows) kick();
      else if (!timer) {
        const sinceLastWrite = performance.now() - lastWriteAt;
        timer = setTimeout(kick, Math.max(maxDelayMs, minIntervalMs - sinceLastWrite));
        timer.unref();
      }
    },
    async flush() {
      while (buffer.length > 0 || inFlight) {
        if (inFlight) await inFlight;
        else kick();
      }
    },
  };
}
