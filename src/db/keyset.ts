// Keyset paging of lists shown newest (or oldest) first, over (created_at, id) to the microsecond. PostgreSQL
// keeps microseconds where a JavaScript Date keeps milliseconds, so a cursor holding the last row's
// Date skips (or repeats) the rows sharing its millisecond; and rows can share even the microsecond
// (one INSERT of many rows gets one now()), hence the id as the tie-break.
import { asc, desc, type Placeholder, type SQL, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';

/** A row's place in that order: its created_at in epoch microseconds (text, exact), and its id. */
export interface PagePosition {
  micros: string;
  id: string;
}

interface PagedTable {
  createdAt: PgColumn;
  id: PgColumn;
}

/** Select as `createdMicros`: what the next page's cursor is made of. */
export const createdMicrosOf = (table: PagedTable) =>
  sql<string>`(extract(epoch from ${table.createdAt}) * 1000000)::bigint::text`;

export const newestFirst = (table: PagedTable) => [desc(table.createdAt), desc(table.id)] as const;

export const oldestFirst = (table: PagedTable) => [asc(table.createdAt), asc(table.id)] as const;

type Position = { micros: string | Placeholder; id: string | Placeholder };

const instantOf = (position: Position) =>
  sql`(timestamptz 'epoch' + ${position.micros}::bigint * interval '1 microsecond')`;

/** The rows after `position` in newestFirst order. Placeholders serve prepared statements. */
export function after(table: PagedTable, position: Position): SQL {
  const at = instantOf(position);
  // The bound on created_at alone is what the (workspace_id, created_at) indexes can range over.
  return sql`(${table.createdAt} <= ${at} AND (${table.createdAt}, ${table.id}) < (${at}, ${position.id}::uuid))`;
}

/** The rows after `position` in oldestFirst order. */
export function afterInOldestFirst(table: PagedTable, position: Position): SQL {
  const at = instantOf(position);
  return sql`(${table.createdAt} >= ${at} AND (${table.createdAt}, ${table.id}) > (${at}, ${position.id}::uuid))`;
}
