// What the CMS said of a post, recorded in one transaction: the publication's state, the article's
// editorial status (published, or scheduled for the post's date) and, the first time the post goes
// live on that destination, an `article.published` webhook event — then the event's deliveries sent.
import { markFromPublication } from '../articles/publication-mark-store.ts';
import { recordTellingWebhooks, sendDeliveries } from '../webhooks/delivery-job.ts';
import { recordDeliveries } from '../webhooks/delivery-store.ts';
import { apiUrlOf } from '../webhooks/webhook-events.ts';
import type { RemotePost } from './cms/cms-client.ts';
import type { PublishingDeps } from './destination-service.ts';
import { recordRemotePost } from './publication-store.ts';
import type { DestinationKind, PublicationState } from './publishing-kinds.ts';

export interface PublicationTarget {
  id: string;
  workspaceId: string;
  articleId: string;
  destinationId: string;
  destinationName: string;
  kind: DestinationKind;
}

/** Records `remote` when the publication is in one of `from`; false when it was not (nothing written). */
export async function recordRemote(
  deps: Pick<PublishingDeps, 'database' | 'config' | 'queue' | 'logger'>,
  target: PublicationTarget,
  remote: RemotePost,
  from: readonly PublicationState[],
): Promise<boolean> {
  const deliveries = await recordTellingWebhooks(deps, { publication: target.id }, (tell) =>
    deps.database.db.transaction(async (tx) => {
      const recorded = await recordRemotePost(tx, target.id, remote, from);
      if (!recorded) return undefined;
      const article =
        remote.state === 'published'
          ? await markFromPublication(tx, target.articleId, { state: 'published' })
          : remote.state === 'scheduled' && remote.publishedAt
            ? await markFromPublication(tx, target.articleId, { state: 'scheduled', at: remote.publishedAt })
            : undefined;
      if (!tell || !recorded.firstLive || !article) return [];
      return recordDeliveries(tx, {
        workspaceId: target.workspaceId,
        event: 'article.published',
        data: {
          id: target.articleId,
          title: article.title,
          url: apiUrlOf(deps.config.PUBLIC_URL, `/api/v1/articles/${target.articleId}`),
          publicationId: target.id,
          destination: { id: target.destinationId, name: target.destinationName, kind: target.kind },
          remoteUrl: remote.url,
          publishedAt: (remote.publishedAt ?? new Date()).toISOString(),
        },
      });
    }),
  );
  if (deliveries === undefined) return false;
  await sendDeliveries(deps, deliveries);
  return true;
}
