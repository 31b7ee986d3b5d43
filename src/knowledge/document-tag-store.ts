// The statements on a document's tags: replaced by an edit, added to by the same content uploaded
// again. Folding and the cap's rule are the callers' (src/input/tags.ts).
import { eq, sql } from 'drizzle-orm';
import { inWorkspace } from '../accounts/scope.ts';
import type { Database } from '../db/client.ts';
import { documents } from '../db/schema/knowledge.ts';
import { type DocumentRow, documentColumns } from './document-store.ts';

// A tag change moves `updatedAt` only once ingestion is over: while a document is queued or
// processing, `updated_at` is its ingestion's heartbeat (claimForProcessing, requeueStalled), which
// an edit must not make look alive.
const tagsChangedAt = sql`CASE WHEN ${documents.status} IN ('ready', 'failed') THEN now() ELSE ${documents.updatedAt} END`;

/** Replaces a document's tags (folded by the caller); undefined when it is not the workspace's. */
export async function setDocumentTags(
  database: Database,
  workspaceId: string,
  id: string,
  tags: string[],
): Promise<DocumentRow | undefined> {
  const [row] = await database.db
    .update(documents)
    .set({ tags, updatedAt: tagsChangedAt })
    .where(inWorkspace({ workspaceId }, documents, eq(documents.id, id)))
    .returning(documentColumns);
  return row;
}

/**
 * Adds tags (folded by the caller) to a document's after its own, in one statement, so uploads and
 * edits at the same moment each keep the other's: the row is read again under its lock when
 * another writer got there first. Changes nothing, and answers undefined, when the document has
 * them all already, the union would carry more than `cap`, or it is not the workspace's.
 */
export async function addDocumentTags(
  database: Database,
  workspaceId: string,
  id: string,
  tags: string[],
  cap: number,
): Promise<DocumentRow | undefined> {
  const added = sql`${sql.param(tags)}::text[]`;
  const union = sql`array_cat(${documents.tags}, ARRAY(SELECT t FROM unnest(${added}) WITH ORDINALITY AS a(t, n) WHERE t <> ALL(${documents.tags}) ORDER BY n))`;
  const [row] = await database.db
    .update(documents)
    .set({ tags: union, updatedAt: tagsChangedAt })
    .where(
      inWorkspace(
        { workspaceId },
        documents,
        eq(documents.id, id),
        sql`NOT ${documents.tags} @> ${added}`,
        sql`cardinality(${union}) <= ${cap}`,
      ),
    )
    .returning(documentColumns);
  return row;
}
