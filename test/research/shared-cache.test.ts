// The research cache the application uses: shared through Redis when configured, else the database;
// entries expire after their TTL.
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { keyValueStore } from '../../src/cache/key-value-store.ts';
import { closeRedis, createRedis } from '../../src/cache/redis.ts';
import { openDatabase } from '../../src/db/client.ts';
import { runMigrations } from '../../src/db/migrate.ts';
import { sharedCache } from '../../src/research/cache.ts';
import { researchQuestions } from '../../src/research/web-research.ts';
import { redisUrl } from '../support/database.ts';

const database = await openDatabase({ dataDir: 'memory://' });
await runMigrations(database);
const redis = createRedis({
  url: redisUrl,
  logger: pino({ level: 'silent' }),
  keyPrefix: `test:${randomBytes(4).toString('hex')}:`,
});
afterAll(async () => {
  await closeRedis(redis);
  await database.close();
});

describe.each([
  ['database', () => keyValueStore({ database, config: { CACHE_MAX_MB: 1024 } })],
  ['redis', () => keyValueStore({ database, redis, config: { CACHE_MAX_MB: 1024 } })],
])('shared research cache (%s)', (_name, store) => {
  it('returns what was stored until it expires, and nothing for unknown keys', async () => {
    const a = sharedCache(store());
    const b = sharedCache(store()); // another process would see the same entries
    const page = { title: 'Heat pumps', text: 'x'.repeat(100), fetchedAt: '2026-11-23T10:00:00Z' };
    await a.set('research:page:https://example.com/a', page, 1);
    expect(await b.get('research:page:https://example.com/a')).toEqual(page);
    expect(await b.get('research:page:https://example.com/unknown')).toBeUndefined();
    await a.set('research:page:https://example.com/zero', page, 0);
    expect(await b.get('research:page:https://example.com/zero')).toBeUndefined();
    await new Promise((r) => setTimeout(r, 1100));
    expect(await b.get('research:page:https://example.com/a')).toBeUndefined();
  });
});

describe('the research cache on a Redis that is down', () => {
  it('costs the research nothing: every question searched and every page read, as without a cache', async () => {
    // REDIS_URL set, the server gone: the app's own client settings (no offline queue) fail each command.
    const down = createRedis({ url: 'redis://127.0.0.1:1', logger: pino({ level: 'silent' }) });
    const warnings: string[] = [];
    const logger = { warn: (_o: unknown, message: string) => warnings.push(message) };
    const cache = sharedCache(
      keyValueStore({ database, redis: down, config: { CACHE_MAX_MB: 1024 } }),
      logger,
    );
    const urls = ['https://a.test/heat-pumps', 'https://b.test/heat-pumps'];
    const text = `Heat pumps move heat instead of making it. ${'They cost less to run than resistive heaters. '.repeat(10)}`;
    try {
      const sources = await researchQuestions(
        ['how do heat pumps save money'],
        {
          providers: [
            {
              name: 'fake',
              search: async () => urls.map((url) => ({ title: url, url, snippet: '', provider: 'fake' })),
            },
          ],
          cache,
          fetchPage: async (url) => ({
            finalUrl: url,
            status: 200,
            contentType: 'text/plain',
            body: Buffer.from(`${url}: ${text}`),
            headers: {},
            redirects: [],
            fetchedAt: new Date(0),
          }),
        },
        { cacheTtlSeconds: 600 },
      );
      expect(sources.map((s) => s.url).sort()).toEqual(urls);
      expect(warnings).toContain('research cache read failed');
    } finally {
      await closeRedis(down);
    }
  });
});
