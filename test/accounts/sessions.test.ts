// Expired sessions are removed on a sign-in (at most once an hour per process): no request can use
// them, and without it the table kept one row per sign-in for ever.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, resolveSession } from '../../src/accounts/sessions.ts';
import { type Database, openDatabase } from '../../src/db/client.ts';
import { runMigrations } from '../../src/db/migrate.ts';
import { backends, createTestDatabase, type TestDatabase } from '../support/database.ts';

describe.each(backends)('expired sessions (%s)', (backend) => {
  let testDb: TestDatabase;
  let database: Database;
  let userId: string;
  let workspaceId: string;

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
    const { token } = await createSession(database, { userId, workspaceId, ttlHours: 1 });
    const left = await sessionIds();
    expect(left).toHaveLength(2);
    expect(left).toContain('still-live');
    expect(await resolveSession(database, token)).toMatchObject({ userId, workspaceId, role: 'owner' });

    // Not on every sign-in: the next hour's expiries wait for the next pass.
    await database.query(
      `INSERT INTO sessions (id, user_id, workspace_id, expires_at) VALUES ('expired-later', $1, $2, now() - interval '1 second')`,
      [userId, workspaceId],
    );
    await createSession(database, { userId, workspaceId, ttlHours: 1 });
    expect(await sessionIds()).toContain('expired-later');
  });
});
