// pg-boss talks to PostgreSQL through this (PGlite has its own: pglite-adapter.ts).
import type { Logger } from 'pino';
import type { Database } from '../db/client.ts';
import { isDatabaseUnavailable } from '../db/unavailable.ts';

// pg-boss records a job's outcome (complete/fail) without awaiting it: while PostgreSQL is down
// that rejection would be unhandled and end the process. Those statements instead wait for the
// database to come back (so the outcome is recorded and a failed job retried promptly); once the
// queue stops they give up quietly, and the job, still active, is retried when it expires.
const isJobSettlement = (text: string) =>
  /SET completed_on = now\(\)/.test(text) ||
  (/deleted_jobs/.test(text) && /UNNEST\(\$2::uuid\[\]\)/.test(text));

export function pgExecutor(database: Database, logger: Logger, isStopping: () => boolean) {
  // Through the database's query: its parameterised statements are prepared once per connection.
  const query = (text: string, values: unknown[]) => database.query(text, values);
  return {
    async executeSql(text: string, values: unknown[] = []) {
      if (!isJobSettlement(text)) return query(text, values);
      for (let attempt = 0; ; attempt++) {
        try {
          return await query(text, values);
        } catch (err) {
          if (!isDatabaseUnavailable(err)) throw err;
          if (isStopping()) {
            logger.warn(
              { err },
              'could not record a job outcome before stopping; it is retried once it expires',
            );
            return { rows: [{ count: 0 }] };
          }
          if (attempt === 0) logger.warn({ err }, 'database unavailable: job outcome waits for it to return');
          await new Promise((resolve) => setTimeout(resolve, Math.min(1000 * 2 ** attempt, 10_000)));
        }
      }
    },
  };
}
