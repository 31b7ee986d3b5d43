// The ledger's compaction, in SQL: the calls of one past hour folded into one row per kind of call
// (see ledger-compaction.ts for why and when).
import { setImmediate as nextTurn } from 'node:timers/promises';
import { eq, sql } from 'drizzle-orm';
import type { Database, Transaction } from '../db/client.ts';
import { llmLedgerCompaction } from '../db/schema/index.ts';

const hourMs = 3600_000;
const int4Max = 2_147_483_647;
// Rows folded by one statement at most, about 30 ms of the embedded database's thread (the one that
// serves HTTP): a busy hour is folded a part at a time, each its own transaction, then as a whole.
const rowsPerStatement = 2000;

// The rows of [from, to) are read workspace by workspace through (workspace_id, created_at): a
// condition on created_at alone would read the whole index.
const rowsBetween = (from: string, to: string) => sql`
  SELECT c.* FROM workspaces w CROSS JOIN LATERAL (
    SELECT * FROM llm_calls c WHERE c.workspace_id = w.id AND c.created_at >= ${from} AND c.created_at < ${to}
  ) c
  UNION ALL
  SELECT * FROM llm_calls c WHERE c.workspace_id IS NULL AND c.created_at >= ${from} AND c.created_at < ${to}`;

const rowsOf = <T>(result: unknown) => (result as { rows: T[] }).rows;

/**
 * Folds the ledger rows of [from, to) into one row per workspace, member, purpose, role, model,
 * outcome, error, cache hit, estimated usage and priced-or-not: the row of the group's last call is
 * kept with the group's call count, tokens, cost and latency summed (its time to first token
 * dropped), the others deleted. Folding rows already folded adds their counts, so a range can be
 * folded in parts and then whole. What each sum over the ledger reads is unchanged: usage by day,
 * model, provider or purpose, an article's spend and the estimate's past articles; the month's
 * spend is kept apart, and neither an update nor a deletion touches it. A group whose sums would
 * not fit the columns (2^31 tokens in an hour) is left as it is.
 */
async function fold(tx: Transaction, from: Date, to: Date) {
  const result = await tx.execute(sql`
    WITH old AS (${rowsBetween(from.toISOString(), to.toISOString())}), grouped AS (
      SELECT array_agg(id ORDER BY created_at DESC, id) AS ids, sum(calls) AS calls,
        sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,
        sum(cached_input_tokens) AS cached_input_tokens, sum(reasoning_tokens) AS reasoning_tokens,
        sum(cost_usd) AS cost_usd, sum(latency_ms) AS latency_ms
      FROM old
      GROUP BY workspace_id, user_id, purpose_kind, purpose_id, purpose_step, role, provider, model,
        outcome, error_code, cache_hit, usage_estimated, cost_usd IS NULL
      HAVING count(*) > 1
        AND greatest(sum(calls), sum(input_tokens), sum(output_tokens), sum(cached_input_tokens),
          sum(reasoning_tokens), sum(latency_ms)) <= ${int4Max}
        AND coalesce(sum(cost_usd), 0) < 1000000
    ), kept AS (
      -- Run, like every data-modifying WITH, though nothing reads it.
      UPDATE llm_calls c SET calls = g.calls, input_tokens = g.input_tokens,
        output_tokens = g.output_tokens, cached_input_tokens = g.cached_input_tokens,
        reasoning_tokens = g.reasoning_tokens, cost_usd = g.cost_usd, latency_ms = g.latency_ms,
        ttft_ms = NULL
      FROM grouped g WHERE c.id = g.ids[1]
      RETURNING 1
    ), gone AS (
      DELETE FROM llm_calls WHERE id IN (SELECT unnest(ids[2:]) FROM grouped)
      RETURNING 1
    )
    SELECT count(*)::int AS removed FROM gone`);
  return Number(rowsOf<{ removed: number }>(result)[0]?.removed ?? 0);
}

/**
 * In a transaction that holds the compaction mark's row (processes compacting at once take turns),
 * `work` on the hour `hour` — unless another process has compacted it meanwhile.
 */
function whileHourIsNext<T>(database: Database, hour: Date, work: (tx: Transaction) => Promise<T>) {
  return database.db.transaction(async (tx) => {
    const [mark] = await tx.select().from(llmLedgerCompaction).for('update');
    if (mark?.compactedBefore.getTime() !== hour.getTime()) return 'moved' as const;
    return work(tx);
  });
}

/**
 * Compacts the next hour not compacted yet if it ends before `before`: false once there is none.
 * The whole hour's fold and the mark past it are one transaction; a busy hour is first folded in
 * parts of about `rowsPerStatement` rows, so no statement holds the database long.
 */
export async function compactNextHour(
  database: Database,
  before: Date,
): Promise<{ hour: Date; removed: number } | false> {
  const [mark] = await database.db.select().from(llmLedgerCompaction);
  if (!mark) return false;
  const hour = mark.compactedBefore;
  const end = new Date(hour.getTime() + hourMs);
  if (end.getTime() > before.getTime()) return false;
  const counted = await database.db.execute(
    sql`SELECT count(*)::int AS n FROM (${rowsBetween(hour.toISOString(), end.toISOString())}) r`,
  );
  const rows = Number(rowsOf<{ n: number }>(counted)[0]?.n ?? 0);
  const parts = Math.ceil(rows / rowsPerStatement);
  let removed = 0;
  // PGlite answers without a turn of the event loop: without a turn between statements, they would
  // follow each other with no request served between them.
  await nextTurn();
  for (let part = 0; parts > 1 && part < parts; part++) {
    const from = new Date(hour.getTime() + (part * hourMs) / parts);
    const to = new Date(hour.getTime() + ((part + 1) * hourMs) / parts);
    const folded = await whileHourIsNext(database, hour, (tx) => fold(tx, from, to));
    if (folded === 'moved') return { hour, removed };
    removed += folded;
    await nextTurn();
  }
  const last = await whileHourIsNext(database, hour, async (tx) => {
    const folded = rows > 1 ? await fold(tx, hour, end) : 0;
    await tx
      .update(llmLedgerCompaction)
      .set({ compactedBefore: end })
      .where(eq(llmLedgerCompaction.id, true));
    return folded;
  });
  return { hour, removed: last === 'moved' ? removed : removed + last };
}
