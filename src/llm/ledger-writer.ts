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
// A batch the database could not be reached for (a restart, a failover) is held and written again
// with backoff — up to `maxHeldRows` of them, then the oldest go, logged — rather than dropped: those
// calls were billed. Such rows are stamped when they are finally written.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Database } from '../db/client.ts';
import { isDatabaseUnavailable } from '../db/unavailable.ts';
import { type LlmCallRecord, recordLlmCalls } from './ledger-store.ts';

export interface LedgerWriter {
  add(row: LlmCallRecord): void;
  /**
   * Resolves once every row added so far is stored, has failed on its own data and been logged,
   * or — the database being unreachable — is held for the next try.
   */
  flush(): Promise<void>;
}

const firstRetryMs = 500;
const maxRetryMs = 30_000;

export function createLedgerWriter(
  database: Database,
  logger: Logger,
  opts: { maxRows?: number; maxDelayMs?: number; minIntervalMs?: number; maxHeldRows?: number } = {},
): LedgerWriter {
  const maxRows = opts.maxRows ?? 200;
  const maxHeldRows = opts.maxHeldRows ?? 10_000;
  /** Statements in a row that found the database unreachable (0: the last one reached it). */
  let outages = 0;
  /** No statement before this (performance.now()) but a flush's, while the database is unreachable. */
  let retryAt = 0;
  const maxDelayMs = opts.maxDelayMs ?? 20;
  const minIntervalMs = opts.minIntervalMs ?? 100;
  /** When the last statement started (performance.now()). */
  let lastWriteAt = Number.NEGATIVE_INFINITY;
  let buffer: LlmCallRecord[] = [];
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<boolean> | undefined;
  /** A write fell due while the previous one ran: it starts as soon as that one ends. */
  let due = false;

  /** Puts rows the database could not be reached for back in front, and waits before the next try. */
  function hold(rows: LlmCallRecord[], err: unknown) {
    buffer = [...rows, ...buffer];
    const over = buffer.length - maxHeldRows;
    if (over > 0) {
      buffer = buffer.slice(over);
      logger.error({ dropped: over }, 'LLM ledger rows dropped: the database has been unreachable too long');
    }
    outages++;
    const waitMs = Math.min(maxRetryMs, firstRetryMs * 2 ** (outages - 1));
    retryAt = performance.now() + waitMs;
    if (outages === 1 || waitMs === maxRetryMs)
      logger.warn(
        { err, held: buffer.length, retryInMs: waitMs },
        'LLM ledger write held: database unreachable',
      );
    schedule(waitMs);
  }

  /** Writes the rows; false when the database could not be reached (the rest are then held). */
  async function store(rows: LlmCallRecord[]): Promise<boolean> {
    try {
      await recordLlmCalls(database, rows);
      outages = 0;
      return true;
    } catch (err) {
      if (isDatabaseUnavailable(err)) {
        hold(rows, err);
        return false;
      }
      if (rows.length === 1) {
        logger.error({ err, model: rows[0]?.model }, 'LLM ledger write failed');
        return true;
      }
      // One bad row (e.g. its workspace was just deleted) must not cost the others.
      for (const [i, row] of rows.entries()) {
        if (!(await store([row]))) {
          buffer.splice(1, 0, ...rows.slice(i + 1));
          return false;
        }
      }
      return true;
    }
  }

  function schedule(delayMs: number) {
    if (timer) return;
    timer = setTimeout(kick, delayMs);
    timer.unref();
  }

  function kick(force = false) {
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    if (!force && performance.now() < retryAt) {
      schedule(retryAt - performance.now());
      return;
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
      row.id ??= randomUUID();
      buffer.push(row);
      if (buffer.length >= maxRows) kick();
      else schedule(Math.max(maxDelayMs, minIntervalMs - (performance.now() - lastWriteAt)));
    },
    async flush() {
      for (;;) {
        if (inFlight) await inFlight;
        else if (buffer.length === 0) return;
        else {
          // One try now whatever the backoff says; if the database is still unreachable the rows
          // stay held for the timer, and the caller goes on (it cannot wait out an outage).
          const before = outages;
          kick(true);
          await inFlight;
          if (outages > before) return;
        }
      }
    },
  };
}
