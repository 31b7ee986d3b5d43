// The account stores' transactions: accepting an invitation as an existing member writes nothing
// (the invitation stays open), and the first owner is created only while no user exists.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acceptAndJoin,
  insertInvitation,
  maxOpenInvitations,
  openInvitation,
} from '../../src/accounts/invitation-store.ts';
import { insertOwnerWithWorkspace } from '../../src/accounts/user-store.ts';
import { type Database, openDatabase } from '../../src/db/client.ts';
import { runMigrations } from '../../src/db/migrate.ts';
import { backends, createTestDatabase, type TestDatabase } from '../support/database.ts';

describe.each(backends)('the invitation store (%s)', (backend) => {
  let database: Database;
  let testDb: TestDatabase;
  beforeAll(async () => {
    testDb = await createTestDatabase(backend);
    database = await openDatabase(testDb.url ? { url: testDb.url } : { dataDir: testDb.dataDir });
    await runMigrations(database);
  }, 60_000);
  afterAll(async () => {
    await database?.close();
    await testDb?.drop();
  });

  async function owner(email: string) {
    const created = await insertOwnerWithWorkspace(database, {
      email,
      name: null,
      passwordHash: 'x',
      workspaceName: `${email}'s`,
    });
    if (typeof created === 'string') throw new Error(created);
    return created;
  }

  // An invitation to the host's workspace, as acceptAndJoin takes it.
  async function invite(host: Awaited<ReturnType<typeof owner>>, email: string, role: 'editor' | 'viewer') {
    const invitation = await insertInvitation(database, {
      workspaceId: host.workspace.id,
      email,
      role,
      invitedBy: host.user.id,
      expiresAt: new Date(Date.now() + 3600_000),
    });
    if (invitation === 'full') throw new Error('the workspace has too many open invitations');
    return { id: invitation.id, workspaceId: host.workspace.id, role };
  }

  it('adds the member once; a second accept finds the invitation used', async () => {
    const host = await owner('host@example.com');
    const guest = await owner('guest@example.com');
    const ref = await invite(host, 'guest@example.com', 'editor');
    expect(await acceptAndJoin(database, ref, guest.user.id)).toBe('joined');
    expect(await openInvitation(database, ref.id)).toBeNull();
    expect(await acceptAndJoin(database, ref, guest.user.id)).toBe('already_used');
  });

  it('leaves the invitation open when the user is already a member', async () => {
    const host = await owner('host2@example.com');
    const ref = await invite(host, 'host2@example.com', 'viewer');
    expect(await acceptAndJoin(database, ref, host.user.id)).toBe('already_member');
    expect((await openInvitation(database, ref.id))?.id).toBe(ref.id);
  });

  it(`keeps at most ${maxOpenInvitations} invitations open, also when sent all at once; an expired one frees its place`, async () => {
    const host = await owner('host3@example.com');
    const send = (i: number) =>
      insertInvitation(database, {
        workspaceId: host.workspace.id,
        email: `guest${i}@example.com`,
        role: 'viewer',
        invitedBy: host.user.id,
        expiresAt: new Date(Date.now() + 3600_000),
      });
    const sent = await Promise.all(Array.from({ length: maxOpenInvitations + 10 }, (_, i) => send(i)));
    expect(sent.filter((s) => s === 'full')).toHaveLength(10);
    expect(await send(1000)).toBe('full');
    await database.query(`UPDATE invitations SET expires_at = now() - interval '1 second' WHERE id = $1`, [
      (sent.find((s) => s !== 'full') as { id: string }).id,
    ]);
    expect(await send(1001)).toMatchObject({ email: 'guest1001@example.com' });
    expect(await send(1002)).toBe('full');
  });

  it('creates the first owner only while no user exists', async () => {
    const again = await insertOwnerWithWorkspace(
      database,
      { email: 'late@example.com', name: null, passwordHash: 'x', workspaceName: 'w' },
      { onlyIfNoUsers: true },
    );
    expect(again).toBe('users_exist');
    const taken = await insertOwnerWithWorkspace(database, {
      email: 'host@example.com',
      name: null,
      passwordHash: 'x',
      workspaceName: 'w',
    });
    expect(taken).toBe('email_taken');
  });
});
