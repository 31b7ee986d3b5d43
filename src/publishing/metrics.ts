import { Counter } from 'prom-client';
import { metricsRegistry } from '../observability/metrics.ts';

/** One per attempt: `succeeded`, `retrying` (tried again later) or `failed` (given up, or refused by the CMS). */
export const publishAttemptsTotal = new Counter({
  name: 'publish_attempts_total',
  help: 'Attempts to publish an article to a WordPress or Ghost site made by this process, by CMS and outcome',
  labelNames: ['kind', 'outcome'] as const,
  registers: [metricsRegistry],
});
