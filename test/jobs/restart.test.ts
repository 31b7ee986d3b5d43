// A job outlives the process that held it: killed mid-job on PostgreSQL, or stopped right after
// enqueueing on the embedded database; the next process finishes it, and its effect happens once.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.ts';
import { createTestDatabase } from '../support/database.ts';

const root = path.resolve(import.meta.dirname, '../..');
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

function worker(env: Record<string, string>) {
  const child = spawn(process.execPath, ['test/jobs/fixtures/worker.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  children.push(child);
  let out = '';
  child.stdout.on('data', (d) => {
    out += String(d);
  });
  child.stderr.on('data', (d) => {
    out += String(d);
  });
  const waitFor = (pattern: RegExp, timeoutMs = 30_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const timer = setInterval(() => {
        const m = out.match(pattern);
        if (m) {
          clearInterval(timer);
          resolve(m);
        }
      }, 50);
      setTimeout(() => {
        clearInterval(timer);
        reject(new Error(`no ${pattern} in: ${out}`));
      }, timeoutMs);
    });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, waitFor, exited };
}

type Query = <Row>(sql: string, params: unknown[]) => Promise<{ rows: Row[] }>;

/** Reads until `settled` holds (every 100 ms, up to `tries` times); the last read either way. */
async function readUntil<T>(read: () => Promise<T>, settled: (value: T) => boolean, tries: number) {
  let value = await read();
  for (let i = 1; i < tries && !settled(value); i++) {
    await new Promise((r) => setTimeout(r, 100));
    value = await read();
  }
  return value;
}

/** How many times the job's effect ran, once it has run (0 if it never did within 30 s). */
async function effectRuns(query: Query, id: string) {
  const read = () =>
    query<{ runs: number }>('SELECT runs FROM job_effects WHERE job_id = $1', [id]).catch(() => ({
      rows: [],
    }));
  const { rows } = await readUntil(read, (r) => r.rows.length > 0, 300);
  return rows[0]?.runs ?? 0;
}

/** The job's row once it has left 'active' (or as it is after 10 s). */
async function settledJob(query: Query, id: string) {
  const read = async () =>
    (
      await query<{ state: string; retry_count: number }>(
        'SELECT state, retry_count FROM pgboss.job WHERE id = $1',
        [id],
      )
    ).rows[0];
  return readUntil(read, (row) => row !== undefined && row.state !== 'active', 100);
}

describe('jobs survive their process', () => {
  it('finishes, exactly once, a job whose worker was killed mid-job (PostgreSQL)', async () => {
    const db = await createTestDatabase('postgres');
    try {
      const a = worker({ MODE: 'enqueue-and-hang', DATABASE_URL: db.url! });
      const [, id] = await a.waitFor(/started (\S+)/);
      a.child.kill('SIGKILL');
      await a.exited;
      const b = worker({ MODE: 'work', DATABASE_URL: db.url! });
      const database = await openDatabase({ url: db.url });
      try {
        expect(await effectRuns(database.query, id!)).toBe(1);
        // The handler's effect commits before pg-boss marks the job completed (its own statement,
        // after the handler returns): wait for the job to leave 'active', then check it ran once.
        const job = await settledJob(database.query, id!);
        expect(job?.state).toBe('completed');
        expect(job?.retry_count).toBeGreaterThanOrEqual(1);
        expect(await effectRuns(database.query, id!)).toBe(1);
      } finally {
        await database.close();
        b.child.kill('SIGTERM');
        await b.exited;
      }
    } finally {
      await db.drop();
    }
  }, 60_000);

  it('runs a job enqueued by a process that has since stopped (embedded database)', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'blogsmith-jobs-'));
    try {
      const a = worker({ MODE: 'enqueue-and-exit', DATA_DIR: dataDir });
      const [, id] = await a.waitFor(/enqueued (\S+)/);
      expect(await a.exited).toBe(0);
      const b = worker({ MODE: 'work', DATA_DIR: dataDir });
      // The embedded database is one process at a time: the worker itself says when the job ran.
      const [, done] = await b.waitFor(/done (\S+)/);
      expect(done).toBe(id);
      b.child.kill('SIGTERM');
      expect(await b.exited).toBe(0);
      const database = await openDatabase({ dataDir });
      try {
        expect(await effectRuns(database.query, id!)).toBe(1);
      } finally {
        await database.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
