import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { workspaces } from './accounts.ts';

/** The cost ledger: one row per upstream LLM request (or cache hit), from the response's real usage. */
export const llmCalls = pgTable(
  'llm_calls',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    workspaceId: uuid('workspace_id').references(() => workspaces.id, { onDelete: 'cascade' }),
    userId: uuid('user_id'),
    purposeKind: text('purpose_kind').notNull(),
    purposeId: text('purpose_id'),
    purposeStep: text('purpose_step'),
    role: text('role').notNull(),
    provider: text('provider').notNull(),
    model: text('model').notNull(),
    inputTokens: integer('input_tokens').notNull(),
    outputTokens: integer('output_tokens').notNull(),
    cachedInputTokens: integer('cached_input_tokens').notNull(),
    /** Output tokens spent on reasoning (part of output_tokens). */
    reasoningTokens: integer('reasoning_tokens').notNull().default(0),
    /** The server reported no usage: the counts come from the gateway's tokenizer. */
    usageEstimated: boolean('usage_estimated').notNull().default(false),
    /** null when the model has no known price: unknown is recorded as unknown, never guessed. */
    costUsd: numeric('cost_usd', { precision: 14, scale: 8, mode: 'number' }),
    latencyMs: integer('latency_ms').notNull(),
    ttftMs: integer('ttft_ms'),
    attempt: integer('attempt').notNull(),
    cacheHit: boolean('cache_hit').notNull(),
    outcome: text('outcome').notNull(),
    errorCode: text('error_code'),
    /**
     * The calls this row stands for: 1 as written; more once rows past LLM_LEDGER_DETAIL_DAYS are
     * compacted into one per hour and kind of call (src/llm/ledger-compaction.ts), their tokens,
     * cost and latency summed. Sums over the ledger count calls as sum(calls), never count(*).
     */
    calls: integer('calls').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('llm_calls_workspace_created_idx').on(t.workspaceId, t.createdAt)],
);

/**
 * How far the ledger has been compacted: every llm_calls row created before `compactedBefore` was
 * compacted (one row, kept by migration 0017). Without it each compaction would read the whole
 * compacted history again to find what is left to do.
 */
export const llmLedgerCompaction = pgTable('llm_ledger_compaction', {
  id: boolean('id').primaryKey().default(true),
  compactedBefore: timestamp('compacted_before', { withTimezone: true }).notNull(),
});

/**
 * Each workspace's priced spend per UTC month, added to by a statement trigger on llm_calls
 * (drizzle/0012): the budget guard re-reads a workspace's month every 2 s in each process, and the
 * sum over the month's ledger rows it used to take grew with use — 0.25 s of the embedded
 * database's thread (the one that serves HTTP) at 500,000 rows (`npm run bench -- ledger-reads`).
 */
export const llmSpendMonthly = pgTable(
  'llm_spend_monthly',
  {
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    /** The first day of the UTC month. */
    month: date('month', { mode: 'string' }).notNull(),
    costUsd: numeric('cost_usd', { precision: 20, scale: 8, mode: 'number' }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.month] })],
);

/**
 * The shared cache when Redis is not configured: model answers, embeddings, fetched pages and search
 * results, each for its time to live, all of them within CACHE_MAX_MB (src/cache/key-value-store.ts).
 */
export const llmCache = pgTable(
  'llm_cache',
  {
    key: text('key').primaryKey(),
    value: jsonb('value').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    /** The key's and the value's JSON's bytes as written (0 for entries written before 0018). */
    bytes: integer('bytes').notNull().default(0),
  },
  (t) => [index('llm_cache_expires_idx').on(t.expiresAt)],
);

/** The sum of llm_cache's `bytes`, kept by triggers (migration 0018): one row. */
export const llmCacheSize = pgTable('llm_cache_size', {
  id: boolean('id').primaryKey().default(true),
  bytes: bigint('bytes', { mode: 'number' }).notNull().default(0),
});
