// Free and total space of the filesystem holding DATA_DIR (the embedded database, uploads' temp
// files, generated secret key, local backups), for the disk alert. Read on each scrape.
import { statfsSync } from 'node:fs';
import { Gauge } from 'prom-client';
import { metricsRegistry } from './metrics.ts';

let watched: string | undefined;

const read = (field: 'free' | 'size') => () => {
  if (!watched) return undefined;
  try {
    const s = statfsSync(watched);
    return (field === 'free' ? s.bavail : s.blocks) * s.bsize;
  } catch {
    return undefined;
  }
};

for (const [name, help, value] of [
  ['data_dir_free_bytes', 'Bytes available to Blogsmith on the filesystem of DATA_DIR', read('free')],
  ['data_dir_size_bytes', 'Size in bytes of the filesystem of DATA_DIR', read('size')],
] as const) {
  new Gauge({
    name,
    help,
    registers: [metricsRegistry],
    collect() {
      const v = value();
      if (v !== undefined) this.set(v);
    },
  });
}

/** Starts reporting the filesystem of `dataDir` (called once the directory exists). */
export function watchDataDirDisk(dataDir: string) {
  if (dataDir !== 'memory://') watched = dataDir;
}
