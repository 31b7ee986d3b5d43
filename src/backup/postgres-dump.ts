// PostgreSQL backups through the standard tools: pg_dump in custom format, taken from the same
// exported snapshot the inventory is counted in (so counts and dump agree while the app keeps
// writing), and pg_restore. Passwords go through PGPASSWORD, never the command line (ps shows it).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Writable } from 'node:stream';
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

interface Exited {
  code: number | null;
  stderr: string;
  /** The tool could not be started (not installed). */
  error?: Error;
}

/** Never rejects (a rejection not awaited yet would end the process): a failed start is `error`. */
function start(
  command: string,
  args: string[],
  env: Record<string, string>,
  pipe: 'stdin' | 'stdout' | 'none',
) {
  const child = spawn(command, args, {
    env: { ...process.env, ...env },
    stdio: [pipe === 'stdin' ? 'pipe' : 'ignore', pipe === 'stdout' ? 'pipe' : 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += String(d);
  });
  const done = new Promise<Exited>((resolve) => {
    child.once('error', (err) =>
      resolve({
        code: null,
        stderr,
        error:
          (err as NodeJS.ErrnoException).code === 'ENOENT'
            ? new AppError(
                'validation_error',
                `${command} is not installed: install the PostgreSQL client tools (Debian: postgresql-client) matching your server's major version`,
              )
            : err,
      }),
    );
    child.once('close', (code) => resolve({ code, stderr: stderr.trim() }));
  });
  return { child, done };
}

/** The tool's failure as an error, or undefined when it exited 0. */
function failure(command: string, r: Exited): Error | undefined {
  if (r.error) return r.error;
  if (r.code !== 0) return new AppError('internal_error', `${command} failed (exit ${r.code}): ${r.stderr}`);
  return undefined;
}

async function run(command: string, args: string[], env: Record<string, string>): Promise<void> {
  const err = failure(command, await start(command, args, env, 'none').done);
  if (err) throw err;
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
 * Empties the schemas Blogsmith's data lives in (its tables, drizzle's migration log, pg-boss's queue)
 * at the start of the restore's transaction, so the dump lands in a database holding nothing else.
 * `pg_restore --clean` dropped only what the dump holds: whatever later migrations had added stayed,
 * and a backup from before them failed to restore on their constraints, or restored and then failed
 * to migrate ("relation … already exists"). public is made again as it was: its owner and grants.
 */
const emptySchemas = `
DO $empty$
DECLARE
  was record;
  grant_ record;
BEGIN
  SELECT nspowner::regrole::text AS owner, nspacl AS acl INTO was FROM pg_namespace WHERE nspname = 'public';
  DROP SCHEMA IF EXISTS pgboss, drizzle, public CASCADE;
  CREATE SCHEMA public;
  FOR grant_ IN SELECT * FROM aclexplode(was.acl) LOOP
    EXECUTE format('GRANT %s ON SCHEMA public TO %s%s', grant_.privilege_type,
      CASE WHEN grant_.grantee = 0 THEN 'PUBLIC' ELSE grant_.grantee::regrole::text END,
      CASE WHEN grant_.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
  END LOOP;
  IF was.owner IS NOT NULL AND was.owner <> current_user::regrole::text THEN
    EXECUTE format('ALTER SCHEMA public OWNER TO %s', was.owner);
  END IF;
END
$empty$;
`;

/**
 * Replaces the database at \`url\`'s data with a custom-format dump, in one transaction (a failed
 * restore leaves the database as it was): pg_restore writes the dump as SQL, and psql runs it after
 * emptySchemas and commits only once pg_restore has written all of it.
 */
export async function restorePostgres(url: string, file: string): Promise<void> {
  const c = connection(url);
  const psql = start(
    'psql',
    ['--no-psqlrc', '--quiet', '--set=ON_ERROR_STOP=1', `--dbname=${c.dbname}`],
    c.env,
    'stdin',
  );
  // --clean --if-exists: what else the dump holds (another schema of the database, taken with it) is
  // dropped before it is made again, or its CREATE failed the whole restore.
  const restore = start(
    'pg_restore',
    ['--no-owner', '--no-privileges', '--clean', '--if-exists', '--file=-', file],
    c.env,
    'stdout',
  );
  // A psql that stops early (a failing statement) no longer reads: pg_restore, blocked on a full
  // pipe, would wait for ever.
  // Its output, no longer read either, is let go: the child's close waits for it to end, which an
  // unread pipe never does (the restore then hung under load).
  psql.child.once('exit', () => {
    if (restore.child.exitCode === null) restore.child.kill();
    restore.child.stdout?.destroy();
  });
  const script = psql.child.stdin as Writable;
  // psql stops at the first failing statement, and the writes after it fail: its exit says why.
  script.on('error', () => {});
  script.write(`BEGIN;\n${emptySchemas}\n`);
  restore.child.stdout?.pipe(script, { end: false });
  const dumped = await restore.done;
  // A pg_restore that fails part-way must not see its part committed: psql is stopped, never told COMMIT.
  if (dumped.code === 0) script.end('COMMIT;\n');
  else {
    // Its input is closed too: psql's close waits for it.
    script.destroy();
    psql.child.kill();
  }
  const applied = await psql.done;
  // Stopped by us (no exit code), psql is not the cause; on its own, it is (pg_restore then only
  // failed to write to it).
  const err =
    (applied.code === null && !applied.error ? undefined : failure('psql', applied)) ??
    failure('pg_restore', dumped);
  if (err) throw err;
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
