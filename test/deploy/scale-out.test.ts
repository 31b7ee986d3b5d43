// The scale-out proof of issue 15: deploy/nginx in front of 2 API and 2 worker processes on
// PostgreSQL + Redis (test/deploy/scale-out-cluster.ts), 30 articles started through nginx with an
// SSE client on each, one worker and one API SIGKILLed mid-run. Nothing is lost or done twice, every
// client resumes through nginx with Last-Event-ID and sees every event once, the request limit and
// the workspace budget hold across processes, and the survivors' readiness and metrics stay right.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, onTestFailed } from 'vitest';
import { sessionCookieOf } from '../support/accounts.ts';
import {
  type Cluster,
  followEvents,
  metricSamples,
  type SseClient,
  startCluster,
  until,
} from './scale-out-cluster.ts';

const articleCount = 30;
const generationLimit = 40;
let cluster: Cluster | undefined;
afterAll(async () => {
  await cluster?.close();
});

const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
const json = (text: string) => JSON.parse(text) as Record<string, unknown>;

describe('scale-out behind nginx: 2 APIs, 2 workers, PostgreSQL + Redis', () => {
  it('loses nothing when a worker and an API are SIGKILLed mid-run', { timeout: 300_000 }, async () => {
    const t0 = Date.now();
    const mark = (what: string) => console.log(`${((Date.now() - t0) / 1000).toFixed(1)} s: ${what}`);
    const c = await startCluster({ apis: 2, workers: 2, perTokenMs: 3, generationLimit });
    cluster = c;
    onTestFailed(() => {
      const file = path.join(tmpdir(), `blogsmith-scale-out-${Date.now()}.log`);
      const logs = [...c.apis, ...c.workers].map((p) => `==== pid ${p.child.pid}\n${p.output()}`);
      writeFileSync(file, `${logs.join('\n')}\n==== nginx\n${c.nginx.output()}`);
      console.error(`process output: ${file}`);
    });
    const [api0, api1] = c.apis as [(typeof c.apis)[0], (typeof c.apis)[0]];
    const [worker0, worker1] = c.workers as [(typeof c.workers)[0], (typeof c.workers)[0]];
    const query = async <T>(sql: string, params: unknown[] = []) =>
      (await c.db.query(sql, params)).rows as T[];
    const spend = async () =>
      Number(
        (await query<{ usd: string }>('SELECT coalesce(sum(cost_usd), 0) AS usd FROM llm_calls'))[0]!.usd,
      );

    mark('cluster up');
    // --- One request limit, counted in Redis across both APIs: spent by another user's key than the
    // run's (all keys of a user share one budget), a member invited and signed in for it. ---
    const invited = await c.https('/api/v1/members', {
      method: 'POST',
      headers: { cookie: c.cookie, origin: 'https://localhost', 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'probe@example.com', role: 'editor' }),
    });
    expect(invited.status, invited.text).toBe(201);
    const accepted = await fetch(
      `${api0.base}/api/v1/invitations/${json(invited.text).token as string}/accept`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ password: 'probe-password' }),
      },
    );
    expect(accepted.status, await accepted.clone().text()).toBe(200);
    const other = await c.https('/api/v1/api-keys', {
      method: 'POST',
      headers: {
        cookie: sessionCookieOf(accepted.headers.getSetCookie()),
        origin: 'https://localhost',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ name: 'limit probe' }),
    });
    expect(other.status, other.text).toBe(201);
    const probe = {
      authorization: `Bearer ${json(other.text).key as string}`,
      'content-type': 'application/json',
    };
    const answered: Record<string, number[]> = { [api0.port]: [], [api1.port]: [] };
    for (let i = 0; i < generationLimit + 4; i++) {
      const api = i % 2 === 0 ? api0 : api1;
      // A generation-class route: counted before the (invalid) body is looked at, so nothing is spent.
      const res = await fetch(`${api.base}/api/v1/articles`, { method: 'POST', headers: probe, body: '{}' });
      answered[api.port]!.push(res.status);
    }
    const all = [...answered[api0.port]!, ...answered[api1.port]!];
    expect(all.filter((s) => s === 400)).toHaveLength(generationLimit);
    expect(all.filter((s) => s === 429)).toHaveLength(4);
    // Each process let through half: alone, each would have allowed the whole limit.
    expect(answered[api0.port]!.filter((s) => s === 400)).toHaveLength(generationLimit / 2);
    expect(answered[api1.port]!.filter((s) => s === 400)).toHaveLength(generationLimit / 2);

    // --- 30 articles through nginx, an SSE client on each. ---
    const ids = await Promise.all(
      Array.from({ length: articleCount }, async (_, i) => {
        const res = await c.https('/api/v1/articles', {
          method: 'POST',
          headers: { ...c.auth, 'content-type': 'application/json' },
          body: JSON.stringify({ topic: `home energy topic number ${i + 1}`, words: 300 }),
        });
        expect(res.status, res.text).toBe(202);
        return json(res.text).id as string;
      }),
    );
    // Every client also drops its own connection once, early, so each one resumes at least once
    // (those on the API that gets killed resume a second time).
    const clients: SseClient[] = ids.map((id, i) =>
      followEvents(c.site, id, c.auth, { dropAfter: 2 + (i % 6), retryCapMs: 500 }),
    );

    // The survivors' readiness, sampled all along.
    const readiness: Array<{ who: string; status: number; checks: string }> = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        for (const [who, url] of [
          ['api', `${api1.base}/health/ready`],
          ['worker', `${worker1.metricsBase}/health`],
        ] as const) {
          const res = await fetch(url).catch(() => undefined);
          const body = res ? await res.text() : '';
          const checks = body ? json(body).checks : undefined;
          readiness.push({
            who,
            status: res?.status ?? 0,
            checks: checks
              ? Object.entries(checks as Record<string, { status: string }>)
                  .filter(([name]) => name !== 'pgvector')
                  .map(([name, v]) => `${name}:${v.status}`)
                  .sort()
                  .join(',')
              : '',
          });
        }
        await new Promise((r) => setTimeout(r, 500));
      }
    })();

    // --- Mid-run: the first worker is drafting sections of an article it holds; kill it and an API. ---
    const owner0 = `%:${worker0.child.pid}:%`;
    await until('worker 0 mid-drafting', async () => {
      const rows = await query<{ id: string }>(
        `SELECT a.id FROM articles a WHERE a.status = 'running' AND a.lease_owner LIKE $1
           AND EXISTS (SELECT 1 FROM article_steps s WHERE s.article_id = a.id AND s.name LIKE 'section:%' AND s.status = 'completed')
           AND EXISTS (SELECT 1 FROM article_steps s WHERE s.article_id = a.id AND s.name LIKE 'section:%' AND s.status <> 'completed')`,
        [owner0],
      );
      const done = await query<{ n: string }>(
        "SELECT count(*) AS n FROM articles WHERE status = 'completed'",
      );
      return rows.length > 0 && Number(done[0]!.n) >= 2 ? true : undefined;
    });
    await Promise.all([worker0.stop('SIGKILL'), api0.stop('SIGKILL')]);
    mark('killed a worker and an API');
    // The orchestrator restarts the worker (Compose's restart policy, a Deployment's replica count);
    // it loads slowly on a busy machine, so the survivor carries the run meanwhile.
    const replacement = c.startWorker();
    replacement.catch(() => {}); // awaited below
    const heldByKilled = await query<{ id: string }>(
      "SELECT id FROM articles WHERE status = 'running' AND lease_owner LIKE $1",
      [owner0],
    );
    expect(heldByKilled.length).toBeGreaterThan(0);
    // Model calls of finished steps at the kill: none of them may be made again.
    const callsOf = async () =>
      new Map(
        (
          await query<{ key: string; n: string }>(
            `SELECT l.purpose_id || ' ' || l.purpose_step AS key, count(*) AS n FROM llm_calls l
               JOIN article_steps s ON s.article_id::text = l.purpose_id AND s.name = l.purpose_step
              WHERE l.outcome = 'ok' AND s.status = 'completed' GROUP BY 1`,
          )
        ).map((r) => [r.key, Number(r.n)]),
      );
    const finishedAtKill = await callsOf();
    const completedAtKill = Number(
      (await query<{ n: string }>("SELECT count(*) AS n FROM articles WHERE status = 'completed'"))[0]!.n,
    );

    // --- The survivor worker finishes everything. ---
    const statuses = await until(
      'every article to finish',
      async () => {
        const rows = await query<{ status: string; n: string }>(
          'SELECT status, count(*) AS n FROM articles WHERE id = ANY($1) GROUP BY status',
          [ids],
        );
        const by = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
        return (by.queued ?? 0) + (by.running ?? 0) === 0 ? by : undefined;
      },
      150_000,
    );
    expect(statuses).toEqual({ completed: articleCount });
    mark('30 articles ended');
    await Promise.all(clients.map((cl) => cl.finished));

    // No section written twice, no section step finished twice.
    for (const id of ids) {
      const [article] = await query<{ markdown: string; outline: { sections: { heading: string }[] } }>(
        'SELECT markdown, outline FROM articles WHERE id = $1',
        [id],
      );
      for (const { heading } of article!.outline.sections)
        expect(article!.markdown.split(`\n## ${heading}\n`).length - 1, `${id} ${heading}`).toBe(1);
      const finishes = await query<{ step: string; n: string }>(
        `SELECT data->>'step' AS step, count(*) AS n FROM article_events
          WHERE article_id = $1 AND type = 'step.finished' GROUP BY 1`,
        [id],
      );
      for (const f of finishes) expect(Number(f.n), `${id} ${f.step}`).toBe(1);
      expect(finishes.filter((f) => f.step.startsWith('section:'))).toHaveLength(
        article!.outline.sections.length,
      );
    }
    // No model call repeated for a step finished before the kill (ledger).
    const callsAfter = await callsOf();
    expect(finishedAtKill.size).toBeGreaterThan(0);
    for (const [key, n] of finishedAtKill) expect(callsAfter.get(key), key).toBe(n);
    // The fake model saw only the calls the ledger has, plus those cut off by the kill.
    const modelCalls = c.llm.requests.filter((r) => r.path === '/v1/chat/completions').length;
    const ledgerRows = Number((await query<{ n: string }>('SELECT count(*) AS n FROM llm_calls'))[0]!.n);
    expect(modelCalls).toBeGreaterThanOrEqual(ledgerRows);
    expect(modelCalls - ledgerRows).toBeLessThanOrEqual(8);

    // Every SSE client resumed through nginx with Last-Event-ID and saw each stored event once, in order.
    for (const [i, client] of clients.entries()) {
      const stored = (
        await query<{ id: string }>('SELECT id FROM article_events WHERE article_id = $1 ORDER BY id', [
          ids[i],
        ])
      ).map((r) => Number(r.id));
      expect(client.resumedFrom.length, ids[i]).toBeGreaterThanOrEqual(1);
      expect(client.resumedFrom.every((id) => id > 0)).toBe(true);
      expect(
        client.statuses.every((s) => s === 200),
        `${ids[i]}: ${client.statuses}`,
      ).toBe(true);
      const missing = stored.filter((id) => !client.events.some((e) => e.id === id));
      const described = missing.length
        ? JSON.stringify(
            await query('SELECT id, type, data FROM article_events WHERE id = ANY($1)', [missing]),
          )
        : '';
      expect(
        client.events.map((e) => e.id),
        `${ids[i]} missed ${described}`,
      ).toEqual(stored);
      expect(client.events.at(-1)?.type).toBe('done');
    }

    // --- Survivors: readiness stayed right all along, metrics agree with the database. ---
    sampling = false;
    await sampler;
    expect(readiness.length).toBeGreaterThan(4);
    for (const r of readiness) {
      expect(r.status, JSON.stringify(r)).toBe(200);
      if (r.who === 'api') expect(r.checks).toBe('database:ok,queue:ok,redis:ok');
    }
    const throughNginx = await c.https('/health/ready');
    expect(throughNginx.status).toBe(200);
    const apiMetrics = await (await fetch(`${api1.base}/metrics`)).text();
    expect(metricSamples(apiMetrics, 'dependency_up')).toEqual(
      new Map([
        ['{dependency="database"}', 1],
        ['{dependency="queue"}', 1],
        ['{dependency="redis"}', 1],
      ]),
    );
    // Runs re-queued by the lease recovery while the survivor was busy are left over as no-ops: the
    // queue drains, and the gauge follows the queue table.
    await until(
      'the article queue to drain',
      async () => {
        const text = await (await fetch(`${api1.base}/metrics`)).text();
        return metricSamples(text, 'jobs_queue_depth').get('{queue="article.generate"}') === 0
          ? true
          : undefined;
      },
      60_000,
    );
    const [waiting] = await query<{ n: string }>(
      "SELECT count(*) AS n FROM pgboss.job WHERE name = 'article.generate' AND state IN ('created', 'retry')",
    );
    expect(Number(waiting!.n)).toBe(0);
    const worker2 = await replacement;
    mark('replacement worker up');
    const completedOn = async (w: typeof worker1) => {
      const text = await (await fetch(`${w.metricsBase}/metrics`)).text();
      expect(metricSamples(text, 'active_pipelines').get('')).toBe(0);
      return metricSamples(text, 'articles_generated_total').get('{status="completed"}') ?? 0;
    };
    const completedBySurvivors = (await completedOn(worker1)) + (await completedOn(worker2));
    // Everything that finished after the kill finished on a live worker; they cannot count more than ran.
    expect(completedBySurvivors).toBeGreaterThanOrEqual(articleCount - completedAtKill);
    expect(completedBySurvivors).toBeLessThanOrEqual(articleCount);

    // --- A workspace budget holds across processes: two workers spend, both stop at the budget. ---
    const perArticle = (await spend()) / articleCount;
    const budgetIds = await Promise.all(
      Array.from({ length: 4 }, async (_, i) => {
        const res = await c.https('/api/v1/articles', {
          method: 'POST',
          headers: { ...c.auth, 'content-type': 'application/json' },
          // Long enough that every run still needs the model after the 2 s window on either worker:
          // with 300 words a worker's run could finish inside it and that worker never be refused.
          body: JSON.stringify({ topic: `budget topic number ${i + 1}`, words: 1500 }),
        });
        expect(res.status, res.text).toBe(202);
        return json(res.text).id as string;
      }),
    );
    // Both workers are spending before the budget is set.
    await until('both workers to hold a run', async () => {
      const owners = await query<{ owner: string }>(
        "SELECT DISTINCT split_part(lease_owner, ':', 2) AS owner FROM articles WHERE status = 'running'",
      );
      const pids = new Set(owners.map((o) => o.owner));
      return pids.has(String(worker1.child.pid)) && pids.has(String(worker2.child.pid)) ? true : undefined;
    });
    const budgetUsd = Math.max(0.01, (await spend()) + perArticle * 0.1);
    const set = await c.https('/api/v1/llm/settings', {
      method: 'PUT',
      headers: { ...c.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ monthlyBudgetUsd: budgetUsd }),
    });
    expect(set.status, set.text).toBe(200);
    const budgetSetAt = Date.now();
    const budgetRuns = await until('the budget runs to end', async () => {
      const rows = await query<{ status: string; error: string | null }>(
        'SELECT status, error FROM articles WHERE id = ANY($1)',
        [budgetIds],
      );
      return rows.every((r) => r.status !== 'queued' && r.status !== 'running') ? rows : undefined;
    });
    // The budget stops the runs that still need a model once the window has passed; a run whose
    // last calls all fell inside the window may finish (seen once: 1 of 4, its other three stopped
    // at their last step). That no call at all starts after the window is checked below.
    const stopped = budgetRuns.filter((run) => run.status === 'failed');
    expect(stopped.length).toBeGreaterThan(0);
    for (const run of budgetRuns) expect(['failed', 'completed']).toContain(run.status);
    for (const run of stopped) expect(run.error).toMatch(/budget/i);
    // Both workers refused. Each process re-reads the budget and the others' spend every 2 s (the
    // documented window): no model call starts after that, whichever worker would have made it.
    for (const w of [worker1, worker2]) {
      const text = await (await fetch(`${w.metricsBase}/metrics`)).text();
      expect(sum(metricSamples(text, 'llm_budget_rejections_total')), w.metricsBase).toBeGreaterThan(0);
    }
    const late = c.llm.requests.filter(
      (r) => r.path === '/v1/chat/completions' && r.at > budgetSetAt + 2000 + 1500,
    );
    expect(late).toHaveLength(0);
    mark('budget runs ended');
    const overshoot = (await spend()) - budgetUsd;
    console.log(
      `budget $${budgetUsd.toFixed(4)}, spent past it in the window $${overshoot.toFixed(4)}, an article $${perArticle.toFixed(4)}`,
    );
  });
});
