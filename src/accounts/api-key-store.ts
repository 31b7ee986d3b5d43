// Every statement on API keys. Rows hold the key's prefix (found through a unique index) and the
// sha256 of the whole key; making and checking keys is api-keys.ts's.
import { type AnyColumn, and, eq, gt, isNull, not, or, type SQL, sql } from 'drizzle-orm';
import { insertWithinCap } from '../db/capped-insert.ts';
import type { Database, Transaction } from '../db/client.ts';
import { after, createdMicrosOf, newestFirst, type PagePosition } from '../db/keyset.ts';
import { preparedPerDatabase, withPlainRows } from '../db/prepared.ts';
import { apiKeys, memberships } from '../db/schema/index.ts';
import { inWorkspace } from './scope.ts';

type Scope = { workspaceId: string };

/** What the API shows of a key: never its hash. */
const publicColumns = {
  id: apiKeys.id,
  name: apiKeys.name,
  prefix: apiKeys.prefix,
  scopes: apiKeys.scopes,
  lastUsedAt: apiKeys.lastUsedAt,
  expiresAt: apiKeys.expiresAt,
  revokedAt: apiKeys.revokedAt,
  createdAt: apiKeys.createdAt,
};

// The holder's membership of the key's workspace.
const holderMembership = and(
  eq(memberships.workspaceId, apiKeys.workspaceId),
  eq(memberships.userId, apiKeys.userId),
);

/**
 * Whether a key with this parent descends from a revoked key (its parent, the parent's parent...).
 * Revoking a key revokes the keys made from it, but a key minted while its maker was being revoked
 * can be missed by that walk: such a key must not work all the same. A key made by no key has no
 * parent and costs one index probe that finds nothing; each generation one more.
 */
const descendsFromRevoked = (parentKeyId: AnyColumn) => sql`EXISTS (
  WITH RECURSIVE ancestors AS (
    SELECT a.id, a.parent_key_id, a.revoked_at FROM api_keys a WHERE a.id = ${parentKeyId}
    UNION
    SELECT a.id, a.parent_key_id, a.revoked_at FROM api_keys a JOIN ancestors s ON a.id = s.parent_key_id)
  SELECT 1 FROM ancestors WHERE revoked_at IS NOT NULL)`;

/** Keys a member may hold in a workspace at once (unrevoked, unexpired): each is a way in to watch. */
export const maxApiKeysPerMember = 100;

/**
 * Inserts the key unless its holder has `maxApiKeysPerMember` usable ones already (then `'full'`),
 * or unless the key making it (`parentKeyId`) or one of that key's makers is revoked by now (then
 * `'revoked'`: the request was let in just before the revocation, or from the verified-key cache).
 */
export async function insertApiKey(database: Database, row: typeof apiKeys.$inferInsert) {
  return insertWithinCap(database, {
    kind: `api_keys:${row.userId}`,
    workspaceId: row.workspaceId,
    cap: maxApiKeysPerMember,
    count: (tx) =>
      tx.$count(
        apiKeys,
        and(
          eq(apiKeys.workspaceId, row.workspaceId),
          eq(apiKeys.userId, row.userId),
          isNull(apiKeys.revokedAt),
          or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, sql`now()`)),
        ),
      ),
    insert: async (tx) => {
      if (row.parentKeyId && !(await lockUnrevokedMaker(tx, row.parentKeyId))) return 'revoked' as const;
      const [inserted] = await tx.insert(apiKeys).values(row).returning(publicColumns);
      return inserted!;
    },
  });
}

/**
 * Whether the key making a key is unrevoked, as are its makers; its row stays share-locked until the
 * new key is committed. A revocation's update of that row waits for the commit (markRevoked then
 * finds the new key), or the lock waits for the revocation and sees the key revoked.
 */
async function lockUnrevokedMaker(tx: Transaction, id: string) {
  const rows = await tx
    .select({ id: apiKeys.id })
    .from(apiKeys)
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt), not(descendsFromRevoked(apiKeys.parentKeyId))))
    .for('share');
  return rows.length > 0;
}

// Run on every request of the list endpoint and of every API-key caller, so prepared once.
const hotStatements = preparedPerDatabase((database) => {
  const page = (position?: SQL) =>
    database.db
      .select({ ...publicColumns, createdMicros: createdMicrosOf(apiKeys) })
      .from(apiKeys)
      .where(inWorkspace({ workspaceId: sql.placeholder('workspaceId') }, apiKeys, position))
      .orderBy(...newestFirst(apiKeys))
      .limit(sql.placeholder('limit'));
  return {
    firstPage: withPlainRows(page().prepare('api_keys_first_page')),
    pageAfter: withPlainRows(
      page(after(apiKeys, { micros: sql.placeholder('micros'), id: sql.placeholder('id') })).prepare(
        'api_keys_page_after',
      ),
    ),
    usableByPrefix: database.db
      .select({
        id: apiKeys.id,
        workspaceId: apiKeys.workspaceId,
        userId: apiKeys.userId,
        hash: apiKeys.hash,
        scopes: apiKeys.scopes,
        lastUsedAt: apiKeys.lastUsedAt,
        expiresAt: apiKeys.expiresAt,
        role: memberships.role,
      })
      .from(apiKeys)
      .innerJoin(memberships, holderMembership)
      .where(
        and(
          eq(apiKeys.prefix, sql.placeholder('prefix')),
          isNull(apiKeys.revokedAt),
          or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, sql.placeholder('now'))),
          not(descendsFromRevoked(apiKeys.parentKeyId)),
        ),
      )
      .limit(1)
      .prepare('api_keys_usable_by_prefix'),
  };
});

/** Newest first, with `createdMicros` for the next page's cursor. */
export async function listApiKeys(
  database: Database,
  scope: Scope,
  page: { limit: number; after?: PagePosition | undefined },
) {
  const statements = hotStatements(database);
  const values = { workspaceId: scope.workspaceId, limit: page.limit };
  return page.after
    ? statements.pageAfter.execute({ ...values, ...page.after })
    : statements.firstPage.execute(values);
}

/** An unrevoked key of the workspace with its holder and the holder's role (null if they left). */
export async function unrevokedKeyHolder(database: Database, scope: Scope, id: string) {
  const [key] = await database.db
    .select({ userId: apiKeys.userId, holderRole: memberships.role })
    .from(apiKeys)
    .leftJoin(memberships, holderMembership)
    .where(inWorkspace(scope, apiKeys, eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .limit(1);
  return key ?? null;
}

/**
 * Revokes the key and every unrevoked key made from it (by it, or by one of those); answers what it
 * revoked (nothing when the key already was).
 */
export async function markRevoked(
  database: Database,
  scope: Scope,
  id: string,
  opts: { ownersKeys: boolean },
): Promise<Array<{ id: string; name: string }>> {
  // `ownersKeys` false: not when the holder is an owner now (made one after the caller was judged).
  const { rows } = await database.query<{ id: string; name: string }>(
    `WITH RECURSIVE family AS (
       SELECT k.id FROM api_keys k WHERE k.id = $1 AND k.workspace_id = $2 AND k.revoked_at IS NULL
         AND ($3::boolean OR NOT EXISTS (SELECT 1 FROM memberships m
           WHERE m.workspace_id = k.workspace_id AND m.user_id = k.user_id AND m.role = 'owner'))
       UNION
       SELECT k.id FROM api_keys k JOIN family f ON k.parent_key_id = f.id
        WHERE k.workspace_id = $2 AND k.revoked_at IS NULL)
     UPDATE api_keys SET revoked_at = now() WHERE id IN (SELECT id FROM family) RETURNING id, name`,
    [id, scope.workspaceId, opts.ownersKeys],
  );
  if (!rows.some((r) => r.id === id)) return rows;
  const revoked = [...rows];
  // A key being minted from one of the family holds its maker's row (insertApiKey), so the update
  // above waited for it to commit; but the walk ran on what was committed when the statement began
  // and missed it. A walk begun now finds it (and, again, any minted meanwhile).
  for (;;) {
    const { rows: missed } = await database.query<{ id: string; name: string }>(
      `WITH RECURSIVE descendants AS (
         SELECT k.id FROM api_keys k WHERE k.id = $1 AND k.workspace_id = $2
         UNION
         SELECT k.id FROM api_keys k JOIN descendants d ON k.parent_key_id = d.id WHERE k.workspace_id = $2)
       UPDATE api_keys SET revoked_at = now()
        WHERE id IN (SELECT id FROM descendants) AND revoked_at IS NULL RETURNING id, name`,
      [id, scope.workspaceId],
    );
    if (missed.length === 0) return revoked;
    revoked.push(...missed);
  }
}

/** The unrevoked, unexpired key with this prefix whose holder is still a member, with their role. */
export async function usableKeyByPrefix(database: Database, prefix: string) {
  const [row] = await hotStatements(database).usableByPrefix.execute({ prefix, now: new Date() });
  return row ?? null;
}

export async function touchLastUsed(database: Database, id: string) {
  await database.db.update(apiKeys).set({ lastUsedAt: new Date() }).where(eq(apiKeys.id, id));
}
