// Changing and removing members: the last two owners demoting or removing each other at the same
// moment leave one owner (each had checked there were two before either wrote, so both writes went
// through and the workspace was left with none — and nobody can grant the owner role but an owner);
// an admin's change lands only on the role it was allowed for, not on an owner made meanwhile.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthContext } from '../../src/accounts/context.ts';
import { changeMemberRole, removeMember } from '../../src/accounts/members.ts';
import type { RevocationBus } from '../../src/accounts/revocations.ts';
import { scopesForRole } from '../../src/accounts/roles.ts';
import { insertOwnerWithWorkspace } from '../../src/accounts/user-store.ts';
import type { Database } from '../../src/db/client.ts';
import { memberships } from '../../src/db/schema/index.ts';
import { AppError } from '../../src/errors.ts';
import { backends } from '../support/database.ts';
import { openMigratedDatabase } from '../support/migrated-database.ts';

const revocations: RevocationBus = {
  publish: async () => {},
  subscribe: () => () => {},
  close: async () => {},
};

describe.each(backends)('members (%s)', (backend) => {
  let db: Awaited<ReturnType<typeof openMigratedDatabase>>;
  beforeAll(async () => {
    db = await openMigratedDatabase(backend);
  }, 60_000);
  afterAll(async () => {
    await db?.close();
  });

  /** A workspace with two owners, each as a signed-in caller. */
  async function twoOwners(name: string): Promise<[AuthContext, AuthContext]> {
    const made = await Promise.all(
      ['a', 'b'].map(async (who) => {
        const created = await insertOwnerWithWorkspace(db.database, {
          email: `${name}-${who}@example.com`,
          name: null,
          passwordHash: 'x',
          workspaceName: name,
        });
        if (typeof created === 'string') throw new Error(created);
        return created;
      }),
    );
    const workspaceId = made[0]!.workspace.id;
    await db.database.db.insert(memberships).values({ workspaceId, userId: made[1]!.user.id, role: 'owner' });
    return made.map((m) => ({
      userId: m.user.id,
      workspaceId,
      role: 'owner' as const,
      via: 'session' as const,
      scopes: scopesForRole('owner'),
    })) as [AuthContext, AuthContext];
  }

  const owners = async (workspaceId: string) =>
    (
      await db.database.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM memberships WHERE workspace_id = $1 AND role = 'owner'`,
        [workspaceId],
      )
    ).rows[0]!.n;

  const outcome = (p: Promise<unknown>) =>
    p.then(
      () => 'done',
      (err: unknown) => (err instanceof AppError ? err.code : String(err)),
    );

  it('leaves one owner when the last two demote each other at once', async () => {
    const [a, b] = await twoOwners('demoting');
    const results = await Promise.all([
      outcome(changeMemberRole(db.database, revocations, a, b.userId, 'admin')),
      outcome(changeMemberRole(db.database, revocations, b, a.userId, 'admin')),
    ]);
    expect(results.sort()).toEqual(['conflict', 'done']);
    expect(await owners(a.workspaceId)).toBe(1);
  });

  it('leaves one owner when the last two remove each other, or themselves, at once', async () => {
    const [a, b] = await twoOwners('removing');
    const results = await Promise.all([
      outcome(removeMember(db.database, revocations, a, b.userId)),
      outcome(removeMember(db.database, revocations, b, a.userId)),
    ]);
    expect(results.sort()).toEqual(['conflict', 'done']);
    expect(await owners(a.workspaceId)).toBe(1);

    const [c, d] = await twoOwners('leaving');
    const left = await Promise.all([
      outcome(removeMember(db.database, revocations, c, c.userId)),
      outcome(changeMemberRole(db.database, revocations, d, d.userId, 'editor')),
    ]);
    expect(left.sort()).toEqual(['conflict', 'done']);
    expect(await owners(c.workspaceId)).toBe(1);
  });

  /** A user of its own workspace made a member of `workspaceId` with `role`, as a signed-in caller. */
  async function member(workspaceId: string, email: string, role: 'admin' | 'editor'): Promise<AuthContext> {
    const created = await insertOwnerWithWorkspace(db.database, {
      email,
      name: null,
      passwordHash: 'x',
      workspaceName: email,
    });
    if (typeof created === 'string') throw new Error(created);
    await db.database.db.insert(memberships).values({ workspaceId, userId: created.user.id, role });
    return { userId: created.user.id, workspaceId, role, via: 'session', scopes: scopesForRole(role) };
  }

  /** The database, with its transactions held until `gate` opens: the caller has read, not yet written. */
  const transactionsAfter = (gate: Promise<void>): Database => ({
    ...db.database,
    db: new Proxy(db.database.db, {
      get(target, prop, receiver) {
        if (prop !== 'transaction') return Reflect.get(target, prop, receiver);
        return async (...args: Parameters<typeof target.transaction>) => {
          await gate;
          return target.transaction(...args);
        };
      },
    }),
  });

  it('lets no admin demote or remove a member an owner made an owner after the admin looked', async () => {
    const [owner] = await twoOwners('promoting');
    const admin = await member(owner.workspaceId, `${backend}-promoting-admin@example.com`, 'admin');
    for (const act of ['demote', 'remove'] as const) {
      const target = await member(owner.workspaceId, `${backend}-promoting-${act}@example.com`, 'admin');
      let open = () => {};
      const gate = new Promise<void>((resolve) => {
        open = resolve;
      });
      // The admin reads the target's role (an admin: theirs to change), then the owner's promotion lands.
      const acting = outcome(
        act === 'demote'
          ? changeMemberRole(transactionsAfter(gate), revocations, admin, target.userId, 'editor')
          : removeMember(transactionsAfter(gate), revocations, admin, target.userId),
      );
      await changeMemberRole(db.database, revocations, owner, target.userId, 'owner');
      open();
      expect(await acting).toBe('conflict');
      const { rows } = await db.database.query<{ role: string }>(
        'SELECT role FROM memberships WHERE workspace_id = $1 AND user_id = $2',
        [owner.workspaceId, target.userId],
      );
      expect(rows).toEqual([{ role: 'owner' }]);
    }
  });

  it('still changes and removes owners while another one stays', async () => {
    const [a, b] = await twoOwners('plenty');
    await changeMemberRole(db.database, revocations, a, b.userId, 'editor');
    expect(await owners(a.workspaceId)).toBe(1);
    await removeMember(db.database, revocations, a, b.userId);
    await expect(removeMember(db.database, revocations, a, a.userId)).rejects.toMatchObject({
      code: 'conflict',
    });
  });
});
