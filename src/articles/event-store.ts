// The SQL of the article event log: append an event, read the events after an id, and what a stream
// needs to know to end (the run finished with nothing after an id; the article was deleted).
import type { Database } from '../db/client.ts';
import type { ArticleEventData, ArticleEventMessage, ArticleEventType } from './event-map.ts';
import type { ArticleStatus } from './statuses.ts';

const finished: ArticleStatus[] = ['completed', 'failed', 'cancelled'];

export type StoredArticleEvent = ArticleEventMessage & { id: number };

/**
 * SQL (a statement's last CTE or its main query) that appends events to article $1, numbered in
 * the order given, once for each row of `after` — a CTE of the same statement (the update they
 * tell of), so they are written exactly when it is. Their types and data are the parameters at
 * `$typesAt` and the next one (eventParams).
 */
export const appendEventsAfter = (after: string, typesAt: number) =>
  `INSERT INTO article_events (article_id, type, data)
   SELECT $1, e.type, e.data FROM ${after},
     unnest($${typesAt}::text[], $${typesAt + 1}::jsonb[]) WITH ORDINALITY AS e(type, data, n)
   ORDER BY e.n`;

/** The two parameters of appendEventsAfter: the events' types, and their data as JSON. */
export const eventParams = (events: readonly ArticleEventMessage[]) => [
  events.map((e) => e.type),
  events.map((e) => JSON.stringify(e.data)),
];

export async function appendEvent<T extends ArticleEventType>(
  database: Database,
  articleId: string,
  type: T,
  data: ArticleEventData[T],
): Promise<number> {
  const { rows } = await database.query<{ id: string | number }>(
    'INSERT INTO article_events (article_id, type, data) VALUES ($1, $2, $3) RETURNING id',
    [articleId, type, JSON.stringify(data)],
  );
  return Number(rows[0]!.id);
}

/**
 * Events of one type in one statement, stored (and numbered) in the order given. With `leaseOwner`,
 * only while that run holds the article: a superseded run's late events (its live text) must not
 * land after the other run's `done`, where a stream that has ended never sees them.
 */
export async function appendEvents<T extends ArticleEventType>(
  database: Database,
  articleId: string,
  type: T,
  data: ReadonlyArray<ArticleEventData[T]>,
  leaseOwner?: string,
): Promise<void> {
  await database.query(
    `INSERT INTO article_events (article_id, type, data)
     SELECT $1, $2, d FROM unnest($3::jsonb[]) WITH ORDINALITY AS e(d, n)
     WHERE $4::text IS NULL OR EXISTS (SELECT 1 FROM articles WHERE id = $1 AND lease_owner = $4)
     ORDER BY n`,
    [articleId, type, data.map((d) => JSON.stringify(d)), leaseOwner ?? null],
  );
}

/** Up to `limit` events after `afterId`, oldest first. */
export async function readEventsSince(
  database: Database,
  articleId: string,
  afterId: number,
  limit: number,
): Promise<StoredArticleEvent[]> {
  const { rows } = await database.query<{ id: string | number } & ArticleEventMessage>(
    'SELECT id, type, data FROM article_events WHERE article_id = $1 AND id > $2 ORDER BY id LIMIT $3',
    [articleId, afterId, limit],
  );
  return rows.map((row) => ({ ...row, id: Number(row.id) }) as StoredArticleEvent);
}

/** Events a stream sends from its first statement; more are read by the event bus. */
export const streamStartPage = 500;

/**
 * What opening a stream needs, in one light statement: whether the article is in the workspace
 * (undefined when not), whether its run is finished, and the first page of events after `afterId`
 * (so the stream can send them at once). Neither the article's text nor its other columns are read.
 */
export async function streamStart(
  database: Database,
  workspaceId: string,
  articleId: string,
  afterId: number,
): Promise<{ finished: boolean; events: StoredArticleEvent[] } | undefined> {
  const { rows } = await database.query<{
    status: ArticleStatus;
    events: Array<{ id: string | number } & ArticleEventMessage>;
  }>(
    `SELECT a.status, coalesce((
       SELECT json_agg(json_build_object('id', e.id, 'type', e.type, 'data', e.data) ORDER BY e.id)
       FROM (SELECT id, type, data FROM article_events WHERE article_id = a.id AND id > $3 ORDER BY id LIMIT $4) e
     ), '[]'::json) AS events
     FROM articles a WHERE a.id = $1 AND a.workspace_id = $2`,
    [articleId, workspaceId, afterId, streamStartPage],
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    finished: finished.includes(row.status),
    events: row.events.map((e) => ({ ...e, id: Number(e.id) }) as StoredArticleEvent),
  };
}

/** True when the article is gone, or finished with no event after `afterId`. */
export async function streamIsOver(database: Database, articleId: string, afterId: number): Promise<boolean> {
  const { rows } = await database.query<{ status: ArticleStatus; later: boolean }>(
    `SELECT a.status, EXISTS (SELECT 1 FROM article_events e WHERE e.article_id = a.id AND e.id > $2) AS later
     FROM articles a WHERE a.id = $1`,
    [articleId, afterId],
  );
  const row = rows[0];
  return !row || (finished.includes(row.status) && !row.later);
}

export async function articleExists(database: Database, articleId: string): Promise<boolean> {
  const { rows } = await database.query('SELECT 1 FROM articles WHERE id = $1', [articleId]);
  return rows.length > 0;
}
