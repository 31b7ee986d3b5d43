// The one Prometheus registry of the process; every domain registers its metrics here and
// GET /metrics renders it.
import { collectDefaultMetrics, Registry } from 'prom-client';

export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });
