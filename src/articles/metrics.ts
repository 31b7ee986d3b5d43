// Pipeline metrics under the names operators of the seed apps already chart.
import { Counter, Gauge, Histogram } from 'prom-client';
import { metricsRegistry } from '../observability/metrics.ts';

const registers = [metricsRegistry];

export const articlesGenerated = new Counter({
  name: 'articles_generated_total',
  help: 'Article runs finished by this process, by final status',
  labelNames: ['status'] as const,
  registers,
});

export const generationDuration = new Histogram({
  name: 'article_generation_duration_seconds',
  help: 'Wall time of a finished article run (from its first step to its last)',
  labelNames: ['status'] as const,
  buckets: [5, 15, 30, 60, 120, 180, 300, 600, 1200],
  registers,
});

export const activePipelines = new Gauge({
  name: 'active_pipelines',
  help: 'Article runs executing in this process',
  registers,
});

export const stepDuration = new Histogram({
  name: 'article_step_duration_seconds',
  help: 'Duration of pipeline steps, by step kind (plan, gather, outline, section, ...) and outcome',
  labelNames: ['step', 'status'] as const,
  buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
  registers,
});
