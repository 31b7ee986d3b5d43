// Ledger rows a benchmark starts with: `n` calls of earlier articles (writer, priced, all `ok`),
// written earlier this month — a workspace with a long ledger, as the budget guard and the estimate
// find it after a busy month.
import type { Database } from '../../src/db/client.ts';

export async function addEarlierLedgerRows(database: Database, workspaceId: string, n: number) {
  await database.query(
    `INSERT INTO llm_calls (workspace_id, purpose_kind, purpose_id, role, provider, model, input_tokens,
       output_tokens, cached_input_tokens, cost_usd, latency_ms, attempt, cache_hit, outcome, created_at)
     SELECT $1, 'article', (i / 40)::text, 'writer', 'compatible', 'bench-model', 900, 300, 0, 0.00032, 2500, 1,
       false, 'ok', greatest(date_trunc('month', now()), now() - interval '1 hour' - i * interval '1 millisecond')
     FROM generate_series(1, $2::int) AS i`,
    [workspaceId, n],
  );
}
