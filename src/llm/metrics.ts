// LLM metrics, updated from the same records the ledger writes so /metrics and the ledger agree.
import { Counter, Gauge, Histogram } from 'prom-client';
import { metricsRegistry } from '../observability/metrics.ts';
import type { LlmCallRecord } from './ledger-store.ts';

const registers = [metricsRegistry];

// The per-call counters are summed here, per series, and added to prom-client when the registry is
// read (each counter's `collect`, so any read of any of them sees every call). prom-client hashes
// the label set on each increment: five increments per call were the largest part of what the
// metrics cost the gateway's hot path (issue 13, item 1).
interface CallSeries {
  requestLabels: { provider: string; model: string; role: string; status: string };
  /** The latency histograms' labels, one object per series rather than one per call. */
  modelLabels: { provider: string; model: string };
  requests: number;
  /** Calls that reached the provider (not cache hits): only they have a token series, even at 0. */
  upstream: number;
  /** Calls with a known price: only they have a cost series, even at 0. */
  priced: number;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  costUsd: number;
}
const pendingCalls = new Map<string, CallSeries>();

function addPendingCalls() {
  if (pendingCalls.size === 0) return;
  for (const p of pendingCalls.values()) {
    const { provider, model } = p.requestLabels;
    requests.inc(p.requestLabels, p.requests);
    if (p.upstream > 0) {
      tokens.inc({ provider, model, type: 'input' }, p.inputTokens);
      tokens.inc({ provider, model, type: 'output' }, p.outputTokens);
      tokens.inc({ provider, model, type: 'cached_input' }, p.cachedInputTokens);
    }
    if (p.priced > 0) costs.inc({ provider, model }, p.costUsd);
  }
  pendingCalls.clear();
}

const requests = new Counter({
  name: 'llm_requests_total',
  help: 'LLM requests by provider, model, role and outcome (cache hits have status cache_hit)',
  labelNames: ['provider', 'model', 'role', 'status'],
  registers,
  collect: addPendingCalls,
});
const tokens = new Counter({
  name: 'llm_tokens_total',
  help: 'Tokens reported by LLM responses',
  labelNames: ['provider', 'model', 'type'],
  registers,
  collect: addPendingCalls,
});
const costs = new Counter({
  name: 'llm_api_costs_total',
  help: 'USD spent on LLM calls (known prices only)',
  labelNames: ['provider', 'model'],
  registers,
  collect: addPendingCalls,
});
const duration = new Histogram({
  name: 'llm_request_duration_seconds',
  help: 'LLM request latency',
  labelNames: ['provider', 'model'],
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
  registers,
});
const ttft = new Histogram({
  name: 'llm_time_to_first_token_seconds',
  help: 'Time to the first streamed token',
  labelNames: ['provider', 'model'],
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers,
});
const fallbacks = new Counter({
  name: 'llm_fallbacks_total',
  help: 'Moves to the next model of a role chain',
  labelNames: ['from', 'to'],
  registers,
});
const cacheRequests = new Counter({
  name: 'llm_cache_requests_total',
  help: 'Response cache lookups',
  labelNames: ['result'],
  registers,
});
const limiterWait = new Histogram({
  name: 'llm_rate_limit_wait_seconds',
  help: 'Time calls waited for the rpm/tpm limiter',
  buckets: [0, 0.01, 0.1, 0.5, 1, 5, 10, 30, 60],
  registers,
});

export function observeLlmCall(r: LlmCallRecord) {
  const status = r.cacheHit ? 'cache_hit' : r.outcome;
  const key = `${r.provider}\u0000${r.model}\u0000${r.role}\u0000${status}`;
  let series = pendingCalls.get(key);
  if (!series) {
    series = {
      requestLabels: { provider: r.provider, model: r.model, role: r.role, status },
      modelLabels: { provider: r.provider, model: r.model },
      requests: 0,
      upstream: 0,
      priced: 0,
      inputTokens: 0,
      outputTokens: 0,
      cachedInputTokens: 0,
      costUsd: 0,
    };
    pendingCalls.set(key, series);
  }
  series.requests += 1;
  if (r.cacheHit) return;
  series.upstream += 1;
  series.inputTokens += r.inputTokens;
  series.outputTokens += r.outputTokens;
  series.cachedInputTokens += r.cachedInputTokens;
  if (r.costUsd !== null) {
    series.priced += 1;
    series.costUsd += r.costUsd;
  }
  duration.observe(series.modelLabels, r.latencyMs / 1000);
  if (r.ttftMs !== null) ttft.observe(series.modelLabels, r.ttftMs / 1000);
}

// Share of the monthly budget spent, per workspace, as of the last check (each run checks it);
// `max by (workspace)` across processes is the alert's view. Each call's check sets the share; only
// the last one before a read is ever seen, so it is kept here and set when the registry is read (as
// the counters above are), not hashed into the gauge per call. Only workspaces with a budget that
// this process checked within the last hour have a series: a share kept for ever went on raising
// the budget alert after the budget was removed, and grew a series per workspace ever seen.
const budgetShares = new Map<string, { share: number; seenAt: number }>();
const budgetShareTtlMs = 60 * 60 * 1000;
new Gauge({
  name: 'llm_budget_used_ratio',
  help: 'Share of the monthly LLM budget a workspace has spent, as of its last budget check (within the hour)',
  labelNames: ['workspace'],
  registers,
  collect() {
    this.reset();
    const now = Date.now();
    for (const [workspace, { share, seenAt }] of budgetShares) {
      if (now - seenAt > budgetShareTtlMs) budgetShares.delete(workspace);
      else this.set({ workspace }, share);
    }
  },
});
const budgetRejections = new Counter({
  name: 'llm_budget_rejections_total',
  help: 'LLM calls refused by the monthly budget (spent, held by the calls running, or a model without a price)',
  registers,
});

export function observeBudget(workspaceId: string, spentUsd: number, budgetUsd: number) {
  budgetShares.set(workspaceId, { share: budgetUsd > 0 ? spentUsd / budgetUsd : 0, seenAt: Date.now() });
}

/**
 * A call refused by the budget: spent, held by the calls running (which the share does not show), or
 * unenforceable on a model without a price.
 */
export const observeBudgetRejection = () => budgetRejections.inc();

/** The workspace has no budget (any more): no share to report. */
export const forgetBudget = (workspaceId: string) => budgetShares.delete(workspaceId);

export const observeFallback = (from: string, to: string) => fallbacks.inc({ from, to });
export const observeCacheLookup = (result: 'hit' | 'miss') => cacheRequests.inc({ result });
export const observeLimiterWait = (ms: number) => limiterWait.observe(ms / 1000);

const structuredOutputs = new Counter({
  name: 'llm_structured_output_total',
  help: 'Structured answers by the output rung that produced them (json_schema, json_object, tool, text)',
  labelNames: ['provider', 'model', 'rung'],
  registers,
});
export const observeStructuredOutput = (ref: { provider: string; model: string }, rung: string) =>
  structuredOutputs.inc({ provider: ref.provider, model: ref.model, rung });
