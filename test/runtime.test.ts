// Closing the runtime, as a graceful shutdown does: the jobs stop first — their model calls ending,
// aborted at the deadline — then what those calls spent is written to the ledger, then the
// database closes. The ledger's pending rows used to be written before the jobs stopped, so calls
// that ended during the stop were billed by the provider and never recorded.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { type ArticleEnv, postArticle, startArticleEnv } from './articles/support.ts';

describe('closing the runtime (postgres)', () => {
  let env: ArticleEnv | undefined;
  afterAll(async () => env?.close());

  it('records the model calls that ended while the jobs stopped', async () => {
    env = await startArticleEnv('postgres', { env: { SHUTDOWN_TIMEOUT_SECONDS: '1' } });
    // The model never answers: the run's first call is still out when the shutdown begins.
    env.llm.responder = () => ({ type: 'hang' });
    const posted = await postArticle(env, { topic: 'heat pumps for family homes', words: 700 });
    expect(posted.statusCode, posted.body).toBe(202);
    await expect.poll(() => env!.llm.requests.length, { timeout: 30_000 }).toBeGreaterThan(0);

    await env.test.app.close();
    await env.test.runtime.close();

    const client = new pg.Client({ connectionString: env.test.config.DATABASE_URL });
    await client.connect();
    try {
      const { rows } = await client.query<{ outcome: string }>('SELECT outcome FROM llm_calls');
      expect(rows.length).toBeGreaterThan(0);
    } finally {
      await client.end();
    }
  }, 90_000);
});
