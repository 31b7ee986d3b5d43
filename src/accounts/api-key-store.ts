// Every statement on API keys. Rows hold the key's prefix (found through a unique index) and the
// sha256 of the whole key; making and checking keys is api-keys.ts's.
import { and, eq, gt, isNull, or, type SQL, sql } from 'drizzle-orm';
import { insertWithinCap } from '../db/capped-insert.ts';
import type { Database } from '../db/client.ts';
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

/** Keys a member may hold in a workspace at once (unrevoked, unexpired): each is a way in to watch. */
export const maxApiKeysPerMember = 100;

/** Inserts the key unless its holder has `maxApiKeysPerMember` usable ones already (then `'full'`). */
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
      const [inserted] = await tx.insert(apiKeys).values(row).returning(publicColumns);
      return inserted!;
    },
  });
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
 * Revokes the key and every unrevoked key made from it (by it, or by one of those), in one statement;
 * answers what it revoked (nothing when the key already was).
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
  return rows;
}

/** The unrevoked, unexpired key with this prefix whose holder is still a member, with their role. */
export async function usableKeyByPrefix(database: Database, prefix: string) {
  const [row] = await hotStatements(database).usableByPrefix.execute({ prefix, now: new Date() });
  return row ?? null;
}

export async function touchLastUsed(database: Database, id: string) {
  await database.db.update(apiKeys).set({ lastUsedAt: new Date() }).where(eq(apiKeys.id, id));
}
