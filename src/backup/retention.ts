// `--keep N`: the N newest backups of the directory stay, older ones go. Only files named like
// Blogsmith's backups are ever considered, so a shared directory is safe.
import { readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

const backupFile = /^blogsmith-backup-\d{8}T\d{9}Z\.tar$/;

export const backupFileName = (at: Date) => `blogsmith-backup-${at.toISOString().replace(/[-:.]/g, '')}.tar`;

export function pruneBackups(dir: string, keep: number): string[] {
  const names = readdirSync(dir)
    .filter((n) => backupFile.test(n))
    .sort()
    .reverse();
  const removed = names.slice(keep).map((n) => path.join(dir, n));
  for (const file of removed) rmSync(file, { force: true });
  return removed;
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
