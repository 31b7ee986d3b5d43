// DATA_DIR holds the embedded database (password hashes, encrypted provider keys, WAL) and the
// generated secret key: only the account that runs Blogsmith may read it. New files are private
// through the process umask (set at the entry point); trees written by older versions or other
// tools are repaired at start.
import { chmodSync, lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { makeDirectory } from '../db/make-directory.ts';

export const privateUmask = 0o077;
const dirMode = 0o700;
const fileMode = 0o600;

/** Makes files this process creates private to its user. Call once, at process start. */
export function restrictProcessUmask(): void {
  process.umask(privateUmask);
}

/** Creates `dataDir` if needed and closes it to everyone else (0700), contents untouched. */
export function closeDataDir(dataDir: string): void {
  makeDirectory(dataDir, dirMode);
  chmodSync(dataDir, dirMode);
}

/**
 * Creates `dataDir` (0700) if needed and removes group/other permissions from it and everything
 * below (directories 0700, files 0600; symbolic links are not followed). Returns how many entries
 * were changed.
 */
export function secureDataDir(dataDir: string): number {
  makeDirectory(dataDir, dirMode);
  let fixed = 0;
  const walk = (entry: string) => {
    const stat = lstatSync(entry);
    if (stat.isSymbolicLink()) return;
    const isDir = stat.isDirectory();
    const want = isDir ? dirMode : fileMode;
    if ((stat.mode & 0o777) !== want) {
      chmodSync(entry, want);
      fixed++;
    }
    if (isDir) for (const name of readdirSync(entry)) walk(path.join(entry, name));
  };
  walk(path.resolve(dataDir));
  return fixed;
}
