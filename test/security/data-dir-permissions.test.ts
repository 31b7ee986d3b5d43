// DATA_DIR (embedded database with password hashes, WAL, generated secret key) is private to the
// user running Blogsmith: 0700 folders, 0600 files, including trees left by older versions.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServerProcess } from '../support/processes.ts';

const root = mkdtempSync(path.join(tmpdir(), 'blogsmith-perm-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function openEntries(dir: string): string[] {
  const found: string[] = [];
  const walk = (p: string) => {
    const s = statSync(p);
    if ((s.mode & 0o077) !== 0) found.push(`${(s.mode & 0o777).toString(8)} ${path.relative(dir, p)}`);
    if (s.isDirectory()) for (const name of readdirSync(p)) walk(path.join(p, name));
  };
  walk(dir);
  return found;
}

describe('DATA_DIR permissions', () => {
  it('serve closes DATA_DIR, repairs an existing world-readable tree and logs how many it fixed', async () => {
    const dataDir = path.join(root, 'data');
    // A tree as older versions left it: open folders, world-readable and -writable files.
    mkdirSync(path.join(dataDir, 'exports'), { recursive: true });
    writeFileSync(path.join(dataDir, 'exports', 'old.md'), 'draft');
    writeFileSync(path.join(dataDir, 'secret.key'), 'k'.repeat(43));
    chmodSync(path.join(dataDir, 'exports', 'old.md'), 0o666);
    chmodSync(path.join(dataDir, 'secret.key'), 0o644);
    chmodSync(path.join(dataDir, 'exports'), 0o755);
    chmodSync(dataDir, 0o755);

    const server = await startServerProcess({ DATA_DIR: dataDir, LOG_LEVEL: 'info', SECRET_KEY: '' });
    try {
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);
      const line = server
        .output()
        .split('\n')
        .find((l) => l.includes('DATA_DIR permissions'));
      expect(line).toBeDefined();
      const fixed = Number(JSON.parse(line!).fixed);
      // At least the four entries above, plus whatever the database created.
      expect(fixed).toBeGreaterThanOrEqual(4);
      // While running, nobody else can even enter the folder (whatever mode a new WAL file gets).
      expect(statSync(path.join(dataDir, 'pg')).mode & 0o777).toBe(0o700);
      expect(statSync(path.join(dataDir, 'secret.key')).mode & 0o777).toBe(0o600);
      const health = await fetch(`${server.base}/health`);
      expect(health.status).toBe(200);
    } finally {
      await server.stop();
    }
    // Files the database wrote while running are private too.
    expect(openEntries(dataDir)).toEqual([]);
    expect(statSync(path.join(dataDir, 'pg')).mode & 0o777).toBe(0o700);
  }, 120_000);
});
