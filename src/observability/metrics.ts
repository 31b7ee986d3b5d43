// The one Prometheus registry of the process; every domain registers its metrics here and
// GET /metrics renders it.
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

// HTTP traffic, labelled by route template (never raw paths, so cardinality stays bounded).
export const httpRequestsTotal = new Counter({
  name: 'http_requests_total',
  help: 'HTTP requests handled, by method, route template and status code',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [metricsRegistry],
});

export const httpRequestDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request duration in seconds, by method, route template and status code',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [metricsRegistry],
});
