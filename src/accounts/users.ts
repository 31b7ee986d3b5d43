import { eq, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { memberships, users, workspaces } from '../db/schema/index.ts';
import { AppError } from '../errors.ts';
import { burnPasswordCheck, hashPassword, verifyPassword } from './passwords.ts';

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

export interface NewUser {
  email: string;
  password: string;
  name?: string;
  workspaceName?: string;
}

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

/** Creates a user and a workspace they own. */
export async function createUser(database: Database, input: NewUser) {
  const email = normaliseEmail(input.email);
  assertPasswordLength(input.password);
  const passwordHash = await hashPassword(input.password);
  return database.db.transaction(async (tx) => {
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
  return (await verifyPassword(password, user.passwordHash)) ? user : null;
}
