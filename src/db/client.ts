import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import { makeDirectory } from './make-directory.ts';
import { statementNames } from './pg-statement-names.ts';
import { pgliteStatements } from './pglite-statements.ts';
import * as schema from './schema/index.ts';
import { isStalePreparedStatement } from './stale-statement.ts';
import { installStringArrayParser } from './string-arrays.ts';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** What `db.transaction` hands its callback. */
export type Transaction = Parameters<Parameters<Db['transaction']>[0]>[0];

export interface QueryResult<Row> {
  rows: Row[];
}

export interface Database {
  kind: 'pglite' | 'postgres';
  db: Db;
  /** A single parameterised statement ($1, $2 ...), prepared once and then only bound and executed. */
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<QueryResult<Row>>;
  /**
   * A single parameterised statement planned for its values on every call. A prepared statement
   * runs, after five calls, on one generic plan for all values when that plan looks no dearer; for
   * full-text search that plan guesses "few matches" and builds the whole index bitmap even for
   * words most passages contain (250–330 ms instead of 55 ms at 200k chunks, bench/RESULTS.md
   * "Full-text search on the library's own configurations").
   */
  queryPlannedPerCall<Row = Record<string, unknown>>(
    text: string,
    params: unknown[],
  ): Promise<QueryResult<Row>>;
  /** Drizzle whose statements are planned for their values on every call (as queryPlannedPerCall). */
  dbPlannedPerCall: Db;
  /** Several statements, no parameters (DDL, scripts). */
  exec(text: string): Promise<void>;
  /** Set once migrations ran: whether the pgvector extension is installed. */
  vectorAvailable: boolean;
  /** The underlying client, for adapters that need it (pg-boss, LISTEN/NOTIFY). */
  pglite?: PGlite;
  pool?: pg.Pool;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres:// URL; when absent the embedded database is used. */
  url?: string;
  /** Directory for the embedded database; `memory://` keeps it in memory (tests). */
  dataDir?: string;
  poolSize?: number;
  /**
   * Which Blogsmith process this is (`server`, `worker`, `CLI (generate)`), as PostgreSQL's
   * application_name `blogsmith <name>`: a restore looks for these to refuse while one is connected.
   */
  processName?: string;
  /** PostgreSQL's shared_buffers for the embedded database, e.g. `32MB`. */
  embeddedCache?: string;
}

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  return opts.url
    ? openPostgres(opts.url, opts.poolSize ?? 10, opts.processName)
    : openPglite(opts.dataDir ?? './data', opts.embeddedCache ?? '32MB');
}

/** Where the embedded database keeps its files inside DATA_DIR. */
export const pgliteDirectory = (dataDir: string) => path.resolve(dataDir, 'pg');

async function openPglite(dataDir: string, sharedBuffers: string): Promise<Database> {
  let location = 'memory://';
  if (dataDir !== 'memory://') {
    location = pgliteDirectory(dataDir);
    makeDirectory(location);
  }
  const client = await PGlite.create(location, {
    extensions: { vector },
    // PGlite's own defaults, plus the cache size: PostgreSQL's default 128MB of shared buffers is
    // initialised (so resident) at open, the largest single part of an idle embedded server.
    startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${sharedBuffers}`],
  });
  const statements = pgliteStatements(client);
  // Drizzle's statements are prepared too; its transactions (and everything else) go to the client.
  const drizzleClient = new Proxy(client, {
    get(target, key) {
      if (key === 'query') return statements.query;
      const value = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const db = drizzlePglite({ client: drizzleClient, schema }) as unknown as Db;
  return {
    kind: 'pglite',
    db,
    // PGlite's own query sends each statement unnamed.
    dbPlannedPerCall: drizzlePglite({ client, schema }) as unknown as Db,
    pglite: client,
    vectorAvailable: false,
    async query<Row>(text: string, params: unknown[] = []) {
      const r = await statements.query<Row>(text, params);
      return { rows: r.rows };
    },
    async queryPlannedPerCall<Row>(text: string, params: unknown[]) {
      // PGlite's own query sends the statement unnamed: parsed and planned for these values.
      return { rows: (await client.query<Row>(text, params)).rows };
    },
    async exec(text: string) {
      await client.exec(text);
    },
    async close() {
      if (!client.closed) await client.close();
    },
  };
}

/** The application_name of Blogsmith's own connections: `blogsmith <process>`. */
export const blogsmithApplicationName = (processName: string) => `blogsmith ${processName}`.slice(0, 63);

async function openPostgres(url: string, poolSize: number, processName?: string): Promise<Database> {
  installStringArrayParser();
  // A name the operator put in DATABASE_URL stays theirs.
  const named = processName !== undefined && !/[?&]application_name=/.test(url);
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: 5000,
    ...(named ? { application_name: blogsmithApplicationName(processName) } : {}),
  });
  // An idle client losing its server must not crash the process; queries report the error.
  pool.on('error', () => {});
  const db = drizzlePg({ client: pool, schema }) as unknown as Db;
  const names = statementNames();
  return {
    kind: 'postgres',
    db,
    // Drizzle's statements are sent unnamed here (only the raw `query` names them).
    dbPlannedPerCall: db,
    pool,
    vectorAvailable: false,
    async query<Row>(text: string, params: unknown[] = []) {
      const name = names.of(text, params);
      if (name) {
        try {
          return { rows: (await pool.query({ name, text, values: params })).rows as Row[] };
        } catch (err) {
          if (!isStalePreparedStatement(err)) throw err;
          names.drop(text);
        }
      }
      return { rows: (await pool.query(text, params)).rows as Row[] };
    },
    async queryPlannedPerCall<Row>(text: string, params: unknown[]) {
      return { rows: (await pool.query(text, params)).rows as Row[] };
    },
    async exec(text: string) {
      await pool.query(text);
    },
    async close() {
      await pool.end();
    },
  };
}
