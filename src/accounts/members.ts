import { and, asc, eq, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { memberships, users, workspaces } from '../db/schema/index.ts';
import { AppError, forbidden, notFound } from '../errors.ts';
import type { AuthContext } from './context.ts';
import type { RevocationBus } from './revocations.ts';
import { atLeast, type Role } from './roles.ts';
import { inWorkspace } from './scope.ts';

export async function membershipOf(database: Database, userId: string, workspaceId: string) {
  const [m] = await database.db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.userId, userId), eq(memberships.workspaceId, workspaceId)))
    .limit(1);
  return m ?? null;
}

export async function workspacesOf(database: Database, userId: string) {
  return database.db
    .select({ id: workspaces.id, name: workspaces.name, role: memberships.role })
    .from(memberships)
    .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(memberships.createdAt));
}

/** The workspace a user lands in: the first one they own, else the first they joined. */
export async function primaryWorkspaceOf(database: Database, userId: string) {
  const all = await workspacesOf(database, userId);
  return all.find((w) => w.role === 'owner') ?? all[0] ?? null;
}

export async function listMembers(database: Database, ctx: AuthContext) {
  return database.db
    .select({
      userId: users.id,
      email: users.email,
      name: users.name,
      role: memberships.role,
      joinedAt: memberships.createdAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(inWorkspace(ctx, memberships))
    .orderBy(asc(memberships.createdAt));
}

export function assertMayGrant(ctx: AuthContext, role: Role) {
  if (!atLeast(ctx.role, 'admin')) throw forbidden('Only admins and owners manage members');
  if (role === 'owner' && ctx.role !== 'owner') throw forbidden('Only an owner can grant the owner role');
}

async function ownerCount(database: Database, workspaceId: string) {
  const [row] = await database.db
    .select({ n: sql<number>`count(*)::int` })
    .from(memberships)
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.role, 'owner')));
  return row?.n ?? 0;
}

async function existingMember(database: Database, ctx: AuthContext, userId: string) {
  const [m] = await database.db
    .select({ role: memberships.role })
    .from(memberships)
    .where(inWorkspace(ctx, memberships, eq(memberships.userId, userId)))
    .limit(1);
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
  if (current.role === 'owner' && role !== 'owner' && (await ownerCount(database, ctx.workspaceId)) <= 1) {
    throw new AppError('conflict', 'A workspace must keep at least one owner');
  }
  await database.db
    .update(memberships)
    .set({ role })
    .where(inWorkspace(ctx, memberships, eq(memberships.userId, userId)));
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
  if (current.role === 'owner' && (await ownerCount(database, ctx.workspaceId)) <= 1) {
    throw new AppError('conflict', 'A workspace must keep at least one owner');
  }
  await database.db.delete(memberships).where(inWorkspace(ctx, memberships, eq(memberships.userId, userId)));
  await revocations.publish({ kind: 'member', userId, workspaceId: ctx.workspaceId });
}
