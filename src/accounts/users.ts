import { eq, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { memberships, users, workspaces } from '../db/schema/index.ts';
import { AppError } from '../errors.ts';
import { burnPasswordCheck, hashPassword, needsRehash, verifyPassword } from './passwords.ts';

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

export interface NewUser {
  email: string;
  password: string;
  name?: string;
  workspaceName?: string;
}

// Any constant shared by every process: serialises first-owner creation across API replicas.
const firstOwnerLock = 0x626c6f67; // "blog"

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
export async function createUserIfNew(database: Database, input: Omit<NewUser, 'workspaceName'>) {
  assertPasswordLength(input.password);
  const passwordHash = await hashPassword(input.password);
  const [user] = await database.db
    .insert(users)
    .values({ email: normaliseEmail(input.email), name: input.name ?? null, passwordHash })
    .onConflictDoNothing({ target: users.email })
    .returning({ id: users.id, email: users.email, name: users.name });
  return user ?? null;
}

/** Self-service sign-up: a user and a workspace they own, or null when the address is taken. */
export async function signUp(database: Database, input: NewUser) {
  try {
    return await createUser(database, input);
  } catch (err) {
    if (err instanceof AppError && err.code === 'conflict') return null;
    throw err;
  }
}

/**
 * Creates a user and a workspace they own. With `firstOwner`, only while no user exists: the check
 * and the insert run in one transaction under an advisory lock, so concurrent first-run setups
 * cannot each see an empty table (the losers get 409).
 */
export async function createUser(database: Database, input: NewUser, opts: { firstOwner?: boolean } = {}) {
  const email = normaliseEmail(input.email);
  assertPasswordLength(input.password);
  const passwordHash = await hashPassword(input.password);
  return database.db.transaction(async (tx) => {
    if (opts.firstOwner) {
      await tx.execute(sql`select pg_advisory_xact_lock(${firstOwnerLock})`);
      const [existing] = await tx.select({ id: users.id }).from(users).limit(1);
      if (existing) throw new AppError('conflict', setupClosedMessage);
    }
    const [user] = await tx
      .insert(users)
      .values({ email, name: input.name ?? null, passwordHash })
      .onConflictDoNothing({ target: users.email })
      .returning({ id: users.id, email: users.email, name: users.name });
    if (!user) throw new AppError('conflict', `A user with email ${email} already exists`);
    const [workspace] = await tx
      .insert(workspaces)
      .values({
        name: input.workspaceName?.trim() || `${input.name?.trim() || email.split('@')[0]}'s workspace`,
      })
      .returning({ id: workspaces.id, name: workspaces.name });
    await tx.insert(memberships).values({ workspaceId: workspace!.id, userId: user.id, role: 'owner' });
    return { user, workspace: workspace! };
  });
}

export async function findUserByEmail(database: Database, email: string) {
  const [user] = await database.db
    .select()
    .from(users)
    .where(eq(users.email, normaliseEmail(email)))
    .limit(1);
  return user ?? null;
}

export async function findUserById(database: Database, id: string) {
  const [user] = await database.db
    .select({ id: users.id, email: users.email, name: users.name, createdAt: users.createdAt })
    .from(users)
    .where(eq(users.id, id))
    .limit(1);
  return user ?? null;
}

export async function countUsers(database: Database) {
  const [row] = await database.db.select({ n: sql<number>`count(*)::int` }).from(users);
  return row?.n ?? 0;
}

/** Returns the user when the password matches; the same work is done for unknown emails. */
export async function verifyCredentials(database: Database, email: string, password: string) {
  const user = await findUserByEmail(database, email);
  if (!user) {
    await burnPasswordCheck(password);
    return null;
  }
  if (!(await verifyPassword(password, user.passwordHash))) return null;
  // Hashes made with older, weaker parameters are upgraded while the password is at hand.
  if (needsRehash(user.passwordHash)) {
    const passwordHash = await hashPassword(password);
    await database.db.update(users).set({ passwordHash }).where(eq(users.id, user.id));
    return { ...user, passwordHash };
  }
  return user;
}
