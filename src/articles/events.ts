// Article events: an append-only log in the database (so any client can replay from any id, the
// SSE `Last-Event-ID`), plus a wake-up signal so live subscribers read new rows at once — in-process
// through an emitter, across processes (API apart from worker, on PostgreSQL) through LISTEN/NOTIFY.
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { Database } from '../db/client.ts';
import { isDatabaseUnavailable } from '../db/unavailable.ts';

export const articleEventTypes = [
  'status',
  'step.started',
  'step.finished',
  'source.found',
  'source.failed',
  'section.delta',
  'section.thinking',
  'cost',
  'done',
  'error',
] as const;
export type ArticleEventType = (typeof articleEventTypes)[number];

export interface ArticleEvent {
  id: number;
  articleId: string;
  type: ArticleEventType;
  data: Record<string, unknown>;
}

export interface ArticleEventBus {
  publish(articleId: string, type: ArticleEventType, data: Record<string, unknown>): Promise<ArticleEvent>;
  /**
   * Delivers, in order, every event after `afterId` (0 for all), then live ones until the returned
   * function is called. Delivery is at-least-once per subscriber and never out of order.
   */
  subscribe(articleId: string, afterId: number, listener: (event: ArticleEvent) => void): () => void;
  /** Wakes subscribers after an event was inserted by other SQL (e.g. atomically with a step's result). */
  notify(articleId: string): Promise<void>;
  close(): Promise<void>;
}

const channel = 'blogsmith_article_events';
// A missed notification (reconnecting listener) costs at most this delay.
const safetyPollMs = 2000;

interface Row {
  id: string | number;
  type: ArticleEventType;
  data: Record<string, unknown>;
}

export function createArticleEventBus(database: Database, logger: Logger): ArticleEventBus {
  const local = new EventEmitter();
  local.setMaxListeners(0);
  let listening: Promise<void> | undefined;
  let listenClient: { release(destroy?: boolean): void } | undefined;
  let closed = false;

  // One LISTEN connection per process, opened on the first subscription and reopened (with a
  // growing pause, up to 10 s) whenever it is lost or cannot be opened, e.g. while the database is
  // down; meanwhile subscribers still get their events through the safety poll.
  let retryDelayMs = 1000;
  function reconnectLater() {
    listening = undefined;
    listenClient = undefined;
    if (closed) return;
    setTimeout(listenAcrossProcesses, retryDelayMs).unref();
    retryDelayMs = Math.min(retryDelayMs * 2, 10_000);
  }

  function listenAcrossProcesses() {
    if (database.kind !== 'postgres' || listening || closed) return;
    listening = (async () => {
      const client = await database.pool!.connect();
      listenClient = client;
      let lost = false;
      const onLost = (err?: Error) => {
        // After close() the client was released there; nothing to repair.
        if (lost || closed) return;
        lost = true;
        logger.warn({ err }, 'article event listener lost its connection; reconnecting');
        client.release(err ?? true);
        reconnectLater();
      };
      client.on('notification', (msg) => {
        if (msg.channel === channel && msg.payload) local.emit(msg.payload);
      });
      client.on('error', onLost);
      client.on('end', () => onLost());
      try {
        await client.query(`LISTEN ${channel}`);
      } catch (err) {
        onLost(err as Error);
        return;
      }
      retryDelayMs = 1000;
      // Events written while nobody listened are read now rather than at the next safety poll.
      for (const articleId of local.eventNames()) local.emit(articleId);
    })().catch((err) => {
      logger.warn({ err }, 'could not LISTEN for article events; polling until it can');
      reconnectLater();
    });
  }

  async function notify(articleId: string) {
    if (database.kind === 'postgres') await database.query('SELECT pg_notify($1, $2)', [channel, articleId]);
    else local.emit(articleId);
  }

  return {
    async publish(articleId, type, data) {
      const { rows } = await database.query<{ id: string | number }>(
        'INSERT INTO article_events (article_id, type, data) VALUES ($1, $2, $3) RETURNING id',
        [articleId, type, JSON.stringify(data)],
      );
      await notify(articleId);
      return { id: Number(rows[0]!.id), articleId, type, data };
    },

    notify,

    subscribe(articleId, afterId, listener) {
      let last = afterId;
      let reading = false;
      let again = false;
      let stopped = false;
      const read = async () => {
        if (stopped) return;
        if (reading) {
          again = true;
          return;
        }
        reading = true;
        try {
          do {
            again = false;
            const { rows } = await database.query<Row>(
              'SELECT id, type, data FROM article_events WHERE article_id = $1 AND id > $2 ORDER BY id LIMIT 500',
              [articleId, last],
            );
            for (const row of rows) {
              if (stopped) return;
              last = Number(row.id);
              listener({ id: last, articleId, type: row.type, data: row.data });
            }
            if (rows.length === 500) again = true;
          } while (again && !stopped);
        } catch (err) {
          // During a database outage every subscriber fails every poll: the queue and readiness
          // already say so once, so these stay at debug.
          if (!stopped && !closed)
            logger[isDatabaseUnavailable(err) ? 'debug' : 'warn'](
              { err, articleId },
              'reading article events failed',
            );
        } finally {
          reading = false;
        }
      };
      const wake = () => void read();
      local.on(articleId, wake);
      listenAcrossProcesses();
      const poll = setInterval(wake, safetyPollMs);
      poll.unref();
      void read();
      return () => {
        stopped = true;
        clearInterval(poll);
        local.off(articleId, wake);
      };
    },

    async close() {
      closed = true;
      local.removeAllListeners();
      listenClient?.release(true);
    },
  };
}
