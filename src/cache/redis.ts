// Optional Redis connection (REDIS_URL). Everything that uses it must keep working when Redis
// is down: commands fail fast instead of queueing, and connection errors are logged, never thrown.
import { Redis } from 'ioredis';
import type { Logger } from 'pino';

export type { Redis };

export interface RedisOptions {
  url: string;
  logger: Logger;
  /** Prefix for every key written by this process (tests use one per run). */
  keyPrefix?: string;
}

// Reconnect with growing delays up to 5 s, forever: Redis coming back must heal the process.
const retryStrategy = (attempt: number) => Math.min(attempt * 200, 5000);

export function createRedis(opts: RedisOptions): Redis {
  const redis = new Redis(opts.url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    commandTimeout: 1000,
    retryStrategy,
    ...(opts.keyPrefix ? { keyPrefix: opts.keyPrefix } : {}),
  });
  let lastError = '';
  redis.on('error', (err: Error) => {
    // One line per distinct failure, not one per reconnect attempt.
    if (err.message === lastError) return;
    lastError = err.message;
    opts.logger.warn({ err: err.message }, 'redis connection error');
  });
  redis.on('ready', () => {
    if (lastError) opts.logger.info('redis connection restored');
    lastError = '';
  });
  // The first connect may fail (Redis starting later); the retry strategy keeps trying.
  redis.connect().catch(() => {});
  return redis;
}

/** Closes without waiting for a server that may be gone. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'ready') {
    await redis.quit().catch(() => redis.disconnect());
  } else {
    redis.disconnect();
  }
}
