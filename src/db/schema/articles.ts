// Articles and their durable pipeline: one row per article, one per step (inputs, outputs, tokens,
// cost, timings), an append-only event log that SSE/WebSocket clients replay from any id, and the
// previous texts kept by edits and regenerations.
import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  check,
  customType,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { StoredRegeneration } from '../../articles/regeneration.ts';
import { articleStatuses, editorialStatuses, stepStatuses } from '../../articles/statuses.ts';
import type { ArticleSource, CitationCheck, FactCheckClaim, SeoPack } from '../../articles/types.ts';
import type { ArticleBrief } from '../../writing/brief.ts';
import type { Outline } from '../../writing/outline.ts';
import { searchConfigSql, toTsvectorSql } from '../text-search.ts';
import { users, workspaces } from './accounts.ts';

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });
const regconfig = customType<{ data: string }>({ dataType: () => 'regconfig' });
const briefLanguage = "brief->>'language'";

export {
  type ArticleStatus,
  articleStatuses,
  type EditorialStatus,
  editorialStatuses,
  type StepStatus,
  stepStatuses,
} from '../../articles/statuses.ts';

export const articles = pgTable(
  'articles',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    brief: jsonb('brief').$type<ArticleBrief>().notNull(),
    status: text('status', { enum: articleStatuses }).notNull().default('queued'),
    error: text('error'),
    topic: text('topic').notNull(),
    title: text('title').notNull().default(''),
    slug: text('slug').notNull().default(''),
    markdown: text('markdown').notNull().default(''),
    html: text('html').notNull().default(''),
    grounded: boolean('grounded').notNull().default(false),
    favorite: boolean('favorite').notNull().default(false),
    /** Folded and capped as documents' are (src/input/tags.ts). */
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    editorialStatus: text('editorial_status', { enum: editorialStatuses }).notNull().default('draft'),
    /** The planned publication date: set exactly while `editorial_status` is `scheduled`. */
    scheduledFor: timestamp('scheduled_for', { withTimezone: true }),
    wordCount: integer('word_count').notNull().default(0),
    outline: jsonb('outline').$type<Outline>(),
    sources: jsonb('sources').$type<ArticleSource[]>().notNull().default(sql`'[]'::jsonb`),
    citations: jsonb('citations').$type<CitationCheck[]>().notNull().default(sql`'[]'::jsonb`),
    factCheck: jsonb('fact_check').$type<{ claims: FactCheckClaim[] }>(),
    seo: jsonb('seo').$type<SeoPack>(),
    /**
     * Set while the current run is a regeneration: the body section it rewrites, or -1 for the intro,
     * conclusion or FAQ (the request in `regeneration` names which).
     */
    regenerateSection: integer('regenerate_section'),
    /** A requested regeneration (any part, an instruction) and, once written, its proposal (src/articles/regeneration.ts). */
    regeneration: jsonb('regeneration').$type<StoredRegeneration>(),
    idempotencyKey: text('idempotency_key'),
    /** The worker holding the run, and until when: an expired lease means its worker died. */
    leaseOwner: text('lease_owner'),
    leaseExpiresAt: timestamp('lease_expires_at', { withTimezone: true }),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    /** The text-search configuration of the brief's language, which queries stem with (src/db/text-search.ts). */
    searchConfig: regconfig('search_config').generatedAlwaysAs(sql.raw(searchConfigSql(briefLanguage))),
    // Title and the brief's topic weigh more than the body; all three stemmed in the brief's language.
    tsv: tsvector('tsv').generatedAlwaysAs(
      sql.raw(
        `setweight(${toTsvectorSql(briefLanguage, "coalesce(title, '') || ' ' || topic")}, 'A') || setweight(${toTsvectorSql(briefLanguage, 'markdown')}, 'B')`,
      ),
    ),
  },
  (t) => [
    index('articles_workspace_created_idx').on(t.workspaceId, t.createdAt),
    index('articles_status_lease_idx').on(t.status, t.leaseExpiresAt),
    uniqueIndex('articles_idempotency_idx').on(t.workspaceId, t.idempotencyKey),
    index('articles_tsv_idx').using('gin', t.tsv),
    // The workspace's text-search configurations, read before each list search (article-store.ts).
    index('articles_workspace_config_idx').on(t.workspaceId, t.searchConfig),
    index('articles_tags_idx').using('gin', t.tags),
    check(
      'articles_editorial_status_check',
      sql.raw(`editorial_status IN (${editorialStatuses.map((s) => `'${s}'`).join(', ')})`),
    ),
    check(
      'articles_scheduled_for_check',
      sql`(${t.editorialStatus} = 'scheduled') = (${t.scheduledFor} IS NOT NULL)`,
    ),
  ],
);

export const articleSteps = pgTable(
  'article_steps',
  {
    articleId: uuid('article_id')
      .notNull()
      .references(() => articles.id, { onDelete: 'cascade' }),
    /** e.g. plan, gather, outline, section:0, intro, citations, seo; a regeneration adds `section:2#r1`. */
    name: text('name').notNull(),
    position: integer('position').notNull(),
    status: text('status', { enum: stepStatuses }).notNull().default('pending'),
    input: jsonb('input'),
    output: jsonb('output'),
    error: text('error'),
    attempts: integer('attempts').notNull().default(0),
    inputTokens: integer('input_tokens').notNull().default(0),
    outputTokens: integer('output_tokens').notNull().default(0),
    costUsd: numeric('cost_usd', { precision: 14, scale: 8, mode: 'number' }).notNull().default(0),
    /** Some of the step's token counts were estimated with a tokenizer (the server reported no usage). */
    usageEstimated: boolean('usage_estimated').notNull().default(false),
    /** The structured-output rungs its model calls were answered on (json_schema, json_object, tool, text). */
    outputRungs: text('output_rungs').array().notNull().default(sql`'{}'::text[]`),
    /** Models (`provider:model`) of its calls that had no price: their cost is not in `cost_usd`. */
    unpricedModels: text('unpriced_models').array().notNull().default(sql`'{}'::text[]`),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.articleId, t.name] })],
);

export const articleEvents = pgTable(
  'article_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    articleId: uuid('article_id')
      .notNull()
      .references(() => articles.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    data: jsonb('data').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('article_events_article_idx').on(t.articleId, t.id)],
);

export const articleVersions = pgTable(
  'article_versions',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    articleId: uuid('article_id')
      .notNull()
      .references(() => articles.id, { onDelete: 'cascade' }),
    workspaceId: uuid('workspace_id').notNull(),
    reason: text('reason', { enum: ['edit', 'regenerate', 'restore'] }).notNull(),
    title: text('title').notNull(),
    markdown: text('markdown').notNull(),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    // The order versions were kept in: the embedded database's clock has millisecond steps, so two
    // quick edits can share a `created_at`, and the oldest kept must be dropped, not either.
    seq: bigserial('seq', { mode: 'number' }).notNull(),
  },
  (t) => [index('article_versions_article_seq_idx').on(t.articleId, t.seq)],
);

export const brandVoices = pgTable('brand_voices', {
  id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
  workspaceId: uuid('workspace_id')
    .notNull()
    .references(() => workspaces.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  /** How the brand writes: tone, vocabulary, do's and don'ts, in the brand's own words. */
  guidelines: text('guidelines').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
