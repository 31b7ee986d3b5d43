// The cost ledger's queries: every upstream request the gateway makes, with the usage its response
// reported (written in batches by ledger-writer.ts), and the sums read back for usage, budget and spend.
import { randomUUID } from 'node:crypto';
import { and, eq, getTableColumns, getTableName, gte, lt, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { llmCalls, llmSpendMonthly, users } from '../db/schema/index.ts';
import type { LlmPurpose, LlmRole } from './types.ts';

export interface LlmCallRecord {
  /**
   * Given once, when the writer takes the row: a batch written again after its commit's answer was
   * lost (a reset connection, a failover) must not store its rows twice (ON CONFLICT skips them).
   */
  id?: string;
  workspaceId?: string;
  userId?: string;
  purpose: LlmPurpose;
  role: LlmRole;
  provider: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  /** Part of outputTokens. */
  reasoningTokens?: number;
  /** The server reported no usage; the counts are the gateway tokenizer's. */
  usageEstimated?: boolean;
  costUsd: number | null;
  latencyMs: number;
  ttftMs: number | null;
  attempt: number;
  cacheHit: boolean;
  outcome: 'ok' | 'error' | 'fallback' | 'cancelled';
  errorCode?: string;
}

const toRow = (r: LlmCallRecord) =>
  ({
    id: r.id ?? randomUUID(),
    workspaceId: r.workspaceId ?? null,
    userId: r.userId ?? null,
    purposeKind: r.purpose.kind,
    purposeId: r.purpose.id ?? null,
    purposeStep: r.purpose.step ?? null,
    role: r.role,
    provider: r.provider,
    model: r.model,
    inputTokens: r.inputTokens,
    outputTokens: r.outputTokens,
    cachedInputTokens: r.cachedInputTokens,
    reasoningTokens: r.reasoningTokens ?? 0,
    usageEstimated: r.usageEstimated ?? false,
    costUsd: r.costUsd,
    latencyMs: r.latencyMs,
    ttftMs: r.ttftMs,
    attempt: r.attempt,
    cacheHit: r.cacheHit,
    outcome: r.outcome,
    errorCode: r.errorCode ?? null,
  }) satisfies typeof llmCalls.$inferInsert;

type LedgerRow = ReturnType<typeof toRow>;

// Every column but those the database fills in: created_at (the time of the batch's statement, at
// most the writer's delay after the call ended) and calls (1 until compacted).
const written = Object.entries(getTableColumns(llmCalls))
  .filter(([key]) => key !== 'createdAt' && key !== 'calls')
  .map(([key, column]) => ({ key: key as keyof LedgerRow, name: column.name }));
const table = getTableName(llmCalls);
const columnList = written.map((c) => c.name).join(', ');

// One statement per batch with one parameter, whatever the number of rows: a multi-row INSERT with
// a parameter per value spent several times the CPU of these in this process (building and binding
// 20 parameters a row; numbers in bench/RESULTS.md, issue 13 item 1), on the thread the calls share.
// PostgreSQL: the rows as one JSON array, expanded by json_populate_recordset on the server.
const insertFromJson = `INSERT INTO ${table} (${columnList}) SELECT ${columnList} FROM json_populate_recordset(null::${table}, $1::json) ON CONFLICT (id) DO NOTHING`;
// PGlite: COPY from an in-memory CSV blob, cheaper there than parsing the JSON in the wasm server.
const copyFromBlob = `COPY ${table} (${columnList}) FROM '/dev/blob' WITH (FORMAT csv)`;

/** A CSV field: null (or absent) unquoted and empty (COPY's NULL), text quoted, the rest as is. */
const csvField = (v: unknown) =>
  v === null || v === undefined ? '' : typeof v === 'string' ? `"${v.replaceAll('"', '""')}"` : String(v);

/** One statement for all rows (see ledger-writer.ts for when rows are written). */
export async function recordLlmCalls(database: Database, rows: LlmCallRecord[]) {
  if (rows.length === 0) return;
  const values = rows.map(toRow);
  if (database.pglite) {
    let csv = '';
    for (const row of values) csv += `${written.map((c) => csvField(row[c.key])).join(',')}\n`;
    await database.pglite.query(copyFromBlob, [], { blob: new Blob([csv]) });
    return;
  }
  await database.query(insertFromJson, [jsonArrayOf(values)]);
}

/**
 * The rows keyed by column name for json_populate_recordset: one plain object per row, filled by a
 * loop, stringified once (an Object.fromEntries of pairs per row cost twice the CPU, on the thread
 * the LLM calls share).
 */
function jsonArrayOf(rows: LedgerRow[]) {
  const byName = new Array<Record<string, unknown>>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as LedgerRow;
    const named: Record<string, unknown> = {};
    for (const column of written) named[column.name] = row[column.key];
    byName[i] = named;
  }
  return JSON.stringify(byName);
}

export const usageGroupings = ['day', 'model', 'provider', 'purpose', 'user'] as const;
export type UsageGrouping = (typeof usageGroupings)[number];

const groupKey = {
  day: sql<string>`to_char(${llmCalls.createdAt} at time zone 'UTC', 'YYYY-MM-DD')`,
  model: sql<string>`${llmCalls.provider} || ':' || ${llmCalls.model}`,
  provider: sql<string>`${llmCalls.provider}`,
  purpose: sql<string>`${llmCalls.purposeKind} || coalesce(':' || ${llmCalls.purposeStep}, '')`,
  // The member the calls were made for (an article's runs: who asked for it), by e-mail address.
  // Calls for nobody in particular (a document's embeddings, a search) are one row; so are the calls
  // of accounts deleted since.
  user: sql<string>`case when ${llmCalls.userId} is null then '(no member)'
    else coalesce((select ${users.email} from ${users} where ${users.id} = ${llmCalls.userId}), '(deleted account)') end`,
} satisfies Record<UsageGrouping, unknown>;

export async function usageSummary(
  database: Database,
  workspaceId: string,
  range: { from: Date; to: Date; groupBy: UsageGrouping },
) {
  const key = groupKey[range.groupBy];
  const rows = await database.db
    .select({
      key,
      calls: sql<number>`sum(${llmCalls.calls})::int`,
      cacheHits: sql<number>`coalesce(sum(${llmCalls.calls}) filter (where ${llmCalls.cacheHit}), 0)::int`,
      inputTokens: sql<number>`coalesce(sum(${llmCalls.inputTokens}), 0)::bigint`,
      outputTokens: sql<number>`coalesce(sum(${llmCalls.outputTokens}), 0)::bigint`,
      cachedInputTokens: sql<number>`coalesce(sum(${llmCalls.cachedInputTokens}), 0)::bigint`,
      costUsd: sql<number>`coalesce(sum(${llmCalls.costUsd}), 0)::float8`,
      unknownCostCalls: sql<number>`coalesce(sum(${llmCalls.calls}) filter (where ${llmCalls.costUsd} is null), 0)::int`,
      estimatedCalls: sql<number>`coalesce(sum(${llmCalls.calls}) filter (where ${llmCalls.usageEstimated}), 0)::int`,
      reasoningTokens: sql<number>`coalesce(sum(${llmCalls.reasoningTokens}), 0)::bigint`,
    })
    .from(llmCalls)
    .where(
      and(
        eq(llmCalls.workspaceId, workspaceId),
        gte(llmCalls.createdAt, range.from),
        lt(llmCalls.createdAt, range.to),
      ),
    )
    .groupBy(key)
    .orderBy(key);
  // bigint sums arrive as strings from node-postgres.
  return rows.map((r) => ({
    ...r,
    inputTokens: Number(r.inputTokens),
    outputTokens: Number(r.outputTokens),
    cachedInputTokens: Number(r.cachedInputTokens),
    reasoningTokens: Number(r.reasoningTokens),
  }));
}

/**
 * The workspace's priced spend this UTC month: one row kept by the ledger's trigger (see
 * llmSpendMonthly), not a sum over the month's rows.
 */
export async function monthSpend(database: Database, workspaceId: string, now = new Date()) {
  const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const [row] = await database.db
    .select({ costUsd: llmSpendMonthly.costUsd })
    .from(llmSpendMonthly)
    .where(
      and(
        eq(llmSpendMonthly.workspaceId, workspaceId),
        eq(llmSpendMonthly.month, from.toISOString().slice(0, 10)),
      ),
    );
  return { from, costUsd: Number(row?.costUsd ?? 0) };
}

/** Tokens and cost of every upstream call made for one purpose (e.g. one article). */
export async function purposeSpend(database: Database, purposeId: string) {
  const [row] = await database.db
    .select({
      inputTokens: sql<number>`coalesce(sum(${llmCalls.inputTokens}), 0)::int`,
      outputTokens: sql<number>`coalesce(sum(${llmCalls.outputTokens}), 0)::int`,
      costUsd: sql<number>`coalesce(sum(${llmCalls.costUsd}), 0)::float8`,
      unpricedCalls: sql<number>`coalesce(sum(${llmCalls.calls}) filter (where ${llmCalls.costUsd} is null and not ${llmCalls.cacheHit}), 0)::int`,
    })
    .from(llmCalls)
    .where(eq(llmCalls.purposeId, purposeId));
  return {
    inputTokens: Number(row?.inputTokens ?? 0),
    outputTokens: Number(row?.outputTokens ?? 0),
    costUsd: Number(row?.costUsd ?? 0),
    unpricedCalls: Number(row?.unpricedCalls ?? 0),
  };
}
