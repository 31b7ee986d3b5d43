// Publishing (F21, src/publishing/): a workspace's destinations — a WordPress or Ghost site with its
// credentials sealed with SECRET_KEY — and one publication per article and destination, holding the
// remote post's id, address and state, updated by each publish and each sync.
import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import {
  destinationKinds,
  type PublicationState,
  publicationStates,
  type RequestedStatus,
  requestedStatuses,
} from '../../publishing/publishing-kinds.ts';
import { workspaces } from './accounts.ts';
import { articles } from './articles.ts';

const oneOf = (column: string, values: readonly string[]) =>
  sql.raw(`${column} IN (${values.map((v) => `'${v}'`).join(', ')})`);

export const publishingDestinations = pgTable(
  'publishing_destinations',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: destinationKinds }).notNull(),
    name: text('name').notNull(),
    /** The site's address without a trailing slash; the APIs are under it (`/wp-json/`, `/ghost/api/admin/`). */
    siteUrl: text('site_url').notNull(),
    /** WordPress: the user the application password belongs to; null for Ghost. */
    username: text('username'),
    /** The application password or the Admin API key (`id:secret`), sealed (src/security/encryption.ts). */
    secret: text('secret').notNull(),
    /** The secret's last 4 characters, what the API shows of it. */
    secretHint: text('secret_hint').notNull(),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // `blogsmith publish --to <name>` finds a destination by its name, in any case.
    uniqueIndex('publishing_destinations_name_idx').on(t.workspaceId, sql`lower(${t.name})`),
    check('publishing_destinations_kind_check', oneOf('kind', destinationKinds)),
  ],
);

export const articlePublications = pgTable(
  'article_publications',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    articleId: uuid('article_id')
      .notNull()
      .references(() => articles.id, { onDelete: 'cascade' }),
    destinationId: uuid('destination_id')
      .notNull()
      .references(() => publishingDestinations.id, { onDelete: 'cascade' }),
    requestedStatus: text('requested_status').$type<RequestedStatus>().notNull(),
    /** When the post is to go live (asked for, then as the CMS holds it); null: now, or a draft. */
    scheduledFor: timestamp('scheduled_for', { withTimezone: true }),
    state: text('state').$type<PublicationState>().notNull().default('queued'),
    /** The CMS's id of the post (a WordPress number, a Ghost object id), once it exists there. */
    remoteId: text('remote_id'),
    remoteUrl: text('remote_url'),
    /** The post's status in the CMS's own word (`publish`, `future`, `scheduled`, …). */
    remoteStatus: text('remote_status'),
    error: text('error'),
    /** Attempts of the current request's job (reset by each request). */
    attempts: integer('attempts').notNull().default(0),
    requestedBy: uuid('requested_by'),
    /** When the post first went live on the CMS, as the CMS says. */
    publishedAt: timestamp('published_at', { withTimezone: true }),
    /** When the CMS's status was last read (by a publish or a sync). */
    syncedAt: timestamp('synced_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // One record per article and destination: publishing again updates the post it made.
    uniqueIndex('article_publications_article_destination_idx').on(t.articleId, t.destinationId),
    index('article_publications_destination_idx').on(t.destinationId),
    // The periodic sync's search for scheduled posts whose time has come.
    index('article_publications_scheduled_idx').on(t.scheduledFor).where(sql`state = 'scheduled'`),
    check('article_publications_state_check', oneOf('state', publicationStates)),
    check('article_publications_requested_status_check', oneOf('requested_status', requestedStatuses)),
  ],
);
