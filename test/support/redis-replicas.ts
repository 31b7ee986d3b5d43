// Two replicas sharing one Redis: each its own connection, one key prefix (a test file's). Every
// key the tests write expires by itself. Connected before the file's tests, closed after.
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { closeRedis, createRedis } from '../../src/cache/redis.ts';
import { redisUrl } from './database.ts';

export function redisReplicas(name: string) {
  const logger = pino({ level: 'silent' });
  const keyPrefix = `test:${name}:${randomBytes(4).toString('hex')}:`;
  const redisA = createRedis({ url: redisUrl, logger, keyPrefix });
  const redisB = createRedis({ url: redisUrl, logger, keyPrefix });
  beforeAll(() => Promise.all([redisA, redisB].map((r) => new Promise((ready) => r.once('ready', ready)))));
  afterAll(async () => {
    await closeRedis(redisA);
    await closeRedis(redisB);
  });
  return { redisA, redisB, logger };
}
