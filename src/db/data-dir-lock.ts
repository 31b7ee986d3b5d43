// PGlite is one process per data directory: a second opener would corrupt it or hang. The process
// that opens the embedded database holds DATA_DIR/blogsmith.pid (created atomically); others
// refuse at once with a message, and a file left by a dead process is taken over.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors.ts';

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

export function lockDataDir(dataDir: string, command: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const file = path.resolve(dataDir, 'blogsmith.pid');
  const write = (holder: Holder, flag: 'wx' | 'w') => writeFileSync(file, JSON.stringify(holder), { flag });
  const me: Holder = { pid: process.pid, command };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      write(me, 'wx');
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
          write(me, 'w');
        },
        release,
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let holder: Holder | undefined;
      try {
        holder = JSON.parse(readFileSync(file, 'utf8')) as Holder;
      } catch {
        holder = undefined;
      }
      if (holder && holder.pid !== process.pid && isAlive(holder.pid)) {
        throw new DataDirBusyError(path.resolve(dataDir), holder, command);
      }
      rmSync(file, { force: true });
    }
  }
  throw new AppError('conflict', `Could not lock ${dataDir}`);
}
