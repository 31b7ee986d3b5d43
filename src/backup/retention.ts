// `--keep N`: the N newest backups of the directory stay, older ones go. Only files named like
// Blogsmith's backups are ever considered, so a shared directory is safe.
import { readdirSync, rmSync } from 'node:fs';
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
