// The embedded database's page cache is the operator's to size (EMBEDDED_DB_CACHE): it is resident
// from the moment the database opens, so its default is small (bench/RESULTS.md, issue 13).
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { openDatabase } from '../../src/db/client.ts';

describe('embedded database cache', () => {
  it('opens with the configured shared_buffers', async () => {
    const db = await openDatabase({ dataDir: 'memory://', embeddedCache: '16MB' });
    try {
      const { rows } = await db.query<{ shared_buffers: string }>('SHOW shared_buffers');
      expect(rows[0]?.shared_buffers).toBe('16MB');
    } finally {
      await db.close();
    }
  });

  it('defaults to 32MB and refuses sizes PostgreSQL would not read', () => {
    expect(loadConfig({}).EMBEDDED_DB_CACHE).toBe('32MB');
    expect(loadConfig({ EMBEDDED_DB_CACHE: '1GB' }).EMBEDDED_DB_CACHE).toBe('1GB');
    for (const bad of ['32', '32 MB', '0MB', '-1MB', '32mb', "32MB' -c fsync=off"])
      expect(() => loadConfig({ EMBEDDED_DB_CACHE: bad }), bad).toThrow(/EMBEDDED_DB_CACHE/);
  });
});
