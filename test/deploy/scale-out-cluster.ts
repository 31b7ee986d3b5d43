// A scaled-out Blogsmith on this machine, as deploy/compose.yaml runs it: deploy/nginx (TLS, SSE
// and WebSocket proxying, X-Forwarded-*) in front of N `blogsmith serve` processes and M
// `blogsmith worker` processes, all real child processes on a fresh PostgreSQL database and the
// shared Redis, with the fake writer model (per-token latency) as the LLM. Used by
// test/deploy/scale-out.test.ts and bench/scale-out.ts.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { articleModelResponder } from '../fakes/article-model.ts';
import { startOpenAiServer } from '../fakes/openai-server.ts';
import type { FakeServer } from '../fakes/scripted-server.ts';
import { sessionCookieOf } from '../support/accounts.ts';
import { createTestDatabase, redisUrl } from '../support/database.ts';
import {
  freePort,
  type ServerProcess,
  startServerProcess,
  startWorkerProcess,
  type WorkerProcess,
} from '../support/processes.ts';
import {
  httpsRequest,
  type NginxSite,
  prepareNginx,
  type RunningNginx,
  startNginx,
} from './nginx-harness.ts';

export interface ClusterOptions {
  apis: number;
  workers: number;
  /** The fake model's generation latency per output token, ms. */
  perTokenMs: number;
  /** The app's (and nginx's) generation-class request limit per minute. */
  generationLimit?: number;
  env?: Record<string, string>;
}

export interface Cluster {
  site: NginxSite;
  nginx: RunningNginx;
  apis: ServerProcess[];
  workers: WorkerProcess[];
  llm: FakeServer;
  /** Unique per cluster, so Redis keys (LLM limits) are not shared with anyone else's run. */
  model: string;
  db: pg.Pool;
  env: Record<string, string>;
  /** `Authorization` of an owner's API key with every scope. */
  auth: Record<string, string>;
  cookie: string;
  startWorker(): Promise<WorkerProcess>;
  startApi(): Promise<ServerProcess>;
  /** HTTPS through nginx. */
  https(pathname: string, opts?: HttpsOptions): Promise<HttpsResponse>;
  close(): Promise<void>;
}

export interface HttpsOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface HttpsResponse {
  status: number;
  text: string;
}

// Prices that make an article cost cents, so a workspace budget in dollars can be reached.
const prices = { input: 10, output: 40 };

export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  const close = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await Promise.resolve(cleanup()).catch(() => {});
  };
  try {
    const database = await createTestDatabase('postgres');
    cleanups.push(() => database.drop());
    const db = new pg.Pool({ connectionString: database.url, max: 4 });
    // An idle client whose connection the teardown's DROP DATABASE … WITH (FORCE) ends, should the
    // pool not have closed it yet: the pool reports it as an 'error' event, which without a listener
    // is an uncaught exception in the test process (seen once in a full run). Queries still reject.
    db.on('error', () => {});
    cleanups.push(() => db.end());
    const llm = await startOpenAiServer();
    llm.responder = articleModelResponder({ perTokenMs: opts.perTokenMs });
    cleanups.push(() => llm.close());
    const dataDir = mkdtempSync(path.join(tmpdir(), 'blogsmith-scale-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const model = `compatible:scale-${randomBytes(4).toString('hex')}`;
    const generationLimit = opts.generationLimit ?? 20;
    const env: Record<string, string> = {
      DATABASE_URL: database.url as string,
      REDIS_URL: redisUrl,
      DATA_DIR: dataDir,
      TRUST_PROXY: 'true',
      WORKER_IN_PROCESS: 'false',
      OPENAI_COMPATIBLE_BASE_URL: llm.baseUrl,
      LLM_MODEL: model,
      LLM_PRICES_JSON: JSON.stringify({ [model]: prices }),
      LLM_CACHE_TTL: '0',
      LLM_RATE_LIMIT_PER_MINUTE: '100000',
      RATE_LIMIT_GENERAL: '2000',
      RATE_LIMIT_GENERATION: String(generationLimit),
      ARTICLE_LEASE_SECONDS: '4',
      ARTICLE_CONCURRENCY: '2',
      SECTION_CONCURRENCY: '2',
      ...opts.env,
    };
    const apis: ServerProcess[] = [];
    const workers: WorkerProcess[] = [];
    const startApi = async () => {
      const api = await startServerProcess(env);
      apis.push(api);
      cleanups.push(() => api.stop('SIGKILL'));
      return api;
    };
    const startWorker = async () => {
      const worker = await startWorkerProcess(env);
      workers.push(worker);
      cleanups.push(() => worker.stop('SIGKILL'));
      return worker;
    };
    // The first API migrates the database; the others start beside it once it has.
    await startApi();
    await Promise.all([
      ...Array.from({ length: opts.apis - 1 }, startApi),
      ...Array.from({ length: opts.workers }, startWorker),
    ]);
    // nginx's generation zone follows the app's limit, as docs/deployment.md asks of operators.
    const site = prepareNginx(
      mkdtempSync(path.join(tmpdir(), 'blogsmith-scale-nginx-')),
      { http: await freePort(), https: await freePort(), api: apis.map((a) => a.port) },
      {
        'conf.d/rate-limits.conf': [['rate=20r/m;', `rate=${generationLimit}r/m;`]],
        'conf.d/blogsmith.conf': [
          ['zone=blogsmith_generation burst=20', `zone=blogsmith_generation burst=${generationLimit}`],
        ],
      },
    );
    cleanups.push(() => rmSync(path.dirname(site.prefix), { recursive: true, force: true }));
    const nginx = await startNginx(site);
    cleanups.push(() => nginx.stop());
    const https = (pathname: string, o: HttpsOptions = {}) => httpsText(site, pathname, o);

    const setup = await fetch(`${apis[0]!.base}/api/v1/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'owner@example.com', password: 'owner-password' }),
    });
    if (setup.status !== 201) throw new Error(`setup: ${setup.status}`);
    const cookie = sessionCookieOf(setup.headers.getSetCookie());
    const key = await https('/api/v1/api-keys', {
      method: 'POST',
      headers: { cookie, origin: 'https://localhost', 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'scale-out' }),
    });
    if (key.status !== 201) throw new Error(`api key: ${key.status} ${key.text}`);
    const auth = { authorization: `Bearer ${(JSON.parse(key.text) as { key: string }).key}` };
    return {
      site,
      nginx,
      apis,
      workers,
      llm,
      model,
      db,
      env,
      auth,
      cookie,
      startApi,
      startWorker,
      https,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

export async function httpsText(
  site: NginxSite,
  pathname: string,
  opts: HttpsOptions = {},
): Promise<HttpsResponse> {
  const r = await httpsRequest(site, pathname, opts);
  return { status: r.status, text: r.body.toString('utf8') };
}

export interface SseEvent {
  id: number;
  type: string;
  data: string;
}

export interface SseClient {
  events: SseEvent[];
  /** Status codes of every connection: the first, then each reconnect. */
  statuses: number[];
  /** The Last-Event-ID sent on each reconnect. */
  resumedFrom: number[];
  /** Resolves once `done` arrived and the server ended the stream. */
  finished: Promise<void>;
  close(): void;
}

/**
 * An EventSource-like client through nginx: reconnects whenever its stream ends before `done`,
 * sending Last-Event-ID (after the server's `retry:`, capped for the test's pace). `dropAfter`
 * makes it drop its own connection once after that many events, as a flaky network would.
 */
export function followEvents(
  site: NginxSite,
  articleId: string,
  headers: Record<string, string>,
  opts: { dropAfter?: number; retryCapMs?: number } = {},
): SseClient {
  const client: SseClient = {
    events: [],
    statuses: [],
    resumedFrom: [],
    finished: Promise.resolve(),
    close: () => {},
  };
  let closed = false;
  let dropped = false;
  let current: { destroy(): void } | undefined;
  let retryMs = 2000;
  client.close = () => {
    closed = true;
    current?.destroy();
  };
  const once = (lastId: number) =>
    new Promise<boolean>((resolve) => {
      let buffer = '';
      let sawDone = false;
      const req = request(
        {
          host: '127.0.0.1',
          port: site.httpsPort,
          servername: 'localhost',
          ca: site.cert,
          path: `/api/v1/articles/${articleId}/events`,
          headers: {
            host: 'localhost',
            accept: 'text/event-stream',
            ...headers,
            ...(lastId > 0 ? { 'last-event-id': String(lastId) } : {}),
          },
        },
        (res) => {
          client.statuses.push(res.statusCode ?? 0);
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            buffer += chunk;
            let end = buffer.indexOf('\n\n');
            while (end >= 0) {
              const block = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              end = buffer.indexOf('\n\n');
              const fields = Object.fromEntries(
                block
                  .split('\n')
                  .filter((l) => !l.startsWith(':'))
                  .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trimStart()]),
              ) as Record<string, string>;
              if (fields.retry) retryMs = Number(fields.retry);
              if (fields.id === undefined) continue;
              client.events.push({
                id: Number(fields.id),
                type: fields.event ?? 'message',
                data: fields.data ?? '',
              });
              if (fields.event === 'done') sawDone = true;
              if (
                !dropped &&
                opts.dropAfter !== undefined &&
                client.events.length >= opts.dropAfter &&
                !sawDone
              ) {
                dropped = true;
                req.destroy();
              }
            }
          });
          const ended = () => resolve(sawDone);
          res.once('end', ended);
          res.once('close', ended);
          res.once('error', ended);
        },
      );
      current = req;
      req.once('error', () => resolve(sawDone));
      req.end();
    });
  client.finished = (async () => {
    let sawDone = await once(0);
    while (!sawDone && !closed) {
      await new Promise((r) => setTimeout(r, Math.min(retryMs, opts.retryCapMs ?? retryMs)));
      const lastId = client.events.at(-1)?.id ?? 0;
      client.resumedFrom.push(lastId);
      sawDone = await once(lastId);
    }
  })();
  return client;
}

/** Samples of a metric in Prometheus text format, by their label string (`{a="b"}` or ''). */
export function metricSamples(text: string, name: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of text.matchAll(new RegExp(`^${name}(\\{[^}]*\\})? (\\S+)$`, 'gm')))
    out.set(m[1] ?? '', Number(m[2]));
  return out;
}

/** Polls `check` until it returns a value other than undefined. */
export async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
