// PGlite is one process per data directory: a second opener would corrupt it or hang. The process
// that opens the embedded database holds DATA_DIR/blogsmith.pid (created atomically); others
// refuse at once with a message, and a file left by a dead process is taken over.
//
// Processes starting at the same moment: the file is empty between its creation and its write, so
// one that cannot be read yet is read again for a moment before it counts as left behind; and a file
// left behind is set aside under a name of the taker's own before it is removed, and removed only if
// it is still that file — two takers each removing "the stale file" could remove the other's fresh one.
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors.ts';
import { makeDirectory } from './make-directory.ts';

interface Holder {
  pid: number;
  url?: string;
  command: string;
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

export class DataDirBusyError extends AppError {
  constructor(dataDir: string, holder: Holder, command: string) {
    super(
      'conflict',
      `A Blogsmith ${holder.command} (pid ${holder.pid}${holder.url ? `, ${holder.url}` : ''}) is using ${dataDir}. ` +
        // A second server is most often a second `npm start`: the first one is the answer.
        (command === 'server'
          ? `${holder.url ? `Use it at ${holder.url}, or stop it` : 'Stop it'} before starting another server on this DATA_DIR.`
          : 'Stop it first, or while it runs use the HTTP API (e.g. POST /api/v1/api-keys) instead of this command.'),
    );
  }
}

/** The living process holding the data directory, from its lock file; undefined when none does. */
export function dataDirHolder(dataDir: string): Holder | undefined {
  try {
    const holder = JSON.parse(readFileSync(path.resolve(dataDir, 'blogsmith.pid'), 'utf8')) as Holder;
    return typeof holder.pid === 'number' && isAlive(holder.pid) ? holder : undefined;
  } catch {
    return undefined;
  }
}

export interface DataDirLock {
  /** Records the URL the server listens on, for the message other processes print. */
  setUrl(url: string): void;
  release(): void;
}

const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
const ownName = (file: string) => `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;

/** The file's text and its holder; the holder undefined when the text is not one (yet). */
function readLock(file: string): { text: string; holder?: Holder } | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const holder = JSON.parse(text) as Holder;
    return typeof holder?.pid === 'number' ? { text, holder } : { text };
  } catch {
    return { text };
  }
}

/** Removes the lock file if it still reads `seen`; another process's newer file is put back. */
function removeIfStill(file: string, seen: string) {
  const aside = ownName(file);
  try {
    renameSync(file, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  try {
    if (readFileSync(aside, 'utf8') !== seen) renameSync(aside, file);
  } finally {
    rmSync(aside, { force: true });
  }
}

export function lockDataDir(dataDir: string, command: string): DataDirLock {
  makeDirectory(dataDir);
  const file = path.resolve(dataDir, 'blogsmith.pid');
  const me: Holder = { pid: process.pid, command };
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      writeFileSync(file, JSON.stringify(me), { flag: 'wx' });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        rmSync(file, { force: true });
      };
      process.once('exit', release);
      return {
        setUrl(url) {
          me.url = url;
          // Replaced whole (a rename), so a reader never finds it empty.
          const next = ownName(file);
          writeFileSync(next, JSON.stringify(me));
          renameSync(next, file);
        },
        release,
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let found = readLock(file);
      // Just created by another process and not written yet (a busy machine may hold it between
      // the two): given up to half a second before it counts as a file left half written.
      for (let wait = 0; found && !found.holder && wait < 20; wait++) {
        pause(25);
        found = readLock(file);
      }
      if (!found) continue;
      const { holder } = found;
      if (holder && holder.pid !== process.pid && isAlive(holder.pid)) {
        throw new DataDirBusyError(path.resolve(dataDir), holder, command);
      }
      removeIfStill(file, found.text);
    }
  }
  throw new AppError('conflict', `Could not lock ${dataDir}`);
}
