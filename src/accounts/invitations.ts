// Invitations: how someone joins a workspace. An admin invites an address; the server answers the
// same whether or not that address has an account (no enumeration, no silent adds) and hands the
// inviter a token to pass on. The invitee accepts it signed in as that address, or by choosing a
// password (new account) or giving theirs (existing account).
//
// The token is `<invitation id>.<HMAC-SHA256 of the id under the server's secret key>`: it cannot be
// forged or guessed from the id, and the row makes it expiring, single-use and revocable.
//
// The statements are in invitation-store.ts.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Database } from '../db/client.ts';
import { AppError, forbidden } from '../errors.ts';
import type { AuthContext } from './context.ts';
import {
  acceptAndJoin,
  deleteOpenInvitation,
  insertInvitation,
  listOpenInvitations,
  maxOpenInvitations,
  openInvitation,
} from './invitation-store.ts';
import { assertMayGrant } from './members.ts';
import type { Role } from './roles.ts';
import { deleteUserWithoutWorkspace } from './user-store.ts';
import { normaliseEmail } from './users.ts';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const signature = (secretKey: string, id: string) =>
  createHmac('sha256', secretKey).update(`invitation:${id}`).digest('base64url');

export const invitationToken = (secretKey: string, id: string) => `${id}.${signature(secretKey, id)}`;

/** The invitation id a token signs, or null when the token was not made by this server. */
function verifiedId(secretKey: string, token: string): string | null {
  const [id, sig, ...rest] = token.split('.');
  if (!id || !sig || rest.length > 0 || !uuidPattern.test(id)) return null;
  const expected = Buffer.from(signature(secretKey, id));
  const given = Buffer.from(sig);
  return expected.length === given.length && timingSafeEqual(expected, given) ? id : null;
}

// One answer for forged, unknown, used and expired tokens: a token holder learns nothing more.
const invalid = () => new AppError('not_found', 'Invitation not found, already used or expired');

export async function createInvitation(
  database: Database,
  secretKey: string,
  ctx: AuthContext,
  input: { email: string; role: Role; ttlHours: number },
) {
  assertMayGrant(ctx, input.role);
  const invitation = await insertInvitation(database, {
    workspaceId: ctx.workspaceId,
    email: normaliseEmail(input.email),
    role: input.role,
    invitedBy: ctx.userId,
    expiresAt: new Date(Date.now() + input.ttlHours * 3600_000),
  });
  if (invitation === 'full')
    throw new AppError(
      'conflict',
      `A workspace has at most ${maxOpenInvitations} open invitations: cancel one, or wait until one is accepted or expires`,
    );
  return { invitation, token: invitationToken(secretKey, invitation.id) };
}

/** The workspace's invitations still waiting to be accepted. */
export function pendingInvitations(database: Database, ctx: AuthContext) {
  return listOpenInvitations(database, ctx.workspaceId);
}

/** Withdraws an invitation that was not accepted yet: its link stops working at once. */
export async function cancelInvitation(database: Database, ctx: AuthContext, id: string) {
  const cancelled = await deleteOpenInvitation(database, ctx.workspaceId, id);
  if (!cancelled) throw new AppError('not_found', 'Invitation not found or already accepted');
  return cancelled;
}

/** The open invitation a token stands for, with its workspace's name. */
export async function findInvitation(database: Database, secretKey: string, token: string) {
  const id = verifiedId(secretKey, token);
  if (!id) throw invalid();
  const row = await openInvitation(database, id);
  if (!row) throw invalid();
  return row;
}

/**
 * Makes `user` a member with the invited role. The invitation is bound to its address: a token
 * forwarded to someone else is useless to them. Used exactly once, even under concurrent accepts.
 */
export async function acceptInvitation(
  database: Database,
  secretKey: string,
  token: string,
  user: { id: string; email: string },
) {
  const invitation = await findInvitation(database, secretKey, token);
  if (normaliseEmail(user.email) !== invitation.email) {
    throw forbidden('This invitation is for another email address');
  }
  const outcome = await acceptAndJoin(
    database,
    { id: invitation.id, workspaceId: invitation.workspace.id, role: invitation.role },
    user.id,
  );
  if (outcome === 'already_used') throw invalid();
  if (outcome === 'inviter_cannot_grant')
    throw forbidden(
      'This invitation is no longer valid: whoever sent it can no longer grant this role. Ask an admin of the workspace for a new one',
    );
  if (outcome === 'already_member')
    throw new AppError('conflict', 'You are already a member of this workspace');
  return { workspace: { ...invitation.workspace, role: invitation.role as Role } };
}

/**
 * Accepts for a user this request has just created with the invitee's chosen password. When the
 * invitation cannot be accepted after all — it expired, was cancelled or was used while the password
 * was hashed — the user is removed again: kept, they would hold the address with no workspace,
 * unable to sign in (no workspace) or to sign up (the address taken).
 */
export async function acceptForNewUser(
  database: Database,
  secretKey: string,
  token: string,
  user: { id: string; email: string },
) {
  try {
    return await acceptInvitation(database, secretKey, token, user);
  } catch (err) {
    await deleteUserWithoutWorkspace(database, user.id);
    throw err;
  }
}
