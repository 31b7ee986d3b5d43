// Members of a workspace: who may grant, change and remove which role, and the one rule that a
// workspace keeps an owner. The statements are in member-store.ts.
import type { Database } from '../db/client.ts';
import { AppError, forbidden, notFound } from '../errors.ts';
import type { AuthContext } from './context.ts';
import { changeMembershipKeepingAnOwner, memberRole, workspacesOf } from './member-store.ts';
import type { RevocationBus } from './revocations.ts';
import { atLeast, mayGrant, type Role } from './roles.ts';
import { liveSessionMember } from './session-store.ts';

export { listMembers, membershipOf, workspacesOf } from './member-store.ts';

/** The workspace a user lands in: the first one they own, else the first they joined. */
export async function primaryWorkspaceOf(database: Database, userId: string) {
  const all = await workspacesOf(database, userId);
  return all.find((w) => w.role === 'owner') ?? all[0] ?? null;
}

export function assertMayGrant(ctx: AuthContext, role: Role) {
  if (mayGrant(ctx.role, role)) return;
  throw forbidden(
    atLeast(ctx.role, 'admin')
      ? 'Only an owner can grant the owner role'
      : 'Only admins and owners manage members',
  );
}

/** The outcome of a change that could not be made, as the error to answer. */
const refusal = {
  last_owner: () => new AppError('conflict', 'A workspace must keep at least one owner'),
  moved: () =>
    new AppError(
      'conflict',
      "The member's role was changed, or the member removed, by someone else meanwhile: look again",
    ),
};

async function applyChange(
  database: Database,
  ctx: AuthContext,
  change: Parameters<typeof changeMembershipKeepingAnOwner>[2],
) {
  const outcome = await changeMembershipKeepingAnOwner(database, ctx, change);
  if (outcome !== 'changed') throw refusal[outcome]();
}

async function existingMember(database: Database, ctx: AuthContext, userId: string) {
  const m = await memberRole(database, ctx, userId);
  if (!m) throw notFound('Member');
  return m;
}

export async function changeMemberRole(
  database: Database,
  revocations: RevocationBus,
  ctx: AuthContext,
  userId: string,
  role: Role,
) {
  const current = await existingMember(database, ctx, userId);
  assertMayGrant(ctx, role);
  if (current.role === 'owner' && ctx.role !== 'owner') throw forbidden('Only an owner can change an owner');
  await applyChange(database, ctx, { userId, from: current.role, role });
  await revocations.publish({ kind: 'member', userId, workspaceId: ctx.workspaceId });
  return { userId, role };
}

export async function removeMember(
  database: Database,
  revocations: RevocationBus,
  ctx: AuthContext,
  userId: string,
) {
  const current = await existingMember(database, ctx, userId);
  if (!atLeast(ctx.role, 'admin')) throw forbidden('Only admins and owners manage members');
  if (current.role === 'owner' && ctx.role !== 'owner') throw forbidden('Only an owner can remove an owner');
  await applyChange(database, ctx, { userId, from: current.role, role: null });
  await revocations.publish({ kind: 'member', userId, workspaceId: ctx.workspaceId });
}

/**
 * The caller leaves the workspace (any role; its last owner cannot). Their session there moves to
 * another workspace of theirs, the one they would land in at sign-in; with none left it ends. The
 * workspace the session is now in, or null when it ended.
 */
export async function leaveWorkspace(
  database: Database,
  revocations: RevocationBus,
  ctx: AuthContext & { sessionId: string },
) {
  const others = (await workspacesOf(database, ctx.userId)).filter((w) => w.id !== ctx.workspaceId);
  const next = others.find((w) => w.role === 'owner') ?? others[0] ?? null;
  const outcome = await changeMembershipKeepingAnOwner(database, ctx, {
    userId: ctx.userId,
    from: ctx.role,
    role: null,
    ...(next && { moveSession: { id: ctx.sessionId, to: next.id } }),
  });
  if (outcome === 'last_owner') {
    throw new AppError(
      'conflict',
      'You are the last owner of this workspace: make another member an owner before you leave',
    );
  }
  if (outcome !== 'changed') throw refusal[outcome]();
  await revocations.publish({ kind: 'member', userId: ctx.userId, workspaceId: ctx.workspaceId });
  // The session where it is now: not moved (and so ended) when they left `next` meanwhile too.
  const now = await liveSessionMember(database, ctx.sessionId);
  return next && now?.workspaceId === next.id ? next : null;
}
