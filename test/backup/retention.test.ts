// What interrupted backups and restores leave (a Ctrl-C skips their clean-up) is removed by the next
// backup once an hour old: partial archives, which `--keep` never matched and which piled up under a
// nightly job, and work folders in the temporary directory. A running one's, and anything not named
// like Blogsmith's, stay.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { futureBackups, pruneBackups, removeAbandonedWork } from '../../src/backup/retention.ts';

const root = mkdtempSync(path.join(tmpdir(), 'blogsmith-retention-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('removeAbandonedWork', () => {
  it('removes partial archives and work folders an hour old, and nothing else', () => {
    const out = path.join(root, 'backups');
    const tmp = path.join(root, 'tmp');
    mkdirSync(out);
    mkdirSync(tmp);
    const twoHoursAgo = (Date.now() - 2 * 3600_000) / 1000;
    const make = (file: string, old: boolean, folder = false) => {
      if (folder) mkdirSync(file);
      else writeFileSync(file, 'x');
      if (old) utimesSync(file, twoHoursAgo, twoHoursAgo);
    };
    make(path.join(out, 'blogsmith-backup-20261201T010203004Z.tar.partial'), true);
    make(path.join(out, 'blogsmith-backup-20261207T010203004Z.tar.partial'), false);
    make(path.join(out, 'blogsmith-backup-20261201T010203004Z.tar'), true);
    make(path.join(out, 'someone-elses.tar.partial'), true);
    make(path.join(tmp, 'blogsmith-backup-abc123'), true, true);
    make(path.join(tmp, 'blogsmith-restore-def456'), true, true);
    make(path.join(tmp, 'blogsmith-backup-running'), false, true);
    make(path.join(tmp, 'other-tool-tmp'), true, true);

    expect(
      removeAbandonedWork(out, tmp)
        .map((p) => path.basename(p))
        .sort(),
    ).toEqual([
      'blogsmith-backup-20261201T010203004Z.tar.partial',
      'blogsmith-backup-abc123',
      'blogsmith-restore-def456',
    ]);
    expect(readdirSync(out).sort()).toEqual([
      'blogsmith-backup-20261201T010203004Z.tar',
      'blogsmith-backup-20261207T010203004Z.tar.partial',
      'someone-elses.tar.partial',
    ]);
    expect(readdirSync(tmp).sort()).toEqual(['blogsmith-backup-running', 'other-tool-tmp']);
  });
});

// `--keep N` kept the N highest names, the backup just written among the candidates: one named with a
// later time (taken while the clock was ahead) outranked it, and `--keep 1` deleted the new backup.
describe('pruneBackups', () => {
  const names = [
    'blogsmith-backup-20260101T000000000Z.tar',
    'blogsmith-backup-20260102T000000000Z.tar',
    'blogsmith-backup-20991231T000000000Z.tar',
    'blogsmith-backup-20260103T000000000Z.tar',
    'someone-elses.tar',
  ];
  const backups = () => {
    const dir = mkdtempSync(path.join(root, 'keep-'));
    for (const name of names) writeFileSync(path.join(dir, name), 'x');
    return dir;
  };
  const written = 'blogsmith-backup-20260103T000000000Z.tar';

  it('always keeps the backup just written, and counts it among the N', () => {
    const dir = backups();
    expect(pruneBackups(dir, 1, path.join(dir, written)).map((p) => path.basename(p))).toEqual([
      'blogsmith-backup-20991231T000000000Z.tar',
      'blogsmith-backup-20260102T000000000Z.tar',
      'blogsmith-backup-20260101T000000000Z.tar',
    ]);
    expect(readdirSync(dir).sort()).toEqual([written, 'someone-elses.tar']);
  });

  it('keeps the newest others up to N', () => {
    const dir = backups();
    pruneBackups(dir, 3, path.join(dir, written));
    expect(readdirSync(dir).sort()).toEqual([
      'blogsmith-backup-20260102T000000000Z.tar',
      written,
      'blogsmith-backup-20991231T000000000Z.tar',
      'someone-elses.tar',
    ]);
  });

  it('names the backups dated after the one just written', () => {
    const dir = backups();
    expect(futureBackups(dir, new Date('2026-01-03T00:00:00.000Z'))).toEqual([
      path.join(dir, 'blogsmith-backup-20991231T000000000Z.tar'),
    ]);
  });
});
