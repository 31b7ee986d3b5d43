// Creating the data directory (and what goes in it) one level at a time. Node's recursive mkdir
// loops for ever on a path under a filesystem that answers ENOENT to every mkdir (DATA_DIR=/proc/x:
// the process spun at 100 % CPU, silent); made level by level, the first refusal is the error.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

export function makeDirectory(dir: string, mode?: number): void {
  const missing: string[] = [];
  for (let at = path.resolve(dir); !existsSync(at); at = path.dirname(at)) {
    missing.unshift(at);
    if (path.dirname(at) === at) break;
  }
  for (const level of missing) {
    try {
      mkdirSync(level, mode === undefined ? undefined : { mode });
    } catch (err) {
      // Made meanwhile by another process: what was wanted.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST')
        throw new Error(`The folder ${dir} cannot be created: ${(err as Error).message}`, { cause: err });
    }
  }
}
