// Credential revocations, announced to every process at once: a revoked API key, a member whose role
// changed or who was removed, an ended session. Processes keep verified API keys in memory and hold
// WebSockets and event streams open on a credential; each drops what a revocation touches as soon as
// it hears of it, instead of when a cache entry expires.
//
// Delivery: in this process always; across processes through Redis pub/sub when REDIS_URL is set,
// and through PostgreSQL LISTEN/NOTIFY whenever the database is PostgreSQL (so a Redis outage does
// not stop revocations). A process hearing a message twice just drops nothing the second time. The
// embedded database is single-process, so in-process delivery is all it needs.
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { PoolClient } from 'pg';
import type { Logger } from 'pino';
import type { Redis } from '../cache/redis.ts';
import type { Database } from '../db/client.ts';

export type Revocation =
  | { kind: 'api_key'; id: string }
  /** The member's role changed or they left the workspace. */
  | { kind: 'member'; userId: string; workspaceId: string }
  /** `id` is the session row's id (the sha256 of its token). */
  | { kind: 'session'; id: string };

export interface RevocationBus {
  /** Delivers to this process before it resolves; other processes hear it within milliseconds. */
  publish(revocation: Revocation): Promise<void>;
  subscribe(listener: (revocation: Revocation) => void): () => void;
  close(): Promise<void>;
}

const pgChannel = 'blogsmith_revocations';
const event = 'revocation';

interface Envelope {
  from: string;
  revocation: Revocation;
}

export function createRevocationBus(deps: {
  database: Database;
  logger: Logger;
  redis?: Redis;
  /** Namespaces the Redis channel like the keys (tests run side by side on one Redis). */
  redisChannelPrefix?: string;
}): RevocationBus {
  const { database, logger, redis } = deps;
  const self = randomUUID();
  const local = new EventEmitter();
  local.setMaxListeners(0);
  const redisChannel = `${deps.redisChannelPrefix ?? ''}blogsmith:revocations`;
  const stops: Array<() => Promise<void>> = [];
  let closed = false;

  const receive = (raw: string) => {
    try {
      const envelope = JSON.parse(raw) as Envelope;
      if (envelope.from !== self) local.emit(event, envelope.revocation);
    } catch {
      logger.warn('ignored a malformed credential revocation message');
    }
  };

  if (redis) {
    // A subscribed connection can do nothing else, so it is a second one. It queues its SUBSCRIBE
    // until connected (the shared connection fails fast instead), and ioredis re-subscribes by
    // itself after a reconnect.
    const subscriber = redis.duplicate({ lazyConnect: false, enableOfflineQueue: true });
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === redisChannel) receive(message);
    });
    subscriber.on('error', () => {}); // the main connection already logs Redis trouble
    subscriber.subscribe(redisChannel).catch((err: Error) => {
      if (!closed)
        logger.warn({ err: err.message }, 'could not subscribe to credential revocations in Redis');
    });
    stops.push(async () => subscriber.disconnect());
  }

  if (database.kind === 'postgres') {
    // The connection now LISTENing, as a function that hands it back to the pool. pg-pool throws
    // when a client is released twice, and a socket error can arrive after close() released it (or
    // twice for one drop), in an event handler where a throw would crash the process: so each
    // connection is released once, by whichever of close() and its error handler comes first.
    let current: (() => void) | undefined;
    const listen = async () => {
      if (closed) return;
      let c: PoolClient;
      try {
        c = await database.pool!.connect();
      } catch (err) {
        if (closed) return;
        logger.warn({ err }, 'could not connect to LISTEN for credential revocations; retrying');
        setTimeout(listen, 1000).unref();
        return;
      }
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        if (current === release) current = undefined;
        c.release(true);
      };
      // Stays attached after release: an 'error' with no listener would be thrown.
      c.on('error', () => {
        const wasOurs = !released;
        release();
        if (closed || !wasOurs) return;
        logger.warn('credential revocation listener lost its connection; reconnecting');
        setTimeout(listen, 1000).unref();
      });
      if (closed) return release();
      current = release;
      c.on('notification', (msg) => {
        if (msg.channel === pgChannel && msg.payload) receive(msg.payload);
      });
      try {
        await c.query(`LISTEN ${pgChannel}`);
      } catch (err) {
        // A dropped connection has already scheduled the retry from its error handler.
        if (released || closed) return;
        logger.warn({ err }, 'could not LISTEN for credential revocations; retrying');
        release();
        setTimeout(listen, 1000).unref();
      }
    };
    void listen();
    stops.push(async () => current?.());
  }

  return {
    async publish(revocation) {
      local.emit(event, revocation);
      const message = JSON.stringify({ from: self, revocation } satisfies Envelope);
      const sends: Promise<unknown>[] = [];
      if (redis) sends.push(redis.publish(redisChannel, message));
      if (database.kind === 'postgres')
        sends.push(database.query('SELECT pg_notify($1, $2)', [pgChannel, message]));
      // Each transport is a best effort; the verified-key cache's short lifetime is the backstop.
      for (const result of await Promise.allSettled(sends)) {
        if (result.status === 'rejected') {
          logger.warn({ err: String(result.reason) }, 'could not announce a credential revocation');
        }
      }
    },
    subscribe(listener) {
      local.on(event, listener);
      return () => local.off(event, listener);
    },
    async close() {
      closed = true;
      local.removeAllListeners();
      for (const stop of stops) await stop();
    },
  };
}
