// `blogsmith backup` on the embedded database, with the file system's calls recorded: the archive is
// synced to disk before it is renamed into place, and the folder after, before --keep removes old
// backups (a crash used to be able to leave the new backup empty or unnamed and the old ones gone).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createBackup } from '../../src/backup/create-backup.ts';

const calls = vi.hoisted(() => [] as string[]);
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const opened = new Map<number, string>();
  return {
    ...fs,
    openSync: (...args: Parameters<typeof fs.openSync>) => {
      const fd = fs.openSync(...args);
      opened.set(fd, String(args[0]));
      return fd;
    },
    fsyncSync: (fd: number) => {
      calls.push(`fsync ${opened.get(fd)}`);
      fs.fsyncSync(fd);
    },
    renameSync: (from: string, to: string) => {
      calls.push(`rename ${from} -> ${to}`);
      fs.renameSync(from, to);
    },
    rmSync: (target: string, options?: Parameters<typeof fs.rmSync>[1]) => {
      calls.push(`rm ${target}`);
      fs.rmSync(target, options);
    },
  };
});

const root = mkdtempSync(path.join(tmpdir(), 'blogsmith-create-backup-'));
const pgDir = path.join(root, 'pg');
afterAll(() => rmSync(root, { recursive: true, force: true }));

// The inventory needs only public.articles: a database as small as a backup can be.
beforeAll(async () => {
  const db = await PGlite.create({ dataDir: pgDir });
  await db.exec(
    `CREATE TABLE articles (id int PRIMARY KEY, title text); INSERT INTO articles VALUES (1, 'a')`,
  );
  await db.close();
}, 120_000);

describe('createBackup', () => {
  it('syncs the archive, renames it, syncs the folder, and only then prunes', async () => {
    const out = path.join(root, 'out');
    mkdirSync(out);
    const old = path.join(out, 'blogsmith-backup-20200101T000000000Z.tar');
    writeFileSync(old, 'an old backup');
    calls.length = 0;

    const created = await createBackup({ pgliteDir: pgDir, outDir: out, keep: 1, appVersion: 'test' });

    expect(created.pruned).toEqual([old]);
    expect(calls.filter((c) => c.includes(out))).toEqual([
      `fsync ${created.file}.partial`,
      `rename ${created.file}.partial -> ${created.file}`,
      `fsync ${out}`,
      `rm ${old}`,
    ]);
  }, 120_000);

  // SHOW server_version's column is server_version: the manifest recorded "" for every backup.
  it('records the server version in the manifest', async () => {
    const created = await createBackup({
      pgliteDir: pgDir,
      outDir: path.join(root, 'out2'),
      appVersion: 'test',
    });
    expect(created.manifest.database.serverVersion).toMatch(/^\d+\.\d+/);
  }, 120_000);
});
