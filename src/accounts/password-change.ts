// A member changing their own password, and the operator setting a forgotten one. Either ends the
// account's other sessions: a password changed because a session may have been stolen must sign the
// thief out too. API keys are credentials of their own, listed and revoked on the keys page: they stay.
import type { Database } from '../db/client.ts';
import { AppError } from '../errors.ts';
import type { LoginThrottle } from './login-throttle.ts';
import { type HashAsker, hashPassword } from './passwords.ts';
import type { RevocationBus } from './revocations.ts';
import { endUserSessions } from './sessions.ts';
import { signInWithPassword } from './sign-in.ts';
import { findUserById, replacePasswordHash, setPasswordHash } from './user-store.ts';
import { findUserByEmail } from './users.ts';

interface Deps {
  database: Database;
  signIns: LoginThrottle;
  revocations: RevocationBus;
}

const samePassword = (a: string, b: string) => a.normalize('NFKC') === b.normalize('NFKC');

/**
 * Replaces the caller's password once the current one is checked, and signs out every other
 * session of theirs (`keepSession` stays signed in). The number of sessions signed out.
 */
export async function changeOwnPassword(
  deps: Deps,
  input: { userId: string; keepSession: string; currentPassword: string; newPassword: string; ip: HashAsker },
) {
  const user = await findUserById(deps.database, input.userId);
  if (!user) throw new AppError('unauthenticated', 'Sign in or send an API key');
  if (samePassword(input.currentPassword, input.newPassword)) {
    throw new AppError('validation_error', 'The new password is the current one', [
      { path: 'newPassword', message: 'must differ from the current password' },
    ]);
  }
  // Checked as a sign-in is, behind the same guessing limits: a stolen session must not become a way
  // to guess the password, nor to set a new one without knowing the old.
  const checked = await signInWithPassword(deps, {
    email: user.email,
    password: input.currentPassword,
    ip: input.ip,
  }).catch((err: unknown) => {
    if (err instanceof AppError && err.code === 'unauthenticated') {
      throw new AppError('validation_error', 'The current password is not right', [
        { path: 'currentPassword', message: 'is not your current password' },
      ]);
    }
    throw err;
  });
  const passwordHash = await hashPassword(input.newPassword, input.ip);
  const replaced = await replacePasswordHash(deps.database, user.id, {
    from: checked.passwordHash,
    to: passwordHash,
  });
  if (!replaced) {
    throw new AppError('conflict', 'The password was changed meanwhile (another session?): sign in again');
  }
  return endUserSessions(deps.database, deps.revocations, user.id, input.keepSession);
}

/**
 * The operator's reset of a forgotten password (`blogsmith user password`): no old password asked,
 * every session of the account signed out. The user and the number of sessions signed out.
 */
export async function resetPassword(
  deps: Omit<Deps, 'signIns'>,
  input: { email: string; newPassword: string },
) {
  const user = await findUserByEmail(deps.database, input.email);
  if (!user) throw new AppError('not_found', `No user with email ${input.email.trim().toLowerCase()}`);
  await setPasswordHash(deps.database, user.id, await hashPassword(input.newPassword));
  const signedOut = await endUserSessions(deps.database, deps.revocations, user.id);
  return { user: { id: user.id, email: user.email }, signedOut };
}
