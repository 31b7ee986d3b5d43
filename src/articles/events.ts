// Article events: an append-only log in the database (so any client can replay from any id, the
// SSE `Last-Event-ID`), plus a wake-up signal so live subscribers read new rows at once — in-process
// through an emitter, across processes (API apart from worker, on PostgreSQL) through LISTEN/NOTIFY.
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { Database } from '../db/client.ts';
import { isDatabaseUnavailable } from '../db/unavailable.ts';
import type { ArticleEvent, ArticleEventData, ArticleEventType } from './event-map.ts';
import { appendEvent, appendEvents, articleExists, readEventsSince } from './event-store.ts';

export interface ArticleEventBus {
  publish<T extends ArticleEventType>(
    articleId: string,
    type: T,
    data: ArticleEventData[T],
  ): Promise<ArticleEvent>;
  /**
   * Several events of one type, stored in one statement in the order given; with `leaseOwner`, only
   * while that run holds the article (event-store.ts).
   */
  publishAll<T extends ArticleEventType>(
    articleId: string,
    type: T,
    data: ReadonlyArray<ArticleEventData[T]>,
    leaseOwner?: string,
  ): Promise<void>;
  /**
   * Delivers, in order, every event after `afterId` (0 for all), then live ones until the returned
   * function is called. Delivery is at-least-once per subscriber and never out of order. `gone` is
   * called once the article has been deleted (its events go with it: no `done` will come).
   */
  subscribe(
    articleId: string,
    afterId: number,
    listener: (event: ArticleEvent) => void,
    gone?: () => void,
  ): () => void;
  /** Wakes subscribers after an event was inserted by other SQL (e.g. atomically with a step's result). */
  notify(articleId: string): Promise<void>;
  close(): Promise<void>;
}

const channel = 'blogsmith_article_events';
// A missed notification (reconnecting listener) costs at most this delay.
const safetyPollMs = 2000;
// How often the safety poll asks whether a quiet article was deleted; a notified wake-up always does.
const deletionCheckMs = 10_000;
const pageSize = 500;

interface Subscriber {
  /** The last event this subscriber was given. */
  last: number;
  listener: (event: ArticleEvent) => void;
  gone: (() => void) | undefined;
}

/**
 * The one reader of an article's events in this process, shared by all its subscribers (SSE
 * streams, WebSocket subscriptions): one query per wake-up and one safety poll, however many follow.
 */
interface Feed {
  subscribers: Set<Subscriber>;
  reading: boolean;
  again: boolean;
  /** A read is scheduled for the end of this turn of the event loop. */
  woken: boolean;
  wake: () => void;
  /** A wake-up by a notification (an event written, or the article deleted), not the safety poll. */
  notified: boolean;
  onNotify: () => void;
  /** When a read with nothing new last asked whether the article still exists. */
  existenceCheckedAt: number;
  poll: NodeJS.Timeout;
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

  const feeds = new Map<string, Feed>();

  function feedOf(articleId: string): Feed {
    const existing = feeds.get(articleId);
    if (existing) return existing;
    // A burst of notifications (parallel sections each publishing) costs one read, not one each.
    const feed: Feed = {
      subscribers: new Set(),
      reading: false,
      again: false,
      woken: false,
      wake: () => {
        if (feed.woken) return;
        feed.woken = true;
        setImmediate(() => {
          feed.woken = false;
          void read(articleId, feed);
        });
      },
      notified: false,
      onNotify: () => {
        feed.notified = true;
        feed.wake();
      },
      existenceCheckedAt: Date.now(),
      poll: setInterval(() => feed.wake(), safetyPollMs),
    };
    feed.poll.unref();
    local.on(articleId, feed.onNotify);
    feeds.set(articleId, feed);
    return feed;
  }

  // Reads from the subscriber furthest behind (a new one replays from its `afterId`) and gives each
  // subscriber only the events after its own last one.
  async function read(articleId: string, feed: Feed) {
    if (feed.reading) {
      feed.again = true;
      return;
    }
    feed.reading = true;
    const notified = feed.notified;
    feed.notified = false;
    let nothingNew = true;
    try {
      do {
        feed.again = false;
        let from = Number.POSITIVE_INFINITY;
        for (const s of feed.subscribers) from = Math.min(from, s.last);
        if (from === Number.POSITIVE_INFINITY) break;
        const events = await readEventsSince(database, articleId, from, pageSize);
        if (events.length > 0) nothingNew = false;
        for (const event of events) {
          for (const s of feed.subscribers) {
            if (event.id <= s.last) continue;
            s.last = event.id;
            deliver(s, { ...event, articleId });
          }
        }
        if (events.length === pageSize) feed.again = true;
      } while (feed.again && !closed);
      // A wake-up with nothing to read may be a deletion: the deleting request notifies; a lost
      // notification is made up for by the safety poll, which asks only every `deletionCheckMs` (an
      // idle feed's polls stay one statement). A database hiccup is not a deletion.
      const due = notified || Date.now() - feed.existenceCheckedAt >= deletionCheckMs;
      if (nothingNew && due && !closed && [...feed.subscribers].some((s) => s.gone)) {
        feed.existenceCheckedAt = Date.now();
        if (!(await articleExists(database, articleId).catch(() => true))) {
          for (const s of [...feed.subscribers]) {
            const gone = s.gone;
            s.gone = undefined; // once
            gone?.();
          }
        }
      }
    } catch (err) {
      // During a database outage every feed fails every poll: the queue and readiness already say
      // so once, so these stay at debug.
      if (!closed)
        logger[isDatabaseUnavailable(err) ? 'debug' : 'warn'](
          { err, articleId },
          'reading article events failed',
        );
    } finally {
      feed.reading = false;
    }
  }

  function deliver(subscriber: Subscriber, event: ArticleEvent) {
    try {
      subscriber.listener(event);
    } catch (err) {
      // One subscriber's failure (a broken socket) must not cost the others their events.
      logger.warn({ err, articleId: event.articleId }, 'an article event subscriber failed');
    }
  }

  // Notifications still on their way, so close() lets them go out before the pool ends.
  const sending = new Set<Promise<void>>();

  // The event is committed before this is called, so the writer does not wait for the wake-up: on
  // PostgreSQL it is one round trip more on every step's path. One that is lost (the database went
  // away meanwhile) costs its subscribers the safety poll, as a missed notification always did.
  async function notify(articleId: string) {
    if (database.kind !== 'postgres') return void local.emit(articleId);
    const sent = database.query('SELECT pg_notify($1, $2)', [channel, articleId]).then(
      () => undefined,
      (err) =>
        logger[isDatabaseUnavailable(err) ? 'debug' : 'warn'](
          { err, articleId },
          'article event wake-up not sent',
        ),
    );
    sending.add(sent);
    void sent.finally(() => sending.delete(sent));
  }

  return {
    async publish(articleId, type, data) {
      const id = await appendEvent(database, articleId, type, data);
      await notify(articleId);
      return { id, articleId, type, data } as ArticleEvent;
    },

    async publishAll(articleId, type, data, leaseOwner) {
      if (data.length === 0) return;
      await appendEvents(database, articleId, type, data, leaseOwner);
      await notify(articleId);
    },

    notify,

    subscribe(articleId, afterId, listener, gone) {
      const feed = feedOf(articleId);
      const subscriber: Subscriber = { last: afterId, listener, gone };
      feed.subscribers.add(subscriber);
      listenAcrossProcesses();
      feed.wake();
      return () => {
        feed.subscribers.delete(subscriber);
        if (feed.subscribers.size > 0 || feeds.get(articleId) !== feed) return;
        clearInterval(feed.poll);
        local.off(articleId, feed.onNotify);
        feeds.delete(articleId);
      };
    },

    async close() {
      closed = true;
      await Promise.all(sending);
      for (const feed of feeds.values()) clearInterval(feed.poll);
      feeds.clear();
      local.removeAllListeners();
      listenClient?.release(true);
    },
  };
}
