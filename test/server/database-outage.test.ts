// PostgreSQL stops under a running `blogsmith serve` (API + in-process worker) in the middle of an
// article run: the API answers 503 `service_unavailable` with Retry-After, the process survives
// (no unhandled rejection from the job queue or the event listener), and once the database is
// back readiness recovers by itself and queued article runs complete.
import pg_ from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { pageHtml, sourcePages } from '../articles/support.ts';
import { articleModelResponder } from '../fakes/article-model.ts';
import { startOpenAiServer } from '../fakes/openai-server.ts';
import type { FakeServer } from '../fakes/scripted-server.ts';
import { html, type LocalServer, startServer } from '../research/local-server.ts';
import { sessionCookieOf } from '../support/accounts.ts';
import { type OwnPostgres, startOwnPostgres } from '../support/own-postgres.ts';
import { type ServerProcess, startServerProcess } from '../support/processes.ts';

const pgClient = pg_.Client;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let pg: OwnPostgres | undefined;
let server: ServerProcess | undefined;
let llm: FakeServer | undefined;
let web: LocalServer | undefined;
afterAll(async () => {
  await server?.stop();
  await pg?.destroy();
  await llm?.close();
  await web?.close();
});

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}\n${server?.output().slice(-3000)}`);
    await sleep(200);
  }
}

describe('PostgreSQL outage under a running server and worker', () => {
  it('answers 503 with Retry-After, stays alive, and recovers on its own', async () => {
    pg = await startOwnPostgres();
    llm = await startOpenAiServer();
    llm.responder = articleModelResponder({ chunkDelayMs: 20, chunkSize: 8 });
    web = await startServer(
      Object.fromEntries(
        Object.entries(sourcePages).map(([p, page]) => [
          p,
          (_req: unknown, res: Parameters<typeof html>[0]) => html(res, pageHtml(page)),
        ]),
      ),
    );
    server = await startServerProcess({
      DATABASE_URL: pg.url,
      OPENAI_COMPATIBLE_BASE_URL: llm.baseUrl,
      LLM_MODEL: 'compatible:fake-writer',
      FETCH_ALLOW_HOSTS: '127.0.0.1',
      LLM_CACHE_TTL: '0',
      RATE_LIMIT_ENABLED: 'false',
      ARTICLE_LEASE_SECONDS: '4',
      SECTION_CONCURRENCY: '2',
    });
    const base = server.base;
    const setup = await fetch(`${base}/api/v1/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'owner@example.com', password: 'owner-password' }),
    });
    expect(setup.status).toBe(201);
    const cookie = sessionCookieOf(setup.headers.getSetCookie());
    const urls = Object.keys(sourcePages).map((p) => `${web!.url}${p}`);
    const createArticle = () =>
      fetch(`${base}/api/v1/articles`, {
        method: 'POST',
        headers: { cookie, origin: base, 'content-type': 'application/json' },
        body: JSON.stringify({ topic: 'heat pumps for family homes', words: 1200, research: { urls } }),
      });
    const statusOf = async (id: string) => {
      const res = await fetch(`${base}/api/v1/articles/${id}`, { headers: { cookie } });
      return res.status === 200 ? ((await res.json()) as { status: string }).status : undefined;
    };

    // A run in the middle of its work when the database goes away.
    const created = await createArticle();
    expect(created.status).toBe(202);
    const { id: inFlight } = (await created.json()) as { id: string };
    await until(
      'the run to start',
      async () => ((await statusOf(inFlight)) === 'running' ? true : undefined),
      60_000,
    );
    await until('a model call of the run', async () => (llm!.requests.length > 0 ? true : undefined), 60_000);
    // A live event stream makes the server LISTEN for article events on its own connection.
    const sse = new AbortController();
    void fetch(`${base}/api/v1/articles/${inFlight}/events`, { headers: { cookie }, signal: sse.signal })
      .then((res) => res.body?.pipeTo(new WritableStream()))
      .catch(() => {});
    const listeners = async () => {
      const client = new pgClient({ connectionString: pg!.url });
      await client.connect();
      try {
        const { rows } = await client.query(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE query = 'LISTEN blogsmith_article_events'",
        );
        return rows[0].n as number;
      } finally {
        await client.end();
      }
    };
    await until('the event listener', async () => ((await listeners()) > 0 ? true : undefined), 30_000);
    await pg.stop();

    // While it is down: a clear 503 with a retry hint, for reads, writes and readiness alike.
    const list = await fetch(`${base}/api/v1/articles`, { headers: { cookie } });
    expect(list.status).toBe(503);
    expect(list.headers.get('retry-after')).toMatch(/^\d+$/);
    const body = (await list.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('service_unavailable');
    const write = await createArticle();
    expect(write.status).toBe(503);
    expect(((await write.json()) as { error: { code: string } }).error.code).toBe('service_unavailable');
    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(503);

    // The worker's job fails against the dead database and pg-boss records the outcome in the
    // background: long enough for every queue loop, the lease heartbeat and the listener to hit it.
    const downUntil = Date.now() + 15_000;
    while (Date.now() < downUntil) {
      expect(server.child.exitCode, server.output().slice(-3000)).toBeNull();
      const res = await fetch(`${base}/api/v1/articles/${inFlight}`, { headers: { cookie } });
      expect(res.status).toBe(503);
      await sleep(500);
    }
    expect(server.output()).not.toMatch(/unhandled/i);

    await pg.start();
    await until(
      'readiness to recover',
      async () => ((await fetch(`${base}/health/ready`)).status === 200 ? true : undefined),
      60_000,
    );
    // The event listener came back by itself.
    await until(
      'the event listener to reconnect',
      async () => ((await listeners()) > 0 ? true : undefined),
      60_000,
    );
    sse.abort();
    // The run interrupted by the outage, and one queued after it, both complete.
    const after = await createArticle();
    expect(after.status).toBe(202);
    const { id: queued } = (await after.json()) as { id: string };
    for (const id of [inFlight, queued]) {
      const final = await until(
        `article ${id} to finish`,
        async () => {
          const s = await statusOf(id);
          return s === 'completed' || s === 'failed' || s === 'cancelled' ? s : undefined;
        },
        120_000,
      );
      expect(final, `${id}\n${server.output().slice(-3000)}`).toBe('completed');
    }
    expect(server.child.exitCode).toBeNull();
    expect(server.output()).not.toMatch(/unhandled/i);
  }, 300_000);
});
