// The dashboard and the alert rules only query metrics Blogsmith really exports: a real API
// process (WORKER_IN_PROCESS=false) and a real `blogsmith worker` are scraped, and every metric
// name in deploy/grafana and deploy/prometheus must be among theirs. Also shows the queue-age
// gauge the backlog alert uses moving: a job waits while no worker runs, and is taken once one starts.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { articleModelResponder } from '../fakes/article-model.ts';
import { startOpenAiServer } from '../fakes/openai-server.ts';
import { createTestDatabase } from '../support/database.ts';
import { freePort, runCli, startServerProcess } from '../support/processes.ts';

const root = path.resolve(import.meta.dirname, '../..');
const stops: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
});

/** Metric names a PromQL expression reads (functions, keywords, labels and durations left out). */
function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const keywords = new Set(['and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan']);
  return [...stripped.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\()?/g)]
    .filter((m) => !m[2] && !keywords.has((m[1] as string).toLowerCase()))
    .map((m) => m[1] as string);
}

/** Names of the series a scrape can contain (histograms and summaries with their suffixes). */
function exported(text: string): Set<string> {
  const names = new Set<string>();
  for (const m of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const [name, type] = [m[1] as string, m[2] as string];
    names.add(name);
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(`${name}${s}`);
    if (type === 'summary') for (const s of ['_sum', '_count']) names.add(`${name}${s}`);
  }
  return names;
}

const sample = (text: string, series: RegExp) => {
  const line = text.split('\n').find((l) => series.test(l));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
};

async function poll<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('metrics used by the dashboard and alerts', { timeout: 300_000 }, () => {
  it('are all exported by the API and the worker', async () => {
    const database = await createTestDatabase('postgres');
    stops.push(() => database.drop());
    const llm = await startOpenAiServer();
    llm.responder = articleModelResponder();
    stops.push(() => llm.close());
    const dataDir = mkdtempSync(path.join(tmpdir(), 'blogsmith-metrics-'));
    stops.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const env = {
      DATA_DIR: dataDir,
      DATABASE_URL: database.url as string,
      WORKER_IN_PROCESS: 'false',
      BLOGSMITH_ADMIN_EMAIL: 'ops@example.com',
      BLOGSMITH_ADMIN_PASSWORD: 'ops-password',
      OPENAI_COMPATIBLE_BASE_URL: llm.baseUrl,
      LLM_MODEL: 'compatible:fake-writer',
      LLM_PRICES_JSON: JSON.stringify({ 'compatible:fake-writer': { input: 0.15, output: 0.6 } }),
    };
    const api = await startServerProcess(env);
    stops.push(() => api.stop());

    // An article queued while no worker runs: its job waits and the age gauge grows.
    const login = await fetch(`${api.base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ops@example.com', password: 'ops-password' }),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] as string;
    const created = await fetch(`${api.base}/api/v1/articles`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, origin: api.base },
      body: JSON.stringify({ topic: 'heat pumps for family homes', words: 600 }),
    });
    expect(created.status).toBe(202);
    const article = (await created.json()) as { id: string };
    const waited = await poll('a waiting job', async () => {
      const text = await (await fetch(`${api.base}/metrics`)).text();
      const age = sample(text, /^jobs_oldest_waiting_seconds\{queue="article\.generate"\} /);
      return age !== undefined && age >= 2 ? age : undefined;
    });
    expect(waited).toBeGreaterThanOrEqual(2);

    const metricsPort = await freePort();
    const worker = runCli(['worker'], {
      ENVIRONMENT: 'test',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      SECRET_KEY: 'smoke-secret-key-that-is-long-enough-0123456789',
      WORKER_METRICS_PORT: String(metricsPort),
      ...env,
    });
    const workerExited = new Promise((resolve) => worker.once('exit', resolve));
    stops.push(async () => {
      if (worker.exitCode === null) worker.kill('SIGTERM');
      await workerExited;
    });
    const workerHealth = await poll('worker /health', async () => {
      const r = await fetch(`http://127.0.0.1:${metricsPort}/health`);
      return r.ok ? ((await r.json()) as { status: string }) : undefined;
    });
    expect(workerHealth.status).toBe('ok');
    // The worker takes the job: the article completes and nothing waits any more.
    await poll('the article to complete', async () => {
      const r = await fetch(`${api.base}/api/v1/articles/${article.id}`, { headers: { cookie } });
      const body = (await r.json()) as { status: string };
      return body.status === 'completed' ? true : undefined;
    });

    const apiText = await (await fetch(`${api.base}/metrics`)).text();
    const workerText = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(sample(apiText, /^jobs_oldest_waiting_seconds\{queue="article\.generate"\} /)).toBe(0);
    expect(sample(apiText, /^dependency_up\{dependency="database"\} /)).toBe(1);
    expect(sample(apiText, /^data_dir_free_bytes /)).toBeGreaterThan(0);
    expect(sample(workerText, /^articles_generated_total\{status="completed"\} /)).toBe(1);

    const names = new Set([...exported(apiText), ...exported(workerText), 'up']);
    const dashboard = JSON.parse(
      readFileSync(path.join(root, 'deploy/grafana/dashboards/blogsmith.json'), 'utf8'),
    ) as {
      panels: Array<{ targets?: Array<{ expr: string }> }>;
    };
    const rules = parse(
      readFileSync(path.join(root, 'deploy/prometheus/rules/blogsmith.rules.yml'), 'utf8'),
    ) as {
      groups: Array<{ rules: Array<{ expr: string }> }>;
    };
    const exprs = [
      ...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)),
      ...rules.groups.flatMap((g) => g.rules.map((r) => r.expr)),
    ];
    expect(exprs.length).toBeGreaterThan(30);
    const used = new Set(exprs.flatMap(metricNames));
    expect(used.size).toBeGreaterThan(15);
    const missing = [...used].filter((n) => !names.has(n));
    expect(missing).toEqual([]);
  });

  it('the name extraction sees metrics, not functions, labels or keywords', () => {
    expect(
      metricNames(
        'histogram_quantile(0.95, sum by (le, step) (rate(a_bucket{route!~"x|y"}[5m]))) > 2 and sum(b) >= 5 or absent(up{job="w"} == 1)',
      ).sort(),
    ).toEqual(['a_bucket', 'b', 'up']);
  });
});
