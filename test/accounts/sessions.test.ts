// Expired sessions are removed on a sign-in (at most once an hour per process): no request can use
// them, and without it the table kept one row per sign-in for ever. A user keeps at most 50 live
// sessions: the oldest is signed out (and its streams told) as a 51st starts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Revocation, RevocationBus } from '../../src/accounts/revocations.ts';
import { createSession, maxSessionsPerUser, resolveSession } from '../../src/accounts/sessions.ts';
import { sha256 } from '../../src/accounts/tokens.ts';
import { type Database, openDatabase } from '../../src/db/client.ts';
import { runMigrations } from '../../src/db/migrate.ts';
import { backends, createTestDatabase, type TestDatabase } from '../support/database.ts';

describe.each(backends)('expired sessions (%s)', (backend) => {
  let testDb: TestDatabase;
  let database: Database;
  let userId: string;
  let workspaceId: string;
  const published: Revocation[] = [];
  const revocations: RevocationBus = {
    publish: async (r) => {
      published.push(r);
    },
    subscribe: () => () => {},
    close: async () => {},
  };

  beforeAll(async () => {
    testDb = await createTestDatabase(backend);
    database = await openDatabase({ url: testDb.url, dataDir: testDb.dataDir });
    await runMigrations(database);
    userId = (
      await database.query<{ id: string }>(
        `INSERT INTO users (email, password_hash) VALUES ('a@example.com', 'x') RETURNING id`,
      )
    ).rows[0]!.id;
    workspaceId = (
      await database.query<{ id: string }>(`INSERT INTO workspaces (name) VALUES ('w') RETURNING id`)
    ).rows[0]!.id;
    await database.query(`INSERT INTO memberships (workspace_id, user_id, role) VALUES ($1, $2, 'owner')`, [
      workspaceId,
      userId,
    ]);
  });
  afterAll(async () => {
    await database.close();
    await testDb.drop();
  });

  const sessionIds = async () =>
    (await database.query<{ id: string }>('SELECT id FROM sessions ORDER BY id')).rows.map((r) => r.id);

  it('are removed when someone signs in; live ones are kept', async () => {
    await database.query(
      `INSERT INTO sessions (id, user_id, workspace_id, expires_at)
       SELECT 'expired-' || i, $1, $2, now() - interval '1 minute' * i FROM generate_series(1, 50) i`,
      [userId, workspaceId],
    );
    await database.query(
      `INSERT INTO sessions (id, user_id, workspace_id, expires_at) VALUES ('still-live', $1, $2, now() + interval '1 hour')`,
      [userId, workspaceId],
    );
    const { token } = await createSession(database, revocations, { userId, workspaceId, ttlHours: 1 });
    const left = await sessionIds();
    expect(left).toHaveLength(2);
    expect(left).toContain('still-live');
    expect(await resolveSession(database, token)).toMatchObject({ userId, workspaceId, role: 'owner' });

    // Not on every sign-in: the next hour's expiries wait for the next pass.
    await database.query(
      `INSERT INTO sessions (id, user_id, workspace_id, expires_at) VALUES ('expired-later', $1, $2, now() - interval '1 second')`,
      [userId, workspaceId],
    );
    await createSession(database, revocations, { userId, workspaceId, ttlHours: 1 });
    expect(await sessionIds()).toContain('expired-later');
  });

  it('are at most 50 live per user: the oldest is signed out as another starts, and its streams told', async () => {
    await database.query('DELETE FROM sessions');
    await database.query(
      `INSERT INTO sessions (id, user_id, workspace_id, expires_at)
       SELECT 'expired-' || i, $1, $2, now() - interval '1 minute' FROM generate_series(1, 5) i`,
      [userId, workspaceId],
    );
    const tokens: string[] = [];
    for (let i = 0; i < maxSessionsPerUser; i++)
      tokens.push((await createSession(database, revocations, { userId, workspaceId, ttlHours: 1 })).token);
    expect(published).toEqual([]);
    const newest = (await createSession(database, revocations, { userId, workspaceId, ttlHours: 1 })).token;
    expect(await resolveSession(database, tokens[0]!)).toBeNull();
    expect(await resolveSession(database, tokens[1]!)).not.toBeNull();
    expect(await resolveSession(database, newest)).not.toBeNull();
    expect(published).toEqual([{ kind: 'session', id: sha256(tokens[0]!) }]);
    const { rows } = await database.query<{ live: number; expired: number }>(
      `SELECT count(*) FILTER (WHERE expires_at > now())::int AS live,
         count(*) FILTER (WHERE expires_at <= now())::int AS expired FROM sessions`,
    );
    // Expired sessions are not counted (they go with the hourly removal).
    expect(rows[0]).toEqual({ live: maxSessionsPerUser, expired: 5 });
  });
});
