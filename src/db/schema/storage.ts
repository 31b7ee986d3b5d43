// What each workspace stores, kept up to date by triggers on the tables that hold it (migration
// 0016): the bound WORKSPACE_STORAGE_MB is checked against one row instead of summing a workspace's
// documents, articles, versions and reports on every write.
import { bigint, pgTable, uuid } from 'drizzle-orm/pg-core';
import { workspaces } from './accounts.ts';

export const workspaceStorage = pgTable('workspace_storage', {
  workspaceId: uuid('workspace_id')
    .primaryKey()
    .references(() => workspaces.id, { onDelete: 'cascade' }),
  /** The library's files, as uploaded or fetched (`documents.byte_size`). */
  documentBytes: bigint('document_bytes', { mode: 'number' }).notNull().default(0),
  /** Articles' Markdown and HTML, and every kept version's Markdown (`octet_length`). */
  articleBytes: bigint('article_bytes', { mode: 'number' }).notNull().default(0),
  /** Stored `blogsmith eval` reports, as their JSON text. */
  evalReportBytes: bigint('eval_report_bytes', { mode: 'number' }).notNull().default(0),
});
