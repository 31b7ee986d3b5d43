// A worker killed mid-drafting loses nothing: `blogsmith serve` and `blogsmith worker` run as
// separate processes on PostgreSQL, the worker is SIGKILLed while sections are being written, a new
// worker resumes the run, and the ledger shows no finished step's model call made twice. The SSE
// client on the API process sees the events of both workers (LISTEN/NOTIFY across processes).
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.ts';
import { articleModelResponder } from '../fakes/article-model.ts';
import { startOpenAiServer } from '../fakes/openai-server.ts';
import { html, startServer } from '../research/local-server.ts';
import { session, sessionCookieOf } from '../support/accounts.ts';
import { createTestDatabase } from '../support/database.ts';
import { startServerProcess, startWorkerProcess, type WorkerProcess } from '../support/processes.ts';
import { pageHtml, sourcePages } from './support.ts';

const workers: WorkerProcess[] = [];
afterAll(async () => {
  for (const w of workers) await w.stop('SIGKILL');
});

async function startWorker(env: Record<string, string>) {
  const worker = await startWorkerProcess(env);
  workers.push(worker);
  return worker;
}

describe('article durability across processes (PostgreSQL)', () => {
  it('resumes a run whose worker was killed mid-drafting, repeating no finished step', async () => {
    const db = await createTestDatabase('postgres');
    const llm = await startOpenAiServer();
    llm.responder = articleModelResponder({ chunkDelayMs: 25, chunkSize: 8 });
    const routes = Object.fromEntries(
      Object.entries(sourcePages).map(([p, page]) => [
        p,
        (_req: unknown, res: Parameters<typeof html>[0]) => html(res, pageHtml(page)),
      ]),
    );
    const web = await startServer(routes);
    const env = {
      DATABASE_URL: db.url!,
      OPENAI_COMPATIBLE_BASE_URL: llm.baseUrl,
      LLM_MODEL: 'compatible:fake-writer',
      LLM_PRICES_JSON: JSON.stringify({ 'compatible:fake-writer': { input: 0.15, output: 0.6 } }),
      FETCH_ALLOW_HOSTS: '127.0.0.1',
      LLM_CACHE_TTL: '0',
      WORKER_IN_PROCESS: 'false',
      ARTICLE_LEASE_SECONDS: '4',
      SECTION_CONCURRENCY: '2',
    };
    const server = await startServerProcess(env);
    const database = await openDatabase({ url: db.url });
    try {
      const setup = await fetch(`${server.base}/api/v1/setup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'owner@example.com', password: 'owner-password' }),
      });
      const cookie = sessionCookieOf(setup.headers.getSetCookie());
      const first = await startWorker(env);

      const created = await fetch(`${server.base}/api/v1/articles`, {
        method: 'POST',
        headers: { ...session(cookie, server.base), 'content-type': 'application/json' },
        body: JSON.stringify({
          topic: 'heat pumps for family homes',
          words: 1500,
          research: { urls: Object.keys(sourcePages).map((p) => `${web.url}${p}`) },
        }),
      });
      expect(created.status).toBe(202);
      const { id } = (await created.json()) as { id: string };

      // The SSE client is connected to the API process, not to either worker.
      const events: string[] = [];
      const sse = fetch(`${server.base}/api/v1/articles/${id}/events`, { headers: session(cookie) }).then(
        async (res) => {
          const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
          for (;;) {
            const { value, done } = await reader.read();
            if (done) return;
            for (const m of value.matchAll(/event: (\S+)\ndata: (.*)\n/g)) events.push(`${m[1]} ${m[2]}`);
          }
        },
      );

      const steps = async () =>
        (
          await database.query<{ name: string; status: string }>(
            'SELECT name, status FROM article_steps WHERE article_id = $1',
            [id],
          )
        ).rows;
      const deadline = Date.now() + 60_000;
      for (;;) {
        const now = await steps();
        const sections = now.filter((s) => s.name.startsWith('section:'));
        if (sections.some((s) => s.status === 'completed') && sections.some((s) => s.status !== 'completed'))
          break;
        if (Date.now() > deadline)
          throw new Error(`never mid-drafting: ${JSON.stringify(now)}\n${first.output()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      await first.stop('SIGKILL');
      const finishedBeforeKill = (await steps()).filter((s) => s.status === 'completed').map((s) => s.name);
      expect(finishedBeforeKill).toEqual(expect.arrayContaining(['plan', 'gather', 'outline']));

      const second = await startWorker(env);
      let status = '';
      while (Date.now() < deadline + 60_000) {
        const { rows } = await database.query<{ status: string }>(
          'SELECT status FROM articles WHERE id = $1',
          [id],
        );
        status = rows[0]!.status;
        if (status !== 'running' && status !== 'queued') break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(status, second.output()).toBe('completed');

      // No finished step called its model again: one successful ledger row per call of those steps.
      const { rows: ledger } = await database.query<{ step: string; n: string }>(
        "SELECT purpose_step AS step, count(*) AS n FROM llm_calls WHERE purpose_id = $1 AND outcome = 'ok' GROUP BY purpose_step",
        [id],
      );
      const calls = Object.fromEntries(ledger.map((r) => [r.step, Number(r.n)]));
      for (const step of finishedBeforeKill) {
        if (step === 'gather') continue; // no model call
        expect(calls[step], step).toBe(1);
      }
      const planRequests = llm.requests.filter(
        (r) =>
          (r.body.response_format as { json_schema?: { name?: string } } | undefined)?.json_schema?.name ===
          'research_plan',
      );
      expect(planRequests).toHaveLength(1);
      const { rows: article } = await database.query<{
        markdown: string;
        outline: { sections: { heading: string }[] };
      }>('SELECT markdown, outline FROM articles WHERE id = $1', [id]);
      for (const { heading } of article[0]!.outline.sections) {
        expect(article[0]!.markdown.split(`\n## ${heading}\n`).length - 1, heading).toBe(1);
      }

      await sse;
      expect(events.at(-1)).toBe('done {"status":"completed"}');
      const sectionFinishes = events.filter((e) => e.startsWith('step.finished {"step":"section:'));
      expect(sectionFinishes.length).toBe(article[0]!.outline.sections.length);
      await second.stop();
    } finally {
      await database.close();
      await server.stop();
      await llm.close();
      await web.close();
      await db.drop();
    }
  }, 180_000);
});
