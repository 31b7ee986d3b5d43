// Browser sessions: an opaque random token in an httpOnly cookie; the table keeps its sha256
// (session-store.ts).
import type { Database } from '../db/client.ts';
import type { RevocationBus } from './revocations.ts';
import {
  deleteExpiredSessions,
  deleteSessionRow,
  deleteSessionsBeyond,
  deleteUserSession,
  deleteUserSessions,
  insertSession,
  insertSessionWhilePassword,
  listUserSessions,
  liveSessionMember,
  setSessionWorkspace,
} from './session-store.ts';
import { randomToken, sha256 } from './tokens.ts';

// When each database's expired sessions were last removed: at most once an hour per process, on a
// sign-in (a scan of the sessions table, small once it is kept so).
const expiredRemovedAt = new WeakMap<Database, number>();

// A user's unexpired sessions at most: each sign-in makes one, kept SESSION_TTL_HOURS, and signing
// in again and again (as a script with the password can) added rows without end. Past it the oldest
// is signed out — a browser not used since — as each new one starts.
export const maxSessionsPerUser = 50;

interface NewSession {
  userId: string;
  workspaceId: string;
  ttlHours: number;
  ip?: string;
  userAgent?: string;
}
interface Started {
  token: string;
  expiresAt: Date;
}

/**
 * A new session. With `whilePasswordHash` (a password sign-in) only while the user's password is
 * still the one the sign-in checked, null otherwise.
 */
export async function createSession(
  database: Database,
  revocations: RevocationBus,
  input: NewSession,
): Promise<Started>;
export async function createSession(
  database: Database,
  revocations: RevocationBus,
  input: NewSession,
  whilePasswordHash: string | undefined,
): Promise<Started | null>;
export async function createSession(
  database: Database,
  revocations: RevocationBus,
  input: NewSession,
  whilePasswordHash?: string,
): Promise<Started | null> {
  const token = randomToken(32);
  const expiresAt = new Date(Date.now() + input.ttlHours * 3600_000);
  const row = {
    id: sha256(token),
    userId: input.userId,
    workspaceId: input.workspaceId,
    expiresAt,
    ip: input.ip ?? null,
    userAgent: input.userAgent?.slice(0, 300) ?? null,
  };
  if (whilePasswordHash === undefined) await insertSession(database, row);
  else if (!(await insertSessionWhilePassword(database, row, whilePasswordHash))) return null;
  for (const id of await deleteSessionsBeyond(database, input.userId, maxSessionsPerUser))
    await revocations.publish({ kind: 'session', id });
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

/**
 * Ends every session of the user in every workspace, but the one whose id is `keep`: a changed
 * password or "sign out everywhere". Sockets and streams they hold close through the revocations.
 * The number ended.
 */
export async function endUserSessions(
  database: Database,
  revocations: RevocationBus,
  userId: string,
  keep?: string,
) {
  const ended = await deleteUserSessions(database, userId, keep);
  for (const id of ended) await revocations.publish({ kind: 'session', id });
  return ended.length;
}

/** The user's sessions in every workspace, newest first (at most `maxSessionsPerUser`). */
export const userSessions = listUserSessions;

/**
 * Ends one session of the user, by its id (the sha256 of its token, which cannot be replayed as a
 * cookie); false when no session of theirs has that id.
 */
export async function endUserSession(
  database: Database,
  revocations: RevocationBus,
  userId: string,
  id: string,
) {
  if (!(await deleteUserSession(database, userId, id))) return false;
  await revocations.publish({ kind: 'session', id });
  return true;
}
