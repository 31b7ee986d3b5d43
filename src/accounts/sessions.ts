// Browser sessions: an opaque random token in an httpOnly cookie; the table keeps its sha256
// (session-store.ts).
import type { Database } from '../db/client.ts';
import type { RevocationBus } from './revocations.ts';
import {
  deleteExpiredSessions,
  deleteSessionRow,
  insertSession,
  liveSessionMember,
  setSessionWorkspace,
} from './session-store.ts';
import { randomToken, sha256 } from './tokens.ts';

// When each database's expired sessions were last removed: at most once an hour per process, on a
// sign-in (a scan of the sessions table, small once it is kept so).
const expiredRemovedAt = new WeakMap<Database, number>();

export async function createSession(
  database: Database,
  input: { userId: string; workspaceId: string; ttlHours: number; ip?: string; userAgent?: string },
) {
  const token = randomToken(32);
  const expiresAt = new Date(Date.now() + input.ttlHours * 3600_000);
  await insertSession(database, {
    id: sha256(token),
    userId: input.userId,
    workspaceId: input.workspaceId,
    expiresAt,
    ip: input.ip ?? null,
    userAgent: input.userAgent?.slice(0, 300) ?? null,
  });
  if (Date.now() - (expiredRemovedAt.get(database) ?? 0) > 3600_000) {
    expiredRemovedAt.set(database, Date.now());
    await deleteExpiredSessions(database);
  }
  return { token, expiresAt };
}

/** The session's user and current workspace with the member's role there, or null. */
export const resolveSession = (database: Database, token: string) =>
  liveSessionMember(database, sha256(token));

export const switchSessionWorkspace = (database: Database, token: string, workspaceId: string) =>
  setSessionWorkspace(database, sha256(token), workspaceId);

/** Ends the session; sockets and streams it holds open are closed through the revocation. */
export async function deleteSession(database: Database, revocations: RevocationBus, token: string) {
  const id = sha256(token);
  await deleteSessionRow(database, id);
  await revocations.publish({ kind: 'session', id });
}
