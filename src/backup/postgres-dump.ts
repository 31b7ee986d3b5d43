// PostgreSQL backups through the standard tools: pg_dump in custom format, taken from the same
// exported snapshot the inventory is counted in (so counts and dump agree while the app keeps
// writing), and pg_restore. Passwords go through PGPASSWORD, never the command line (ps shows it).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { AppError } from '../errors.ts';
import { type Inventory, takeInventory } from './inventory-store.ts';

interface Connection {
  /** The URL without its password. */
  dbname: string;
  env: Record<string, string>;
}

function connection(url: string): Connection {
  const u = new URL(url);
  const env: Record<string, string> = {};
  if (u.password) env.PGPASSWORD = decodeURIComponent(u.password);
  u.password = '';
  return { dbname: u.toString(), env };
}

function run(command: string, args: string[], env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += String(d);
    });
    child.once('error', (err) =>
      reject(
        (err as NodeJS.ErrnoException).code === 'ENOENT'
          ? new AppError(
              'validation_error',
              `${command} is not installed: install the PostgreSQL client tools (Debian: postgresql-client) matching your server's major version`,
            )
          : err,
      ),
    );
    child.once('exit', (code) => {
      if (code === 0) resolve();
      else reject(new AppError('internal_error', `${command} failed (exit ${code}): ${stderr.trim()}`));
    });
  });
}

export async function serverVersion(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // SHOW names its column server_version: reading `v` from it recorded "" in every manifest.
    const r = await client.query<{ v: string }>(`SELECT current_setting('server_version') AS v`);
    return r.rows[0]?.v ?? '';
  } finally {
    await client.end();
  }
}

/** Dumps the database to `file` (custom format) and returns the inventory of the same snapshot. */
export async function dumpPostgres(url: string, file: string): Promise<Inventory> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const snapshot = (await client.query<{ id: string }>('SELECT pg_export_snapshot() AS id')).rows[0]?.id;
    if (!snapshot) throw new Error('could not export a snapshot');
    const inventory = await takeInventory(async (text) => (await client.query(text)).rows);
    const c = connection(url);
    await run(
      'pg_dump',
      ['--format=custom', `--snapshot=${snapshot}`, `--file=${file}`, `--dbname=${c.dbname}`],
      c.env,
    );
    await client.query('COMMIT');
    return inventory;
  } finally {
    await client.end();
  }
}

/**
 * Blogsmith processes connected to the database at `url` (by their application_name, see
 * src/db/client.ts), as "blogsmith server ×2"-style names; empty when none is. A restore replaces
 * the data under them: their runs, caches and leases would go on against rows that are gone.
 */
export async function blogsmithConnections(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string; n: number }>(
      `SELECT application_name AS name, count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name LIKE 'blogsmith %'
        GROUP BY application_name ORDER BY application_name`,
    );
    return rows.map((r) => (r.n > 1 ? `${r.name} ×${r.n}` : r.name));
  } finally {
    await client.end();
  }
}

/**
 * Restores a custom-format dump into the database at `url`, replacing the objects it contains,
 * in one transaction (a failed restore leaves the database as it was).
 */
export async function restorePostgres(url: string, file: string): Promise<void> {
  const c = connection(url);
  await run(
    'pg_restore',
    [
      '--clean',
      '--if-exists',
      '--no-owner',
      '--no-privileges',
      '--single-transaction',
      '--exit-on-error',
      `--dbname=${c.dbname}`,
      file,
    ],
    c.env,
  );
}

export async function inventoryOf(url: string): Promise<Inventory> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await takeInventory(async (text) => (await client.query(text)).rows);
  } finally {
    await client.end();
  }
}

/**
 * A throw-away database on the server of `url` (or of `serverUrl`), for `backup verify`; the
 * connecting role needs CREATEDB. Dropped by the returned function whatever happened.
 */
export async function scratchDatabase(url: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `blogsmith_verify_${randomBytes(6).toString('hex')}`;
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const exec = async (sql: string) => {
    const client = new pg.Client({ connectionString: admin.toString() });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await exec(`CREATE DATABASE ${name}`);
  const scratch = new URL(url);
  scratch.pathname = `/${name}`;
  return { url: scratch.toString(), drop: () => exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
