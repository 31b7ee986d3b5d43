// Browser sessions: an opaque random token in an httpOnly cookie; the table keeps its sha256.
import { and, eq, gt } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { memberships, sessions } from '../db/schema/index.ts';
import type { RevocationBus } from './revocations.ts';
import { randomToken, sha256 } from './tokens.ts';

export async function createSession(
  database: Database,
  input: { userId: string; workspaceId: string; ttlHours: number; ip?: string; userAgent?: string },
) {
  const token = randomToken(32);
  const expiresAt = new Date(Date.now() + input.ttlHours * 3600_000);
  await database.db.insert(sessions).values({
    id: sha256(token),
    userId: input.userId,
    workspaceId: input.workspaceId,
    expiresAt,
    ip: input.ip ?? null,
    userAgent: input.userAgent?.slice(0, 300) ?? null,
  });
  return { token, expiresAt };
}

/** The session's user and current workspace with the member's role there, or null. */
export async function resolveSession(database: Database, token: string) {
  const [row] = await database.db
    .select({
      id: sessions.id,
      userId: sessions.userId,
      workspaceId: sessions.workspaceId,
      role: memberships.role,
    })
    .from(sessions)
    .innerJoin(
      memberships,
      and(eq(memberships.workspaceId, sessions.workspaceId), eq(memberships.userId, sessions.userId)),
    )
    .where(and(eq(sessions.id, sha256(token)), gt(sessions.expiresAt, new Date())))
    .limit(1);
  return row ?? null;
}

export async function switchSessionWorkspace(database: Database, token: string, workspaceId: string) {
  await database.db
    .update(sessions)
    .set({ workspaceId })
    .where(eq(sessions.id, sha256(token)));
}

/** Ends the session; sockets and streams it holds open are closed through the revocation. */
export async function deleteSession(database: Database, revocations: RevocationBus, token: string) {
  const id = sha256(token);
  await database.db.delete(sessions).where(eq(sessions.id, id));
  await revocations.publish({ kind: 'session', id });
}
