// The research plan's questions go to the source providers as soon as the model answers, while the
// plan step is still being recorded; a retry of the gather step searches again; a run whose sources
// were gathered before searches nothing.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatherSources } from '../../../src/articles/pipeline/gather-sources.ts';
import type { FoundSource, SourceProvider } from '../../../src/articles/sources.ts';
import type { RunContext } from '../../../src/articles/steps.ts';
import { type Database, openDatabase } from '../../../src/db/client.ts';
import { runMigrations } from '../../../src/db/migrate.ts';
import type { LlmGateway } from '../../../src/llm/types.ts';
import { articleBriefSchema } from '../../../src/writing/brief.ts';

let database: Database;
let workspaceId: string;

beforeAll(async () => {
  database = await openDatabase({ dataDir: 'memory://' });
  await runMigrations(database);
  const { rows } = await database.query<{ id: string }>(
    `INSERT INTO workspaces (name) VALUES ('w') RETURNING id`,
  );
  workspaceId = rows[0]!.id;
});
afterAll(() => database.close());

const questions = ['What is a heat pump?', 'What does it cost?'];
const brief = articleBriefSchema.parse({ topic: 'heat pumps', research: { urls: [], web: true } });

/**
 * A planner whose answer comes at once, after the partial plans `writing` (as the gateway hands them
 * to `onPartial`); the ledger flush that closes its step waits for `release`.
 */
function runOf(articleId: string, writing: unknown[] = []) {
  const flushed = Promise.withResolvers<void>();
  const log: string[] = [];
  const llm = {
    async generateObject(call: { onPartial?: (partial: unknown) => void }) {
      log.push(call.onPartial ? 'plan followed' : 'plan asked');
      for (const partial of writing) call.onPartial?.(partial);
      log.push('plan answered');
      return { object: { questions }, usage: { inputTokens: 1, outputTokens: 1 }, costUsd: 0 };
    },
    flush: () => flushed.promise,
    contextTokens: async () => 8000,
  } as unknown as LlmGateway;
  const ctx: RunContext = {
    database,
    llm,
    events: { notify: async () => {}, publishAll: async () => {} } as unknown as RunContext['events'],
    logger: pino({ level: 'silent' }),
    article: { id: articleId, workspaceId },
    signal: new AbortController().signal,
    totals: { inputTokens: 0, outputTokens: 0, costUsd: 0 },
    attempts: 2,
    retryDelaySeconds: 0,
    leaseOwner: 'worker-a',
  };
  return { ctx, log, release: () => flushed.resolve() };
}

async function runningArticle() {
  const { rows } = await database.query<{ id: string }>(
    `INSERT INTO articles (workspace_id, brief, topic, status, lease_owner, lease_expires_at)
     VALUES ($1, '{}', 'gather', 'running', 'worker-a', now() + interval '1 minute') RETURNING id`,
    [workspaceId],
  );
  return rows[0]!.id;
}

const page = (n: number): FoundSource => ({
  kind: 'web',
  title: `Page ${n}`,
  url: `https://pages.test/${n}`,
  excerpt: 'An excerpt.',
  text: 'The text of the page.',
});

const run = { brief, system: 'system', concurrency: 1 };

describe('gatherSources', () => {
  it('starts the search with the planner’s answer, before the plan step is recorded', async () => {
    const { ctx, log, release } = runOf(await runningArticle());
    const searched = Promise.withResolvers<readonly string[]>();
    const provider: SourceProvider = {
      name: 'web',
      async find(asked) {
        log.push('search');
        searched.resolve(asked);
        return [page(1)];
      },
    };
    const gathered = gatherSources({ ...run, ctx }, [provider], false);
    // The plan step cannot finish until its ledger is flushed; the search is under way all the same.
    const notYet = new Promise((resolve) => setTimeout(() => resolve('not searched'), 2000));
    expect(await Promise.race([searched.promise, notYet])).toEqual(questions);
    expect(log).toEqual(['plan asked', 'plan answered', 'search']);
    release();
    const { sources } = await gathered;
    expect(sources.map((s) => [s.n, s.url])).toEqual([[1, 'https://pages.test/1']]);
    // One search: the gather step used the one begun with the plan.
    expect(log).toEqual(['plan asked', 'plan answered', 'search']);
    const { rows } = await database.query<{ name: string; status: string; output: unknown }>(
      `SELECT name, status, output FROM article_steps WHERE article_id = $1 ORDER BY position`,
      [ctx.article.id],
    );
    expect(rows.map((r) => [r.name, r.status])).toEqual([
      ['plan', 'completed'],
      ['gather', 'completed'],
    ]);
  });

  it('hands each question the planner has moved on from to the providers while the plan is written', async () => {
    const writing = [
      {},
      { questions: ['What is a heat pump?'] },
      { questions: ['What is a heat pump?', 'What d'] },
      { questions: ['What is a heat pump?', 42, 'What does it cost?', ''] },
      { questions: ['What is a heat pump?', 42, 'What does it cost?', 'Who'] },
    ];
    const { ctx, log, release } = runOf(await runningArticle(), writing);
    release();
    const provider: SourceProvider = {
      name: 'web',
      foresee(question, known) {
        log.push(`foresee ${question} (${known})`);
      },
      async find(asked) {
        log.push(`search ${asked.length}`);
        return [page(5)];
      },
    };
    await gatherSources({ ...run, ctx }, [provider], false);
    // A question is handed on once the next has begun (the last one with the answer, as `find`);
    // a value that is no question is not; the provider sees a question again as the plan grows.
    expect(log).toEqual([
      'plan followed',
      'foresee What is a heat pump? (2)',
      'foresee What is a heat pump? (4)',
      'foresee What does it cost? (4)',
      'foresee What is a heat pump? (4)',
      'foresee What does it cost? (4)',
      'plan answered',
      'search 2',
    ]);
  });

  it('searches again when the first search fails and the gather step retries', async () => {
    const { ctx, release } = runOf(await runningArticle());
    release();
    let calls = 0;
    const provider: SourceProvider = {
      name: 'web',
      async find() {
        calls++;
        if (calls === 1) throw new Error('search engine down');
        return [page(2)];
      },
    };
    const { sources } = await gatherSources({ ...run, ctx }, [provider], false);
    expect(calls).toBe(2);
    expect(sources.map((s) => s.url)).toEqual(['https://pages.test/2']);
  });

  it('searches nothing when a previous run already gathered the sources', async () => {
    const articleId = await runningArticle();
    const first = runOf(articleId);
    first.release();
    await gatherSources({ ...run, ctx: first.ctx }, [{ name: 'web', find: async () => [page(3)] }], false);
    // The plan step runs again (set back to pending), but the gathered sources are stored: no search.
    await database.query(
      `UPDATE article_steps SET status = 'pending' WHERE article_id = $1 AND name = 'plan'`,
      [articleId],
    );
    const again = runOf(articleId);
    again.release();
    let searched = 0;
    const { sources } = await gatherSources(
      { ...run, ctx: again.ctx },
      [
        {
          name: 'web',
          async find() {
            searched++;
            return [page(4)];
          },
        },
      ],
      true,
    );
    expect(searched).toBe(0);
    expect(sources.map((s) => s.url)).toEqual(['https://pages.test/3']);
  });
});
