// The PostgreSQL LISTEN connection of the revocation bus hands its pool client back exactly once,
// whichever comes first — the bus closing, the connection dropping, or the pool ending — and none of
// these orders throws where nobody can catch it (an event handler), which would crash the process.
import pg from 'pg';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRevocationBus, type RevocationBus } from '../../src/accounts/revocations.ts';
import { type Database, openDatabase } from '../../src/db/client.ts';
import { adminUrl, createTestDatabase, type TestDatabase } from '../support/database.ts';

const logger = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Ends every backend of the test database that is LISTENing, as a server restart or an admin would. */
async function terminateListeners(testDb: TestDatabase) {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND query LIKE 'LISTEN%'`,
      [new URL(testDb.url!).pathname.slice(1)],
    );
    for (const { pid } of rows) await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    return rows.length;
  } finally {
    await admin.end();
  }
}

async function listening(database: Database) {
  for (let i = 0; i < 200; i++) {
    const { rows } = await database.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'`,
    );
    if (rows[0]!.n > 0) return;
    await sleep(25);
  }
  throw new Error('the bus never LISTENed');
}

describe('revocation listener on PostgreSQL', () => {
  let testDb: TestDatabase;
  let database: Database;
  const uncaught: unknown[] = [];
  const onUncaught = (err: unknown) => uncaught.push(err);

  beforeEach(async () => {
    uncaught.length = 0;
    process.on('uncaughtException', onUncaught);
    testDb = await createTestDatabase('postgres');
    database = await openDatabase({ url: testDb.url! });
  });
  afterEach(async () => {
    process.off('uncaughtException', onUncaught);
    await database.close().catch(() => {});
    await testDb.drop();
  });

  /** Lets pending socket events and timers run, then reports what escaped. */
  async function escaped() {
    await sleep(300);
    return uncaught.map(String);
  }

  it('closes after the connection dropped', async () => {
    const bus = createRevocationBus({ database, logger });
    await listening(database);
    expect(await terminateListeners(testDb)).toBe(1);
    await sleep(200);
    await bus.close();
    await database.close();
    expect(await escaped()).toEqual([]);
  });

  it('reconnects after the connection dropped and still hears revocations', async () => {
    const bus: RevocationBus = createRevocationBus({ database, logger });
    const other = createRevocationBus({ database, logger });
    await listening(database);
    await terminateListeners(testDb);
    const heard: unknown[] = [];
    bus.subscribe((r) => heard.push(r));
    await listening(database);
    for (let i = 0; i < 100 && heard.length === 0; i++) {
      await other.publish({ kind: 'api_key', id: 'k' });
      await sleep(50);
    }
    expect(heard.length).toBeGreaterThan(0);
    await other.close();
    await bus.close();
    expect(await escaped()).toEqual([]);
  }, 30_000);

  it('survives the connection dropping after close', async () => {
    const bus = createRevocationBus({ database, logger });
    await listening(database);
    await bus.close();
    await terminateListeners(testDb);
    await database.close();
    expect(await escaped()).toEqual([]);
  });

  it('survives the pool ending before the bus closes, and the database being dropped', async () => {
    const bus = createRevocationBus({ database, logger });
    await listening(database);
    const ended = database.close();
    await terminateListeners(testDb);
    await sleep(100);
    await bus.close();
    await ended;
    expect(await escaped()).toEqual([]);
  });

  it('closes before its connection is even made, and leaves no connection behind', async () => {
    const bus = createRevocationBus({ database, logger });
    await bus.close();
    await sleep(300);
    const pool = database.pool!;
    expect(pool.totalCount - pool.idleCount).toBe(0);
    await database.close();
    expect(await escaped()).toEqual([]);
  });

  /** The LISTEN connections the pool hands out from now on (those the bus hears notifications on). */
  function listeners() {
    const clients: pg.PoolClient[] = [];
    database.pool!.on('acquire', (c) => clients.push(c));
    return () => [...new Set(clients.filter((c) => c.listenerCount('notification') > 0))];
  }

  it('takes a socket error arriving after close (the server going away mid-goodbye)', async () => {
    const listenerClients = listeners();
    const bus = createRevocationBus({ database, logger });
    await listening(database);
    await bus.close();
    // pg emits a socket error even while the client is ending.
    expect(listenerClients()).toHaveLength(1);
    for (const c of listenerClients()) c.emit('error', new Error('read ECONNRESET'));
    await database.close();
    expect(await escaped()).toEqual([]);
  });

  it('takes two errors from one dropped connection, and reconnects once', async () => {
    const listenerClients = listeners();
    const bus = createRevocationBus({ database, logger });
    await listening(database);
    const [listener] = listenerClients();
    listener!.emit('error', new Error('terminating connection due to administrator command'));
    listener!.emit('error', new Error('Connection terminated unexpectedly'));
    await sleep(1500);
    await listening(database);
    expect(listenerClients()).toHaveLength(2);
    await bus.close();
    expect(await escaped()).toEqual([]);
  });

  it('closes twice', async () => {
    const bus = createRevocationBus({ database, logger });
    await listening(database);
    await bus.close();
    await bus.close();
    expect(await escaped()).toEqual([]);
  });
});
