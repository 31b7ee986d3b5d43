// A private PostgreSQL for tests that stop and start the database under a running server. Never
// the machine's shared instance: its own data directory (initdb into a temp dir) on a free port,
// run as the `postgres` OS user (PostgreSQL refuses to run as root, and CI runs as root).
import { execFile } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './processes.ts';

const run = promisify(execFile);
const bin = process.env.TEST_POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin';

export interface OwnPostgres {
  url: string;
  port: number;
  start(): Promise<void>;
  /** Fast shutdown: open connections are terminated (57P01), as in a real outage or restart. */
  stop(): Promise<void>;
  destroy(): Promise<void>;
}

async function asPostgres(command: string, args: string[]) {
  const args2 = process.getuid?.() === 0 ? ['-u', 'postgres', '--', path.join(bin, command), ...args] : args;
  const file = process.getuid?.() === 0 ? 'runuser' : path.join(bin, command);
  return run(file, args2, { timeout: 60_000 });
}

export async function startOwnPostgres(): Promise<OwnPostgres> {
  const dir = mkdtempSync(path.join(tmpdir(), 'blogsmith-pg-'));
  const data = path.join(dir, 'data');
  if (process.getuid?.() === 0) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  await asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const pg: OwnPostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async start() {
      await asPostgres('pg_ctl', ['-D', data, '-o', options, '-l', path.join(dir, 'log'), '-w', 'start']);
    },
    async stop() {
      await asPostgres('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
    },
    async destroy() {
      await pg.stop().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await pg.start();
  return pg;
}
