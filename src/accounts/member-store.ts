// Every statement on memberships: who belongs to which workspace, with which role (and, on removal,
// the end of the member's keys and sessions there). Reads of a workspace's members go through
// `inWorkspace` (scope.ts).
import { and, asc, eq, exists, isNull, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { afterInOldestFirst, createdMicrosOf, oldestFirst, type PagePosition } from '../db/keyset.ts';
import { apiKeys, memberships, sessions, users, workspaces } from '../db/schema/index.ts';
import type { Role } from './roles.ts';
import { inWorkspace } from './scope.ts';

type Scope = { workspaceId: string };

export async function membershipOf(database: Database, userId: string, workspaceId: string) {
  const [m] = await database.db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.userId, userId), eq(memberships.workspaceId, workspaceId)))
    .limit(1);
  return m ?? null;
}

/** The user's workspaces with their role, oldest membership first. */
export async function workspacesOf(database: Database, userId: string) {
  return database.db
    .select({ id: workspaces.id, name: workspaces.name, role: memberships.role })
    .from(memberships)
    .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(memberships.createdAt));
}

// A membership has no id of its own: the member's user id breaks ties in the keyset order.
const membershipKeyset = { createdAt: memberships.createdAt, id: memberships.userId };

/** A page of the workspace's members, longest-standing first (the first owner leads). */
export async function listMembers(
  database: Database,
  scope: Scope,
  page: { limit: number; after?: PagePosition | undefined },
) {
  return database.db
    .select({
      userId: users.id,
      email: users.email,
      name: users.name,
      role: memberships.role,
      joinedAt: memberships.createdAt,
      createdMicros: createdMicrosOf(membershipKeyset),
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(inWorkspace(scope, memberships, page.after && afterInOldestFirst(membershipKeyset, page.after)))
    .orderBy(...oldestFirst(membershipKeyset))
    .limit(page.limit);
}

/** The member's role in the scope's workspace, or null when the user is not a member there. */
export async function memberRole(database: Database, scope: Scope, userId: string) {
  const [m] = await database.db
    .select({ role: memberships.role })
    .from(memberships)
    .where(inWorkspace(scope, memberships, eq(memberships.userId, userId)))
    .limit(1);
  return m ?? null;
}

/**
 * Gives the member `role`, or with null removes them, unless that would leave the workspace without
 * an owner. The owners' rows stay locked from the count to the write: two owners demoting each
 * other at once each saw two owners and both wrote, leaving none (and only an owner grants the role).
 * Written only while the member still has the role `from` the caller's permission was judged on
 * ('moved' otherwise): an admin's demotion of an admin must not land on one just made an owner.
 */
export async function changeMembershipKeepingAnOwner(
  database: Database,
  scope: Scope,
  change: {
    userId: string;
    from: Role;
    role: Role | null;
    /** On removal, this session of the member's moves to another workspace of theirs instead of ending. */
    moveSession?: { id: string; to: string };
  },
): Promise<'changed' | 'last_owner' | 'moved'> {
  const { userId, from, role, moveSession } = change;
  return database.db.transaction(async (tx) => {
    // In one order, so two of these never wait for each other's rows.
    const owners = await tx
      .select({ userId: memberships.userId })
      .from(memberships)
      .where(inWorkspace(scope, memberships, eq(memberships.role, 'owner')))
      .orderBy(asc(memberships.userId))
      .for('update');
    const leavesNone = owners.length === 1 && owners[0]!.userId === userId && role !== 'owner';
    if (leavesNone) return 'last_owner';
    const member = inWorkspace(
      scope,
      memberships,
      and(eq(memberships.userId, userId), eq(memberships.role, from)),
    );
    const written =
      role === null
        ? await tx.delete(memberships).where(member).returning({ userId: memberships.userId })
        : await tx.update(memberships).set({ role }).where(member).returning({ userId: memberships.userId });
    if (written.length === 0) return 'moved';
    if (role === null) {
      // Their keys and sessions in the workspace end with the membership: only unusable while they
      // were out, they came back to life if the address was invited again.
      await tx
        .update(apiKeys)
        .set({ revokedAt: sql`now()` })
        .where(inWorkspace(scope, apiKeys, eq(apiKeys.userId, userId), isNull(apiKeys.revokedAt)));
      if (moveSession) {
        // Only into a workspace still theirs: one they were removed from meanwhile would hold a
        // session that came back to life if they were invited there again.
        const stillMember = tx
          .select({ userId: memberships.userId })
          .from(memberships)
          .where(and(eq(memberships.userId, userId), eq(memberships.workspaceId, moveSession.to)));
        await tx
          .update(sessions)
          .set({ workspaceId: moveSession.to })
          .where(
            inWorkspace(
              scope,
              sessions,
              eq(sessions.id, moveSession.id),
              eq(sessions.userId, userId),
              exists(stillMember),
            ),
          );
      }
      await tx.delete(sessions).where(inWorkspace(scope, sessions, eq(sessions.userId, userId)));
    }
    return 'changed';
  });
}

/** The first owner of the oldest workspace (the local token acts as them), or null on a fresh install. */
export async function firstOwner(database: Database) {
  const { rows } = await database.query<{ user_id: string; workspace_id: string }>(
    `SELECT m.user_id, m.workspace_id FROM memberships m JOIN workspaces w ON w.id = m.workspace_id
     WHERE m.role = 'owner' ORDER BY w.created_at, m.created_at LIMIT 1`,
  );
  const owner = rows[0];
  return owner ? { userId: owner.user_id, workspaceId: owner.workspace_id } : null;
}
