// Writers made to overlap on purpose: a service called with this database holds its raw statements
// (`query`: the version it keeps, the storage check) until released, after it has read the article
// through the ORM. With `releaseAfter` n they are released once n have arrived — n writers have all
// read by then.
import type { Database } from '../../src/db/client.ts';
import type { ArticleEnv } from './support.ts';

export function heldStatements(database: Database, releaseAfter = Number.POSITIVE_INFINITY) {
  let arrived = 0;
  let release = () => {};
  let reach = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const reached = new Promise<void>((resolve) => {
    reach = resolve;
  });
  const held: Database = {
    ...database,
    async query<Row>(text: string, params?: unknown[]) {
      reach();
      if (++arrived >= releaseAfter) release();
      await released;
      return database.query<Row>(text, params);
    },
  };
  return { database: held, reached, release };
}

/** The article's workspace and its owner, as a service's caller. */
export async function callerOf(env: ArticleEnv, articleId: string) {
  const { rows } = await env.test.runtime.database.query<{ workspaceId: string; userId: string }>(
    `SELECT a.workspace_id AS "workspaceId", m.user_id AS "userId"
       FROM articles a JOIN memberships m ON m.workspace_id = a.workspace_id AND m.role = 'owner'
      WHERE a.id = $1`,
    [articleId],
  );
  return rows[0]!;
}
