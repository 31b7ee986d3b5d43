// Every statement on users (and the workspace a new owner gets): rows in, rows out. Hashing,
// password rules and e-mail normalisation are the callers' (users.ts).
import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { memberships, users, workspaces } from '../db/schema/index.ts';

export interface UserRow {
  email: string;
  name: string | null;
  passwordHash: string;
}

const newUserColumns = { id: users.id, email: users.email, name: users.name };

// Any constant shared by every process: serialises first-owner creation across API replicas.
const firstOwnerLock = 0x626c6f67; // "blog"

/** Inserts the user unless the address has an account (then null). */
export async function insertUserIfNew(database: Database, row: UserRow) {
  const [user] = await database.db
    .insert(users)
    .values(row)
    .onConflictDoNothing({ target: users.email })
    .returning(newUserColumns);
  return user ?? null;
}

/**
 * A user and a workspace they own, in one transaction. With `onlyIfNoUsers` the check that no user
 * exists and the insert run under an advisory lock, so concurrent first-run setups cannot each see
 * an empty table. Nothing is written when the answer is `users_exist` or `email_taken`.
 */
export async function insertOwnerWithWorkspace(
  database: Database,
  row: UserRow & { workspaceName: string },
  opts: { onlyIfNoUsers?: boolean } = {},
) {
  const { workspaceName, ...user } = row;
  return database.db.transaction(async (tx) => {
    if (opts.onlyIfNoUsers) {
      await tx.execute(sql`select pg_advisory_xact_lock(${firstOwnerLock})`);
      const [existing] = await tx.select({ id: users.id }).from(users).limit(1);
      if (existing) return 'users_exist' as const;
    }
    const [inserted] = await tx
      .insert(users)
      .values(user)
      .onConflictDoNothing({ target: users.email })
      .returning(newUserColumns);
    if (!inserted) return 'email_taken' as const;
    const [workspace] = await tx
      .insert(workspaces)
      .values({ name: workspaceName })
      .returning({ id: workspaces.id, name: workspaces.name });
    await tx.insert(memberships).values({ workspaceId: workspace!.id, userId: inserted.id, role: 'owner' });
    return { user: inserted, workspace: workspace! };
  });
}

/** The whole row, password hash included: for sign-in and the CLI. `email` is already normalised. */
export async function userByEmail(database: Database, email: string) {
  const [user] = await database.db.select().from(users).where(eq(users.email, email)).limit(1);
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

/**
 * Replaces the user's password hash only while it is still `from`, the one the caller verified:
 * a sign-in upgrading an old hash must not put back the password a change has just replaced, and
 * of two changes at once only the first lands. False when the hash had moved.
 */
export async function replacePasswordHash(
  database: Database,
  userId: string,
  change: { from: string; to: string },
) {
  const written = await database.db
    .update(users)
    .set({ passwordHash: change.to })
    .where(and(eq(users.id, userId), eq(users.passwordHash, change.from)))
    .returning({ id: users.id });
  return written.length > 0;
}

/** Sets the password whatever it was: the operator's reset of a forgotten one. */
export async function setPasswordHash(database: Database, userId: string, passwordHash: string) {
  const written = await database.db
    .update(users)
    .set({ passwordHash })
    .where(eq(users.id, userId))
    .returning({ id: users.id });
  return written.length > 0;
}

/** Removes a user who belongs to no workspace (one made for an invitation that then failed). */
export async function deleteUserWithoutWorkspace(database: Database, id: string): Promise<void> {
  await database.query(
    'DELETE FROM users u WHERE u.id = $1 AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id)',
    [id],
  );
}

/**
 * A workspace the user owns, unless they are a member of one already (then null): for an account
 * left without any (removed from the last workspace it had), under a lock on the user's row so two
 * requests at once give it one.
 */
export async function insertWorkspaceIfNone(database: Database, userId: string, workspaceName: string) {
  return database.db.transaction(async (tx) => {
    await tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).for('update');
    const [member] = await tx
      .select({ id: memberships.workspaceId })
      .from(memberships)
      .where(eq(memberships.userId, userId))
      .limit(1);
    if (member) return null;
    const [workspace] = await tx
      .insert(workspaces)
      .values({ name: workspaceName })
      .returning({ id: workspaces.id, name: workspaces.name });
    await tx.insert(memberships).values({ workspaceId: workspace!.id, userId, role: 'owner' });
    return workspace!;
  });
}
