// What autovacuum does on PostgreSQL, done on PGlite, which runs none: table statistics, and the
// space of deleted rows made usable again.
//
// Statistics: a table filled after its statistics were taken keeps, for the planner, the size and
// contents it had then — for a table never analyzed, an empty one — and the planner then reads every
// row of a workspace instead of walking its indexes (knowledge vector top-k at 10k chunks: 218 → 4.7
// ms after ANALYZE; article list search at 4,000 articles: bench/RESULTS.md "Article list search").
// They are taken again when a table has grown by a tenth since they were. Growth is read from the
// table's own pages against those its statistics recorded (pg_class.relpages), so it holds across
// processes and restarts (PGlite keeps no modification counters) and counts the dead rows updates
// leave as well.
import type { Database } from './client.ts';

// `minimumPages`: not for every few rows — at least this many pages (8 kB each) more than the
// statistics knew. A library grows by whole documents, a few chunks to a page (ANALYZE ~10 ms while
// small; 2 MB is about the 500 chunks the ingestion job counted before this); a run adds one article
// (~25 to a page: their texts are stored beside the table).
const upkeep = {
  // ANALYZE reads a bounded sample, so its cost stays the same at a million chunks.
  knowledge: {
    table: 'document_chunks',
    statement: 'ANALYZE document_chunks; ANALYZE documents',
    minimumPages: 256,
  },
  // The GIN index's own statistics, which only VACUUM takes, decide whether a rare word is looked up
  // in it or every article's text read (38 → 0.5 ms at 4,000 articles); every run's updates leave
  // dead rows behind. Articles are a small table beside the library: VACUUM takes ~0.2 s at 6,000.
  articles: { table: 'articles', statement: 'VACUUM ANALYZE articles', minimumPages: 8 },
} as const;

export type TableGroup = keyof typeof upkeep;

/**
 * On PGlite, takes the group's statistics again when its table has grown by a tenth (and at least
 * its `minimumPages`) since they were taken; true when it did. PostgreSQL's autovacuum does this
 * itself: there, nothing.
 */
export async function refreshStatsIfGrown(database: Database, group: TableGroup): Promise<boolean> {
  if (database.kind !== 'pglite') return false;
  const { table, statement, minimumPages } = upkeep[group];
  const { rows } = await database.query<{ known: number; pages: number }>(
    `SELECT relpages::int AS known, (pg_relation_size(oid) / current_setting('block_size')::int)::int AS pages
     FROM pg_class WHERE oid = $1::regclass`,
    [table],
  );
  const { known = 0, pages = 0 } = rows[0] ?? {};
  if (pages < Math.max(known + minimumPages, known * 1.1)) return false;
  await database.exec(statement);
  return true;
}

// Space: PostgreSQL uses a deleted row's space again only once a VACUUM has recorded it as free, so
// without one a table rows are deleted from grows by every row it ever held (the cache table by
// ~16 kB an article for ever: bench/RESULTS.md "What a long deployment leaves in the embedded
// database"). Each group is what one kind of deletion empties — its cascades included. One
// statement each: VACUUM cannot run in the implicit transaction of a multi-statement string.
const deletedFrom = {
  // Expired model answers and fetched pages (without Redis), pruned at most once a minute.
  cache: 'VACUUM llm_cache',
  // A document with its uploaded file, its chunks and their vectors.
  documents: 'VACUUM document_blobs, document_chunks, documents',
  // An article with its steps, events, versions and publication records.
  articles: 'VACUUM article_events, article_publications, article_steps, article_versions, articles',
  // Expired browser sessions, removed at most once an hour.
  sessions: 'VACUUM sessions',
  // Audit log entries past AUDIT_RETENTION_DAYS, removed hourly.
  audit: 'VACUUM audit_log',
  // LLM ledger rows compacted past LLM_LEDGER_DETAIL_DAYS, hourly.
  ledger: 'VACUUM llm_calls',
  // Webhook deliveries past the log's bounds, hourly.
  webhooks: 'VACUUM webhook_deliveries',
  // pg-boss's jobs, moved to its archive after they end, and deleted from there days later.
  queue: 'VACUUM pgboss.job, pgboss.archive',
} as const;

export type DeletingGroup = keyof typeof deletedFrom;

/** After rows were deleted from the group's tables: on PGlite their space is made usable again. */
export async function reclaimDeletedSpace(database: Database, group: DeletingGroup): Promise<void> {
  if (database.kind === 'pglite') await database.exec(deletedFrom[group]);
}
