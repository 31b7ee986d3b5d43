// Knowledge library: documents and their chunks. The `embedding vector(N)` column and its HNSW
// index are deliberately absent here: drizzle-kit migrations must run on PostgreSQL without
// pgvector, so `ensureVectorColumns` (src/knowledge/vector-columns.ts) adds them at runtime.
import { sql } from 'drizzle-orm';
import { customType, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { type DocumentType, documentStatuses } from '../../knowledge/types.ts';
import { searchConfigSql, toTsvectorSql } from '../text-search.ts';
import { workspaces } from './accounts.ts';

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });
const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });
const regconfig = customType<{ data: string }>({ dataType: () => 'regconfig' });

export const documents = pgTable(
  'documents',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    type: text('type').$type<DocumentType>().notNull(),
    sourceKind: text('source_kind', { enum: ['upload', 'url'] }).notNull(),
    sourceUrl: text('source_url'),
    filename: text('filename'),
    contentHash: text('content_hash').notNull(),
    byteSize: integer('byte_size').notNull(),
    pageCount: integer('page_count'),
    status: text('status', { enum: documentStatuses }).notNull().default('queued'),
    progress: integer('progress').notNull().default(0),
    error: text('error'),
    /** What ingestion could not do but did not fail for, e.g. "not embedded: no embedding model". */
    note: text('note'),
    chunkCount: integer('chunk_count').notNull().default(0),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    /** BCP 47 tag of the text, detected at ingestion (src/knowledge/detect-language.ts); null until parsed. */
    language: text('language'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('documents_workspace_hash_idx').on(t.workspaceId, t.contentHash),
    index('documents_tags_idx').using('gin', t.tags),
    // The library's languages, read before each search (document-store.ts libraryTextConfigs).
    index('documents_workspace_language_idx').on(t.workspaceId, t.language),
  ],
);

export const documentChunks = pgTable(
  'document_chunks',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    workspaceId: uuid('workspace_id').notNull(),
    documentId: uuid('document_id')
      .notNull()
      .references(() => documents.id, { onDelete: 'cascade' }),
    index: integer('index').notNull(),
    text: text('text').notNull(),
    rawText: text('raw_text').notNull(),
    tokenCount: integer('token_count').notNull(),
    headingPath: text('heading_path').array().notNull().default(sql`'{}'::text[]`),
    pageStart: integer('page_start'),
    pageEnd: integer('page_end'),
    contentHash: text('content_hash').notNull(),
    /** The document's language (copied: a generated column cannot read another table); rows before it were English-stemmed. */
    language: text('language').notNull().default('en'),
    searchConfig: regconfig('search_config').generatedAlwaysAs(sql.raw(searchConfigSql('language'))),
    tsv: tsvector('tsv').generatedAlwaysAs(sql.raw(toTsvectorSql('language', 'text'))),
  },
  (t) => [
    index('document_chunks_document_idx').on(t.documentId, t.index),
    index('document_chunks_workspace_idx').on(t.workspaceId),
    index('document_chunks_tsv_idx').using('gin', t.tsv),
  ],
);

// The uploaded bytes, kept so the ingestion job (and a later re-index) can parse them again.
export const documentBlobs = pgTable('document_blobs', {
  documentId: uuid('document_id')
    .primaryKey()
    .references(() => documents.id, { onDelete: 'cascade' }),
  workspaceId: uuid('workspace_id').notNull(),
  contentType: text('content_type'),
  bytes: bytea('bytes').notNull(),
});
