// Every statement on invitations. Tokens, address binding and who may invite are invitations.ts's.
import { and, desc, eq, gt, isNull, TransactionRollbackError } from 'drizzle-orm';
import { insertWithinCap } from '../db/capped-insert.ts';
import type { Database } from '../db/client.ts';
import { invitations, memberships, users, workspaces } from '../db/schema/index.ts';
import { mayGrant, type Role } from './roles.ts';

/** Open invitations a workspace may hold: they are listed whole. */
export const maxOpenInvitations = 100;

/** The new invitation, or `'full'` when the workspace already has `maxOpenInvitations` open. */
export async function insertInvitation(
  database: Database,
  row: typeof invitations.$inferInsert & { workspaceId: string },
) {
  return insertWithinCap(database, {
    kind: 'invitations',
    workspaceId: row.workspaceId,
    cap: maxOpenInvitations,
    count: (tx) => tx.$count(invitations, openIn(row.workspaceId)),
    insert: async (tx) => {
      const [inserted] = await tx.insert(invitations).values(row).returning({
        id: invitations.id,
        email: invitations.email,
        role: invitations.role,
        expiresAt: invitations.expiresAt,
      });
      return inserted!;
    },
  });
}

const openIn = (workspaceId: string) =>
  and(
    eq(invitations.workspaceId, workspaceId),
    isNull(invitations.acceptedAt),
    gt(invitations.expiresAt, new Date()),
  );

/**
 * A workspace's open invitations (neither accepted nor expired), newest first, with who sent each
 * (null once that account is deleted): an admin deciding whether to cancel one needs to know.
 */
export async function listOpenInvitations(database: Database, workspaceId: string) {
  const rows = await database.db
    .select({
      id: invitations.id,
      email: invitations.email,
      role: invitations.role,
      expiresAt: invitations.expiresAt,
      createdAt: invitations.createdAt,
      inviterId: users.id,
      inviterEmail: users.email,
      inviterName: users.name,
    })
    .from(invitations)
    .leftJoin(users, eq(users.id, invitations.invitedBy))
    .where(openIn(workspaceId))
    .orderBy(desc(invitations.createdAt));
  return rows.map(({ inviterId, inviterEmail, inviterName, ...invitation }) => ({
    ...invitation,
    invitedBy:
      inviterId && inviterEmail ? { id: inviterId, email: inviterEmail, name: inviterName ?? null } : null,
  }));
}

/** Deletes an open invitation of the workspace (its token stops working); false when there is none. */
export async function deleteOpenInvitation(database: Database, workspaceId: string, id: string) {
  const deleted = await database.db
    .delete(invitations)
    .where(
      and(eq(invitations.id, id), eq(invitations.workspaceId, workspaceId), isNull(invitations.acceptedAt)),
    )
    .returning({ id: invitations.id, email: invitations.email });
  return deleted[0] ?? null;
}

/** The invitation if it is neither accepted nor expired, with its workspace's name. */
export async function openInvitation(database: Database, id: string) {
  const [row] = await database.db
    .select({
      id: invitations.id,
      email: invitations.email,
      role: invitations.role,
      expiresAt: invitations.expiresAt,
      workspace: { id: workspaces.id, name: workspaces.name },
    })
    .from(invitations)
    .innerJoin(workspaces, eq(workspaces.id, invitations.workspaceId))
    .where(and(eq(invitations.id, id), isNull(invitations.acceptedAt), gt(invitations.expiresAt, new Date())))
    .limit(1);
  return row ?? null;
}

/**
 * Marks the invitation accepted by the user and adds the membership, in one transaction: exactly
 * one of concurrent accepts wins. Nothing is written unless the answer is `joined`.
 */
export async function acceptAndJoin(
  database: Database,
  invitation: { id: string; workspaceId: string; role: Role },
  userId: string,
): Promise<'joined' | 'already_used' | 'already_member' | 'inviter_cannot_grant'> {
  let refusedBecause: 'already_member' | 'inviter_cannot_grant' = 'already_member';
  return database.db
    .transaction(async (tx) => {
      const [claimed] = await tx
        .update(invitations)
        .set({ acceptedAt: new Date(), acceptedBy: userId })
        .where(and(eq(invitations.id, invitation.id), isNull(invitations.acceptedAt)))
        .returning({ id: invitations.id });
      if (!claimed) return 'already_used' as const;
      // The inviter's right to grant the role is judged now, not when they invited: an owner or
      // admin removed or demoted since could otherwise come back (or let someone in) through an
      // invitation they made while they could. Rolled back: the claim is undone.
      const [inviter] = await tx
        .select({ role: memberships.role })
        .from(memberships)
        .innerJoin(invitations, eq(invitations.invitedBy, memberships.userId))
        .where(and(eq(invitations.id, invitation.id), eq(memberships.workspaceId, invitation.workspaceId)));
      if (!inviter || !mayGrant(inviter.role as Role, invitation.role)) {
        refusedBecause = 'inviter_cannot_grant';
        tx.rollback();
      }
      const inserted = await tx
        .insert(memberships)
        .values({ workspaceId: invitation.workspaceId, userId, role: invitation.role })
        .onConflictDoNothing()
        .returning();
      // Undoes the claim: the invitation stays open for the address it was made for.
      if (inserted.length === 0) {
        refusedBecause = 'already_member';
        tx.rollback();
      }
      return 'joined' as const;
    })
    .catch((err: unknown) => {
      if (err instanceof TransactionRollbackError) return refusedBecause;
      throw err;
    });
}
