// What articles read of the workspace's documents (the knowledge base's tables): whether the
// documents a brief names exist, and a named document's opening passages.
import { and, eq, inArray } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { documents } from '../db/schema/knowledge.ts';

type Scope = { workspaceId: string };

/** The status of each of `ids` that is a document of the workspace. */
export async function documentStatuses(
  database: Database,
  scope: Scope,
  ids: readonly string[],
): Promise<Map<string, string>> {
  const rows = await database.db
    .select({ id: documents.id, status: documents.status })
    .from(documents)
    .where(and(eq(documents.workspaceId, scope.workspaceId), inArray(documents.id, [...ids])));
  return new Map(rows.map((r) => [r.id, r.status]));
}

export interface OpeningPassage {
  documentId: string;
  documentTitle: string;
  text: string;
  headingPath: string[];
  pageStart: number | null;
}

/** The first two passages of a document of the workspace, in document order. */
export async function openingPassages(
  database: Database,
  scope: Scope,
  documentId: string,
): Promise<OpeningPassage[]> {
  const { rows } = await database.query<OpeningPassage>(
    `SELECT c.document_id AS "documentId", d.title AS "documentTitle", c.raw_text AS text,
       c.heading_path AS "headingPath", c.page_start AS "pageStart"
     FROM document_chunks c JOIN documents d ON d.id = c.document_id
     WHERE d.workspace_id = $1 AND d.id = $2 ORDER BY c.index LIMIT 2`,
    [scope.workspaceId, documentId],
  );
  return rows;
}
