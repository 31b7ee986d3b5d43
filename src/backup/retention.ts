// `--keep N`: the N newest backups of the directory stay, older ones go. Only files named like
// Blogsmith's backups are ever considered, so a shared directory is safe.
import { readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

const backupFile = /^blogsmith-backup-\d{8}T\d{9}Z\.tar$/;

export const backupFileName = (at: Date) => `blogsmith-backup-${at.toISOString().replace(/[-:.]/g, '')}.tar`;

/**
 * Removes all but `keep` backups: `written`, the one just made, and the newest others by the time in
 * their names. The one just made always stays: a backup named with a later time (taken while the
 * clock was ahead) sorted before it, and `--keep 1` deleted the backup it had just written.
 */
export function pruneBackups(dir: string, keep: number, written: string): string[] {
  const others = readdirSync(dir)
    .filter((n) => backupFile.test(n) && n !== path.basename(written))
    .sort()
    .reverse();
  const removed = others.slice(Math.max(keep - 1, 0)).map((n) => path.join(dir, n));
  for (const file of removed) rmSync(file, { force: true });
  return removed;
}

/** Backups in `dir` named with a time after `now`: a clock that was ahead, and `--keep` counts them as newest. */
export function futureBackups(dir: string, now: Date): string[] {
  const newest = backupFileName(now);
  return readdirSync(dir)
    .filter((n) => backupFile.test(n) && n > newest)
    .sort()
    .map((n) => path.join(dir, n));
}

const partialFile = /^blogsmith-backup-\d{8}T\d{9}Z\.tar\.partial$/;
const workFolder = /^blogsmith-(backup|restore)-/;
// Older than this, a partial archive or a work folder is an interrupted run's, not a running one's.
const abandonedAfterMs = 60 * 60_000;

/**
 * What interrupted backups and restores left (a Ctrl-C or a kill skips their own clean-up): partial
 * archives in `outDir` and work folders in `tmp`, each an hour old at least. The paths removed.
 */
export function removeAbandonedWork(outDir: string, tmp: string, now = Date.now()): string[] {
  const removed: string[] = [];
  for (const [dir, pattern] of [
    [outDir, partialFile],
    [tmp, workFolder],
  ] as const) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names.filter((n) => pattern.test(n))) {
      const full = path.join(dir, name);
      try {
        if (now - statSync(full).mtimeMs < abandonedAfterMs) continue;
        rmSync(full, { recursive: true, force: true });
        removed.push(full);
      } catch {
        // Gone already, or another user's: not ours to clean.
      }
    }
  }
  return removed;
}
