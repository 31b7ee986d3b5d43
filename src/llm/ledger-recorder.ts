// The recorder the application uses: each upstream attempt (and each cache hit) becomes a ledger
// row and metric samples from one record. Writes are queued off the call path; flush() waits.
import type { Logger } from 'pino';
import type { Database } from '../db/client.ts';
import { checkBudget } from './budget.ts';
import { type LlmCallRecord, recordLlmCall } from './ledger.ts';
import { observeCacheLookup, observeFallback, observeLimiterWait, observeLlmCall } from './metrics.ts';
import type { PriceBook } from './prices.ts';
import type { LlmRecorder } from './recorder.ts';
import { monthlyBudgetOf } from './settings.ts';

export function createLedgerRecorder(deps: {
  database: Database;
  logger: Logger;
  prices: PriceBook;
  monthlyBudgetUsd?: number;
}): LlmRecorder {
  const pending = new Set<Promise<void>>();
  const write = (row: LlmCallRecord) => {
    observeLlmCall(row);
    const p: Promise<void> = recordLlmCall(deps.database, row)
      .catch((err) => deps.logger.error({ err, model: row.model }, 'LLM ledger write failed'))
      .finally(() => pending.delete(p));
    pending.add(p);
  };
  return {
    cost: (provider, model, usage) => deps.prices.costOf(provider, model, usage),
    // A workspace's own budget (settings API) wins over LLM_MONTHLY_BUDGET_USD.
    checkBudget: async (workspaceId) =>
      checkBudget(
        deps.database,
        workspaceId,
        await monthlyBudgetOf(deps.database, workspaceId, deps.monthlyBudgetUsd),
      ),
    attempt(ctx, r) {
      if (r.limiterWaitMs > 0) observeLimiterWait(r.limiterWaitMs);
      write({
        ...ctx,
        provider: r.model.provider,
        model: r.model.model,
        inputTokens: r.usage.inputTokens,
        outputTokens: r.usage.outputTokens,
        cachedInputTokens: r.usage.cachedInputTokens,
        ...(r.usage.reasoningTokens && { reasoningTokens: r.usage.reasoningTokens }),
        ...(r.usage.estimated && { usageEstimated: true }),
        costUsd: deps.prices.costOf(r.model.provider, r.model.model, r.usage),
        latencyMs: Math.round(r.latencyMs),
        ttftMs: r.ttftMs === null ? null : Math.round(r.ttftMs),
        attempt: r.attempt,
        cacheHit: false,
        outcome: r.outcome,
        ...(r.errorCode && { errorCode: r.errorCode }),
      });
    },
    cacheHit(ctx, hit, latencyMs) {
      observeCacheLookup('hit');
      write({
        ...ctx,
        provider: hit.provider,
        model: hit.model,
        inputTokens: 0,
        outputTokens: 0,
        cachedInputTokens: 0,
        costUsd: 0,
        latencyMs: Math.round(latencyMs),
        ttftMs: null,
        attempt: 0,
        cacheHit: true,
        outcome: 'ok',
      });
    },
    cacheMiss() {
      observeCacheLookup('miss');
    },
    fallback(_ctx, from, to) {
      observeFallback(from.id, to?.id ?? 'none');
    },
    async flush() {
      while (pending.size > 0) await Promise.all(pending);
    },
  };
}
