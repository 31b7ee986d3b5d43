// Every statement on article publications: a member's request (one record per article and
// destination, asked again in place), the job's claim and outcome, what a publish or a sync read
// back from the CMS, and the sweeps for scheduled posts due and for requests whose job was lost.
import { and, desc, eq, inArray, notInArray, sql } from 'drizzle-orm';
import { inWorkspace } from '../accounts/scope.ts';
import type { Database, Db, Transaction } from '../db/client.ts';
import { articlePublications, publishingDestinations } from '../db/schema/publishing.ts';
import { pendingJobExists } from '../jobs/pending-job.ts';
import type { RemotePost } from './cms/cms-client.ts';
import { cmsText } from './cms/cms-request.ts';
import {
  type DestinationKind,
  inFlightStates,
  type PublicationState,
  type RequestedStatus,
} from './publishing-kinds.ts';

type Scope = { workspaceId: string };

const p = articlePublications;
const d = publishingDestinations;

const publicationColumns = {
  id: p.id,
  articleId: p.articleId,
  destinationId: p.destinationId,
  destinationName: d.name,
  destinationKind: d.kind,
  siteUrl: d.siteUrl,
  requestedStatus: p.requestedStatus,
  scheduledFor: p.scheduledFor,
  state: p.state,
  remoteId: p.remoteId,
  remoteUrl: p.remoteUrl,
  remoteStatus: p.remoteStatus,
  error: p.error,
  attempts: p.attempts,
  publishedAt: p.publishedAt,
  syncedAt: p.syncedAt,
  createdAt: p.createdAt,
  updatedAt: p.updatedAt,
};

export interface PublicationRow {
  id: string;
  articleId: string;
  destinationId: string;
  destinationName: string;
  destinationKind: DestinationKind;
  siteUrl: string;
  requestedStatus: RequestedStatus;
  scheduledFor: Date | null;
  state: PublicationState;
  remoteId: string | null;
  remoteUrl: string | null;
  remoteStatus: string | null;
  error: string | null;
  attempts: number;
  publishedAt: Date | null;
  syncedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The most of a reason kept in `error`. */
const maxErrorChars = 1000;

/**
 * A reason made fit for the `error` column: without NUL or lone surrogates, and bounded. A failure's
 * message may quote what failed (a database error quotes its statement, a CMS its answer): were it
 * refused too, the failure could not be recorded and the publication would stay `publishing`.
 */
const storedError = (error: string) => cmsText(error, maxErrorChars);

const selectPublications = (db: Db | Transaction) =>
  db.select(publicationColumns).from(p).innerJoin(d, eq(d.id, p.destinationId));

export async function publicationById(
  database: Database,
  scope: Scope,
  articleId: string,
  id: string,
): Promise<PublicationRow | undefined> {
  const [row] = await selectPublications(database.db).where(
    inWorkspace(scope, p, eq(p.articleId, articleId), eq(p.id, id)),
  );
  return row;
}

/** The article's publications, the latest changed first (one per destination: listed whole). */
export async function listPublications(
  database: Database,
  scope: Scope,
  articleId: string,
): Promise<PublicationRow[]> {
  return selectPublications(database.db)
    .where(inWorkspace(scope, p, eq(p.articleId, articleId)))
    .orderBy(desc(p.updatedAt), p.id);
}

export interface PublicationRequest {
  articleId: string;
  destinationId: string;
  requestedStatus: RequestedStatus;
  scheduledFor: Date | null;
}

/**
 * Queues the article's publication to the destination: a new record, or the existing one asked
 * again (its remote post kept, to be updated). `'in_flight'` (nothing written) while that record's
 * previous request is still queued or being published.
 */
export async function requestPublication(
  database: Database,
  scope: Scope & { userId: string },
  input: PublicationRequest,
): Promise<PublicationRow | 'in_flight'> {
  const asked = {
    requestedStatus: input.requestedStatus,
    scheduledFor: input.scheduledFor,
    state: 'queued' as const,
    error: null,
    attempts: 0,
    requestedBy: scope.userId,
  };
  const [queued] = await database.db
    .insert(p)
    .values({
      ...asked,
      workspaceId: scope.workspaceId,
      articleId: input.articleId,
      destinationId: input.destinationId,
    })
    .onConflictDoUpdate({
      target: [p.articleId, p.destinationId],
      set: { ...asked, updatedAt: sql`now()` },
      setWhere: notInArray(p.state, [...inFlightStates]),
    })
    .returning({ id: p.id });
  if (!queued) return 'in_flight';
  const row = await publicationById(database, scope, input.articleId, queued.id);
  return row!;
}

/** What the job needs of a claimed publication: the record, its destination's secret, the article. */
export interface ClaimedPublication {
  id: string;
  workspaceId: string;
  articleId: string;
  destinationId: string;
  requestedStatus: RequestedStatus;
  scheduledFor: Date | null;
  remoteId: string | null;
  attempts: number;
  publishedAt: Date | null;
  kind: DestinationKind;
  destinationName: string;
  siteUrl: string;
  username: string | null;
  sealedSecret: string;
}

/**
 * Takes a queued publication for an attempt (`publishing`, its attempt counted); undefined when
 * there is none to make — deleted, or finished meanwhile.
 */
export async function claimPublication(
  database: Database,
  id: string,
): Promise<ClaimedPublication | undefined> {
  const [claimed] = await database.db
    .update(p)
    .set({ state: 'publishing', attempts: sql`${p.attempts} + 1`, updatedAt: sql`now()` })
    .where(and(eq(p.id, id), inArray(p.state, [...inFlightStates])))
    .returning({ id: p.id });
  if (!claimed) return undefined;
  return publicationWithDestination(database.db, id);
}

/** A publication with its destination's kind, site and sealed secret (no workspace scope: the worker's read). */
export async function publicationWithDestination(
  db: Db | Transaction,
  id: string,
): Promise<ClaimedPublication | undefined> {
  const [row] = await db
    .select({
      id: p.id,
      workspaceId: p.workspaceId,
      articleId: p.articleId,
      destinationId: p.destinationId,
      requestedStatus: p.requestedStatus,
      scheduledFor: p.scheduledFor,
      remoteId: p.remoteId,
      attempts: p.attempts,
      publishedAt: p.publishedAt,
      kind: d.kind,
      destinationName: d.name,
      siteUrl: d.siteUrl,
      username: d.username,
      sealedSecret: d.secret,
    })
    .from(p)
    .innerJoin(d, eq(d.id, p.destinationId))
    .where(eq(p.id, id));
  return row;
}

/** An attempt that did not reach the CMS's answer: queued again for a retry, or failed for good. */
export async function recordAttemptFailure(
  database: Database,
  id: string,
  state: Extract<PublicationState, 'queued' | 'failed'>,
  error: string,
) {
  await database.db
    .update(p)
    .set({ state, error: storedError(error), updatedAt: sql`now()` })
    .where(and(eq(p.id, id), eq(p.state, 'publishing')));
}

/**
 * What the CMS holds of the post, read by a publish or a sync (`from`: the states the record may be
 * in for it to count — a sync must not overwrite a publish queued meanwhile). Answers whether the
 * post went live for the first time on this destination (`firstLive`), or undefined when the record
 * was not in one of those states.
 */
export async function recordRemotePost(
  tx: Transaction,
  id: string,
  remote: RemotePost,
  from: readonly PublicationState[],
): Promise<{ firstLive: boolean } | undefined> {
  const [before] = await tx
    .select({ publishedAt: p.publishedAt })
    .from(p)
    .where(and(eq(p.id, id), inArray(p.state, [...from])))
    .for('update');
  if (!before) return undefined;
  const live = remote.state === 'published';
  await tx
    .update(p)
    .set({
      state: remote.state,
      remoteId: remote.id,
      remoteUrl: remote.url,
      remoteStatus: remote.status,
      error: null,
      // The date it went live stays its first; a scheduled post's is when it will.
      publishedAt: live ? (before.publishedAt ?? remote.publishedAt ?? new Date()) : before.publishedAt,
      ...(remote.state === 'scheduled' ? { scheduledFor: remote.publishedAt } : {}),
      syncedAt: sql`now()`,
      updatedAt: sql`now()`,
    })
    .where(eq(p.id, id));
  return { firstLive: live && before.publishedAt === null };
}

/** The post is no longer on the CMS (deleted there): the record says so; publishing again makes a new one. */
export async function recordRemoteGone(
  database: Database,
  id: string,
  from: readonly PublicationState[],
  error: string,
) {
  await database.db
    .update(p)
    .set({
      state: 'failed',
      error: storedError(error),
      remoteId: null,
      remoteUrl: null,
      remoteStatus: null,
      syncedAt: sql`now()`,
      updatedAt: sql`now()`,
    })
    .where(and(eq(p.id, id), inArray(p.state, [...from])));
}

/** A sync that could not read the CMS: the record keeps its state, with the reason. */
export async function recordSyncFailure(database: Database, id: string, error: string) {
  await database.db
    .update(p)
    .set({ error: storedError(error), syncedAt: sql`now()` })
    .where(and(eq(p.id, id), notInArray(p.state, [...inFlightStates])));
}

/**
 * Scheduled posts whose time has come and whose status has not been read since they were due (or
 * in the last `everySeconds`): the periodic sync's work, oldest due first.
 */
export async function scheduledPublicationsDue(
  database: Database,
  everySeconds: number,
  limit: number,
): Promise<Array<{ id: string; workspaceId: string; articleId: string }>> {
  const { rows } = await database.query<{ id: string; workspace_id: string; article_id: string }>(
    `SELECT id, workspace_id, article_id FROM article_publications
      WHERE state = 'scheduled' AND scheduled_for <= now()
        AND (synced_at IS NULL OR synced_at < greatest(scheduled_for, now() - make_interval(secs => $1)))
      ORDER BY scheduled_for LIMIT $2`,
    [everySeconds, limit],
  );
  return rows.map((r) => ({ id: r.id, workspaceId: r.workspace_id, articleId: r.article_id }));
}

/** Requests queued or being published with no job waiting or running for them this long (lost jobs). */
export async function publicationsWithoutJob(
  database: Database,
  overdueSeconds: number,
  limit: number,
): Promise<Array<{ id: string; workspaceId: string; attempts: number }>> {
  const { rows } = await database.query<{ id: string; workspace_id: string; attempts: number }>(
    `SELECT a.id, a.workspace_id, a.attempts FROM article_publications a
      WHERE a.state IN ('queued', 'publishing') AND a.updated_at < now() - make_interval(secs => $1)
        AND NOT ${pendingJobExists('article.publish', 'publicationId', 'a.id::text')}
      ORDER BY a.updated_at LIMIT $2`,
    [overdueSeconds, limit],
  );
  return rows.map((r) => ({ id: r.id, workspaceId: r.workspace_id, attempts: Number(r.attempts) }));
}

/** A lost request past its attempts: failed with the reason. */
export async function failLostPublication(database: Database, id: string, error: string) {
  await database.db
    .update(p)
    .set({ state: 'failed', error: storedError(error), updatedAt: sql`now()` })
    .where(and(eq(p.id, id), inArray(p.state, [...inFlightStates])));
}
