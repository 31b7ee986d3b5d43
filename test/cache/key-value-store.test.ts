// The cache table (the key/value store without Redis) on the embedded database, which runs no
// autovacuum: expired entries are deleted, and their space must be used again by the entries that
// follow — the table holds a day of entries, not every entry it ever held.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { keyValueStore } from '../../src/cache/key-value-store.ts';
import { type Database, openDatabase } from '../../src/db/client.ts';
import { runMigrations } from '../../src/db/migrate.ts';
import { backends, createTestDatabase, type TestDatabase } from '../support/database.ts';

const database = await openDatabase({ dataDir: 'memory://' });
await runMigrations(database);
afterAll(() => database.close());

const tableBytes = async () =>
  Number(
    (await database.query<{ bytes: string }>(`SELECT pg_total_relation_size('llm_cache') AS bytes`)).rows[0]!
      .bytes,
  );

describe('cache table on the embedded database', () => {
  afterAll(() => vi.useRealTimers());

  it('uses the space of pruned entries again instead of growing by every entry it held', async () => {
    // Two minutes between rounds: each round's write prunes (at most once a minute) the entries of
    // the round before, which have expired (their TTL is one minute).
    vi.useFakeTimers({ toFake: ['Date'] });
    const store = keyValueStore({ database, config: { CACHE_MAX_MB: 1024 } });
    const sizes: number[] = [];
    for (let round = 0; round < 8; round++) {
      vi.setSystemTime(Date.UTC(2026, 11, 4) + round * 120_000);
      // Incompressible values: small ones in the table's pages, large ones stored out of line.
      const entries: Array<[string, unknown]> = Array.from({ length: 200 }, (_, i) => [
        `answer:${round}:${i}`,
        { text: randomBytes(i % 4 === 0 ? 3000 : 400).toString('hex') },
      ]);
      await store.setMany(entries, 60);
      sizes.push(await tableBytes());
    }
    const live = await database.query<{ n: number }>('SELECT count(*)::int AS n FROM llm_cache');
    expect(live.rows[0]!.n).toBe(200);
    // The table holds one round of entries and the space of the round before, which the next round
    // fills again (a VACUUM may cut a free tail, so sizes alternate). Without a VACUUM after the
    // prune it grew by a round (~0.6 MB) every round: 4.6 MB by the last, against 1.2 MB here.
    expect(Math.max(...sizes.slice(3))).toBeLessThanOrEqual(Math.max(...sizes.slice(0, 3)) * 1.25);
  });
});

// Without Redis the cache is a table on the server's disk, and what fills it is members' to choose
// (pages of the URLs in their briefs, embeddings of every passage they upload): it holds at most
// CACHE_MAX_MB, the entries that expire soonest deleted first, and the count the triggers keep is
// what the table holds — after inserts, replacements and deletions alike.
describe.each(backends)('cache bound (%s)', (backend) => {
  let created: TestDatabase;
  let db: Database;
  const maxBytes = 50_000;
  beforeAll(async () => {
    created = await createTestDatabase(backend);
    db = await openDatabase({ url: created.url, dataDir: created.dataDir });
    await runMigrations(db);
  });
  afterAll(async () => {
    await db.close();
    await created.drop();
  });

  const counted = async () => {
    const { rows } = await db.query<{ counted: string; stored: string; n: number }>(
      `SELECT (SELECT bytes FROM llm_cache_size)::text AS counted,
         (SELECT coalesce(sum(bytes), 0) FROM llm_cache)::text AS stored, (SELECT count(*)::int FROM llm_cache) AS n`,
    );
    return { counted: Number(rows[0]!.counted), stored: Number(rows[0]!.stored), entries: rows[0]!.n };
  };
  const value = (chars: number) => ({ text: 'p'.repeat(chars) });

  it('counts what it holds, replacements included', async () => {
    const store = keyValueStore({ database: db, config: { CACHE_MAX_MB: maxBytes / 1024 / 1024 } });
    await store.setMany([['page:a', value(1000)]], 60);
    const one = Buffer.byteLength(JSON.stringify(value(1000))) + 'page:a'.length;
    expect(await counted()).toEqual({ counted: one, stored: one, entries: 1 });
    await store.setMany([['page:a', value(3000)]], 60);
    const replaced = Buffer.byteLength(JSON.stringify(value(3000))) + 'page:a'.length;
    expect(await counted()).toEqual({ counted: replaced, stored: replaced, entries: 1 });
    // The same key twice in one write: the last value is kept (one statement writes them all).
    await store.setMany(
      [
        ['page:a', value(10)],
        ['page:b', value(10)],
        ['page:a', value(20)],
      ],
      60,
    );
    expect(await store.getMany(['page:a', 'page:b'])).toEqual([value(20), value(10)]);
    const both =
      Buffer.byteLength(JSON.stringify(value(20))) + Buffer.byteLength(JSON.stringify(value(10))) + 12;
    expect(await counted()).toEqual({ counted: both, stored: both, entries: 2 });
    await db.query(`DELETE FROM llm_cache WHERE key LIKE 'page:%'`);
    expect(await counted()).toEqual({ counted: 0, stored: 0, entries: 0 });
  });

  it('deletes the entries that expire soonest once it holds more than its bound', async () => {
    const store = keyValueStore({ database: db, config: { CACHE_MAX_MB: maxBytes / 1024 / 1024 } });
    // 100 entries of ~2 kB, each to live a second longer than the one before: 200 kB written.
    for (let i = 0; i < 100; i++) await store.setMany([[`page:${i}`, value(2000)]], 600 + i);
    const after = await counted();
    expect(after.counted).toBe(after.stored);
    expect(after.counted).toBeLessThanOrEqual(maxBytes);
    expect(after.entries).toBeGreaterThanOrEqual(20);
    const [kept] = await store.getMany(['page:99']);
    expect(kept).toEqual(value(2000));
    expect(await store.getMany(['page:0', 'page:50'])).toEqual([null, null]);
  });
});
