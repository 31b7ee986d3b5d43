// The LLM ledger keeps one row per call for LLM_LEDGER_DETAIL_DAYS (0: for ever); older hours are
// compacted to one row per kind of call (ledger-compaction-store.ts). A row per call, cache hits
// included, is written at the rate members make calls — a member searching at the general rate
// limit adds ~600 rows a minute (each search embeds its query) — and the usage, spend and estimate
// sums need only their totals. Compacted hourly by every process that works jobs, and as soon as
// one starts; a process that stopped for a while catches up hour by hour.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import { reclaimDeletedSpace } from '../db/embedded-autovacuum.ts';
import type { JobQueue } from '../jobs/queue.ts';
import { compactNextHour } from './ledger-compaction-store.ts';

const hourMs = 3600_000;

/**
 * Compacts every hour that ended LLM_LEDGER_DETAIL_DAYS ago, or until `signal` is aborted; the
 * number of rows it removed.
 */
export async function compactLedger(
  database: Database,
  detailDays: number,
  options: { now?: number; signal?: AbortSignal } = {},
) {
  if (detailDays === 0) return 0;
  const before = new Date((options.now ?? Date.now()) - detailDays * 24 * hourMs);
  let removed = 0;
  while (!options.signal?.aborted) {
    const done = await compactNextHour(database, before);
    if (!done) break;
    removed += done.removed;
    await nextTurn(); // Requests are served between hours (see compactNextHour).
  }
  if (removed > 0) await reclaimDeletedSpace(database, 'ledger');
  return removed;
}

export function handleLedgerCompaction(deps: {
  database: Database;
  queue: Pick<JobQueue, 'repeat'>;
  config: Pick<Config, 'LLM_LEDGER_DETAIL_DAYS'>;
  logger: Pick<Logger, 'info'>;
}) {
  if (deps.config.LLM_LEDGER_DETAIL_DAYS === 0) return;
  deps.queue.repeat('llm.ledger.compact', hourMs, async (signal) => {
    const removed = await compactLedger(deps.database, deps.config.LLM_LEDGER_DETAIL_DAYS, { signal });
    if (removed > 0) deps.logger.info({ removed }, 'LLM ledger rows past their detail days compacted');
  });
}
