// The cache table (the key/value store without Redis) on the embedded database, which runs no
// autovacuum: expired entries are deleted, and their space must be used again by the entries that
// follow — the table holds a day of entries, not every entry it ever held.
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { keyValueStore } from '../../src/cache/key-value-store.ts';
import { openDatabase } from '../../src/db/client.ts';
import { runMigrations } from '../../src/db/migrate.ts';

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
    const store = keyValueStore({ database });
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
