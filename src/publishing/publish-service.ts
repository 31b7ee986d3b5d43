// An article published to a destination as its editors ask: checked before anything is queued (the
// article has text and no run under way, the destination is the workspace's), recorded as the
// article's publication there (asked again in place: the post it made is updated), the job queued;
// and a publication's status read back from the CMS on request (`sync`).
import { findArticle } from '../articles/article-store.ts';
import { isActive } from '../articles/statuses.ts';
import { AppError, notFound } from '../errors.ts';
import { cmsClientFor } from './cms/client-for.ts';
import { CmsError } from './cms/cms-request.ts';
import {
  connectionOf,
  openedDestination,
  type PublishingDeps,
  unreadableSecret,
} from './destination-service.ts';
import { destinationById } from './destination-store.ts';
import { recordRemote } from './publication-outcome.ts';
import {
  listPublications as listPublicationRows,
  type PublicationRow,
  publicationById,
  recordRemoteGone,
  recordSyncFailure,
  requestPublication,
} from './publication-store.ts';
import { inFlightStates, type PublicationState, type RequestedStatus } from './publishing-kinds.ts';

type Scope = { workspaceId: string };

export interface PublishInput {
  destinationId: string;
  status: RequestedStatus;
  /** With `publish`: when it goes live (checked to be far enough ahead by the request's schema). */
  scheduledFor?: Date | undefined;
}

const invalid = (path: string, message: string) =>
  new AppError('validation_error', message, [{ path, message }]);

/** Queues the job of a recorded request; a failure is logged (the recovery sweep sends it later). */
export async function sendPublishJob(
  deps: Pick<PublishingDeps, 'queue' | 'logger'>,
  publicationId: string,
  workspaceId: string,
) {
  await deps.queue
    .send('article.publish', { publicationId, workspaceId })
    .catch((err) =>
      deps.logger.warn({ err, publication: publicationId }, 'publish job not queued; the sweep will'),
    );
}

export async function requestPublish(
  deps: PublishingDeps,
  scope: Scope & { userId: string },
  articleId: string,
  input: PublishInput,
): Promise<PublicationRow> {
  const article = await findArticle(deps.database, scope, articleId);
  if (isActive(article.status))
    throw new AppError(
      'conflict',
      `Article ${articleId} is still being written: publish it once its run ends`,
    );
  if (!article.markdown.trim()) throw new AppError('conflict', `Article ${articleId} has no text to publish`);
  // Unknown and another workspace's are alike: not one of this workspace's destinations.
  const destination = await destinationById(deps.database, scope, input.destinationId);
  if (!destination)
    throw invalid('destinationId', `No publishing destination ${input.destinationId} in this workspace`);
  const row = await requestPublication(deps.database, scope, {
    articleId,
    destinationId: destination.id,
    requestedStatus: input.status,
    scheduledFor: input.status === 'publish' ? (input.scheduledFor ?? null) : null,
  });
  if (row === 'in_flight')
    throw new AppError(
      'conflict',
      `Article ${articleId} is already being published to ${destination.name}: wait for that to finish`,
    );
  await sendPublishJob(deps, row.id, scope.workspaceId);
  return row;
}

export const listPublications = async (
  deps: Pick<PublishingDeps, 'database'>,
  scope: Scope,
  articleId: string,
) => {
  await findArticle(deps.database, scope, articleId);
  return listPublicationRows(deps.database, scope, articleId);
};

/** States a sync reads the CMS in: anything but a publish under way. */
const settled: readonly PublicationState[] = ['draft', 'scheduled', 'published', 'failed'];

/**
 * Reads the post's status from the CMS and records it (a scheduled post that went live becomes
 * `published`, and its article too). A CMS that cannot be read leaves the state as it was, with the
 * reason in `error`; a post deleted on the CMS makes the publication `failed` (publishing again
 * creates a new post).
 */
export async function syncPublication(
  deps: PublishingDeps,
  scope: Scope,
  articleId: string,
  id: string,
): Promise<PublicationRow> {
  const publication = await publicationById(deps.database, scope, articleId, id);
  if (!publication) throw notFound(`Publication ${id}`);
  if ((inFlightStates as readonly string[]).includes(publication.state))
    throw new AppError('conflict', `Publication ${id} is being published: its status is read when that ends`);
  if (!publication.remoteId)
    throw new AppError('conflict', `Publication ${id} has no post on ${publication.destinationName} to read`);
  const { destination, secret } = await openedDestination(deps, scope, publication.destinationId);
  if (secret === undefined) await recordSyncFailure(deps.database, id, unreadableSecret);
  else {
    try {
      const remote = await cmsClientFor({ ...destination, secret }, connectionOf(deps)).fetchPost(
        publication.remoteId,
      );
      if (remote)
        await recordRemote(
          deps,
          {
            id,
            workspaceId: scope.workspaceId,
            articleId,
            destinationId: destination.id,
            destinationName: destination.name,
            kind: destination.kind,
          },
          remote,
          settled,
        );
      else
        await recordRemoteGone(
          deps.database,
          id,
          settled,
          `the post is no longer on ${destination.name} (deleted or trashed there): publish again to make a new one`,
        );
    } catch (err) {
      if (!(err instanceof CmsError)) throw err;
      await recordSyncFailure(deps.database, id, `could not read the post's status: ${err.message}`);
    }
  }
  return (await publicationById(deps.database, scope, articleId, id))!;
}
