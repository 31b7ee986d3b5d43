// Every statement on browser sessions. A session row is keyed by the sha256 of its token; the token
// itself is never stored (sessions.ts makes and hashes it).
import { and, desc, eq, gt, lt, ne, notInArray } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { reclaimDeletedSpace } from '../db/embedded-autovacuum.ts';
import { memberships, sessions, workspaces } from '../db/schema/index.ts';

type SessionRow = typeof sessions.$inferInsert;

export async function insertSession(database: Database, row: SessionRow) {
  await database.db.insert(sessions).values(row);
}

/**
 * Inserts the session only while the user's password hash is still the one the sign-in verified;
 * false otherwise. A sign-in that checked the old password just before a change must not start a
 * session after the change has signed everyone out.
 */
export async function insertSessionWhilePassword(database: Database, row: SessionRow, passwordHash: string) {
  const { rows } = await database.query<{ id: string }>(
    // The user's row is locked FOR SHARE: a change of the hash waits for this insert and its
    // sign-out then sees the session, or this waits for the change and finds the hash moved. A
    // bare EXISTS read a snapshot the change could commit under, and the session outlived it.
    `INSERT INTO sessions (id, user_id, workspace_id, expires_at, ip, user_agent)
     SELECT $1, $2, $3, $4, $5, $6 FROM users WHERE id = $2 AND password_hash = $7 FOR SHARE
     RETURNING id`,
    [
      row.id,
      row.userId,
      row.workspaceId,
      row.expiresAt.toISOString(),
      row.ip ?? null,
      row.userAgent ?? null,
      passwordHash,
    ],
  );
  return rows.length > 0;
}

/** Deletes every session of the user in any workspace, but `keep` when given; the ids deleted. */
export async function deleteUserSessions(database: Database, userId: string, keep?: string) {
  const gone = await database.db
    .delete(sessions)
    .where(and(eq(sessions.userId, userId), keep ? ne(sessions.id, keep) : undefined))
    .returning({ id: sessions.id });
  return gone.map((s) => s.id);
}

/** The unexpired session with the member's role in its current workspace, or null. */
export async function liveSessionMember(database: Database, id: string) {
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
    .where(and(eq(sessions.id, id), gt(sessions.expiresAt, new Date())))
    .limit(1);
  return row ?? null;
}

export async function setSessionWorkspace(database: Database, id: string, workspaceId: string) {
  await database.db.update(sessions).set({ workspaceId }).where(eq(sessions.id, id));
}

/** Deletes the user's unexpired sessions but the `keep` newest; the ids deleted. */
export async function deleteSessionsBeyond(database: Database, userId: string, keep: number) {
  const live = and(eq(sessions.userId, userId), gt(sessions.expiresAt, new Date()));
  const newest = database.db
    .select({ id: sessions.id })
    .from(sessions)
    .where(live)
    .orderBy(desc(sessions.createdAt), desc(sessions.id))
    .limit(keep);
  const gone = await database.db
    .delete(sessions)
    .where(and(live, notInArray(sessions.id, newest)))
    .returning({ id: sessions.id });
  return gone.map((s) => s.id);
}

/** The user's unexpired sessions, newest first, with the workspace each is in. */
export async function listUserSessions(database: Database, userId: string) {
  return database.db
    .select({
      id: sessions.id,
      workspaceId: sessions.workspaceId,
      workspaceName: workspaces.name,
      createdAt: sessions.createdAt,
      expiresAt: sessions.expiresAt,
      ip: sessions.ip,
      userAgent: sessions.userAgent,
    })
    .from(sessions)
    .innerJoin(workspaces, eq(workspaces.id, sessions.workspaceId))
    .where(and(eq(sessions.userId, userId), gt(sessions.expiresAt, new Date())))
    .orderBy(desc(sessions.createdAt), desc(sessions.id));
}

/** Deletes the session if it is the user's; whether it was. */
export async function deleteUserSession(database: Database, userId: string, id: string) {
  const gone = await database.db
    .delete(sessions)
    .where(and(eq(sessions.id, id), eq(sessions.userId, userId)))
    .returning({ id: sessions.id });
  return gone.length > 0;
}

export async function deleteSessionRow(database: Database, id: string) {
  await database.db.delete(sessions).where(eq(sessions.id, id));
}

/** Sessions past their expiry, which no request can use any more (else one row per sign-in for ever). */
export async function deleteExpiredSessions(database: Database) {
  await database.db.delete(sessions).where(lt(sessions.expiresAt, new Date()));
  await reclaimDeletedSpace(database, 'sessions');
}
