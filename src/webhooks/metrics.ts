import { Counter } from 'prom-client';
import { metricsRegistry } from '../observability/metrics.ts';

/** `succeeded`; `retrying` (failed, tried again later); `failed` (given up, refused or endpoint gone). */
export const webhookDeliveriesTotal = new Counter({
  name: 'webhook_deliveries_total',
  help: 'Webhook delivery attempts made by this process, by outcome',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});
