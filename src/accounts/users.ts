// Accounts of people: password rules and hashing around the user store (user-store.ts).
import type { Database } from '../db/client.ts';
import { AppError } from '../errors.ts';
import {
  burnPasswordCheck,
  cheaperThanToday,
  type HashAsker,
  hashPassword,
  needsRehash,
  verifyPassword,
} from './passwords.ts';
import {
  insertOwnerWithWorkspace,
  insertUserIfNew,
  insertWorkspaceIfNone,
  replacePasswordHash,
  userByEmail,
} from './user-store.ts';

export { countUsers, findUserById } from './user-store.ts';

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

export interface NewUser {
  email: string;
  password: string;
  name?: string;
  workspaceName?: string;
}

export const setupClosedMessage = 'Setup is closed: an owner already exists. Sign in instead.';

function assertPasswordLength(password: string) {
  if (password.length < 8) {
    throw new AppError('validation_error', 'Password must be at least 8 characters', [
      { path: 'password', message: 'must be at least 8 characters' },
    ]);
  }
}

/**
 * Creates a user with no workspace of their own (an invitee joining someone else's), or returns
 * null when the address already has an account. The password is hashed either way, so the two
 * outcomes take the same time.
 */
export async function createUserIfNew(
  database: Database,
  input: Omit<NewUser, 'workspaceName'>,
  asker?: HashAsker,
) {
  assertPasswordLength(input.password);
  const passwordHash = await hashPassword(input.password, asker);
  return insertUserIfNew(database, {
    email: normaliseEmail(input.email),
    name: input.name ?? null,
    passwordHash,
  });
}

/** Self-service sign-up: a user and a workspace they own, or null when the address is taken. */
export async function signUp(database: Database, input: NewUser, asker: HashAsker = '') {
  // An account removed from its last workspace could neither sign in (no workspace) nor sign up
  // (the address is taken): signing up again with its password gives it a workspace of its own.
  // One hash on either path, so the answer's time does not tell an existing address.
  const existing = await findUserByEmail(database, input.email);
  if (existing) {
    assertPasswordLength(input.password);
    const right = await verifyPassword(input.password, existing.passwordHash, asker);
    // A hash of older, cheaper parameters is checked faster than a new account's is made: today's
    // hash is made too (and kept when the password was right), so the time tells nothing.
    if (cheaperThanToday(existing.passwordHash)) {
      const passwordHash = await hashPassword(input.password, asker);
      if (right)
        await replacePasswordHash(database, existing.id, { from: existing.passwordHash, to: passwordHash });
    }
    if (!right) return null;
    const workspace = await insertWorkspaceIfNone(
      database,
      existing.id,
      workspaceNameOf(input, existing.email),
    );
    return workspace
      ? { user: { id: existing.id, email: existing.email, name: existing.name }, workspace }
      : null;
  }
  try {
    return await createUser(database, input, { asker });
  } catch (err) {
    if (err instanceof AppError && err.code === 'conflict') return null;
    throw err;
  }
}

const workspaceNameOf = (input: NewUser, email: string) =>
  input.workspaceName?.trim() || `${input.name?.trim() || email.split('@')[0]}'s workspace`;

/**
 * Creates a user and a workspace they own. With `firstOwner`, only while no user exists: the check
 * and the insert run in one transaction under an advisory lock, so concurrent first-run setups
 * cannot each see an empty table (the losers get 409).
 */
export async function createUser(
  database: Database,
  input: NewUser,
  opts: { firstOwner?: boolean; asker?: HashAsker } = {},
) {
  const email = normaliseEmail(input.email);
  assertPasswordLength(input.password);
  const passwordHash = await hashPassword(input.password, opts.asker);
  const created = await insertOwnerWithWorkspace(
    database,
    {
      email,
      name: input.name ?? null,
      passwordHash,
      workspaceName: workspaceNameOf(input, email),
    },
    { onlyIfNoUsers: opts.firstOwner === true },
  );
  if (created === 'users_exist') throw new AppError('conflict', setupClosedMessage);
  if (created === 'email_taken') throw new AppError('conflict', `A user with email ${email} already exists`);
  return created;
}

export const findUserByEmail = (database: Database, email: string) =>
  userByEmail(database, normaliseEmail(email));

/** Returns the user when the password matches; the same work is done for unknown emails. */
export async function verifyCredentials(
  database: Database,
  email: string,
  password: string,
  asker?: HashAsker,
) {
  const user = await findUserByEmail(database, email);
  if (!user) {
    await burnPasswordCheck(password, asker);
    return null;
  }
  if (!(await verifyPassword(password, user.passwordHash, asker))) return null;
  // Hashes made with older, weaker parameters are upgraded while the password is at hand.
  if (needsRehash(user.passwordHash)) {
    const passwordHash = await hashPassword(password, asker);
    const to = { from: user.passwordHash, to: passwordHash };
    if (await replacePasswordHash(database, user.id, to)) return { ...user, passwordHash };
    // Another sign-in upgraded it first (a double-clicked Sign in), or the password was changed:
    // held to the hash stored now, which the session's start is checked against (sessions.ts).
    const now = await findUserByEmail(database, email);
    return now && (await verifyPassword(password, now.passwordHash, asker)) ? now : null;
  }
  return user;
}
