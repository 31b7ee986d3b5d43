// What an article becomes on a CMS: its title, its body — WordPress block markup (the export's,
// written in the export process) or the sanitized HTML Ghost converts itself — its slug, its meta
// description as the excerpt and its tags. The `# title` heading is left out of the body: the CMS
// shows the post's title itself.
import type { ArticleRow } from '../articles/article-store.ts';
import { renderOffThread } from '../articles/export/render-pool.ts';
import type { PostInput } from './cms/cms-client.ts';
import type { DestinationKind, RequestedStatus } from './publishing-kinds.ts';

/** The sanitized HTML without its leading `<h1>` (the title), if it has one. */
export const bodyWithoutTitle = (html: string) => html.replace(/^\s*<h1\b[^>]*>[\s\S]*?<\/h1>\s*/i, '');

type Published = Pick<ArticleRow, 'workspaceId' | 'title' | 'slug' | 'html' | 'seo' | 'tags' | 'brief'>;

export async function postOf(
  kind: DestinationKind,
  article: Published,
  request: { requestedStatus: RequestedStatus; scheduledFor: Date | null },
): Promise<PostInput> {
  const html = bodyWithoutTitle(article.html);
  const excerpt = article.seo?.metaDescription || null;
  const body =
    kind === 'wordpress'
      ? String(
          await renderOffThread(
            {
              format: 'wordpress',
              html,
              meta: {
                title: article.title,
                language: article.brief.language,
                ...(excerpt ? { description: excerpt } : {}),
              },
            },
            article.workspaceId,
          ),
        )
      : html;
  return {
    title: article.title,
    body,
    slug: article.slug || article.seo?.slug || '',
    excerpt,
    tags: article.tags,
    status: request.requestedStatus,
    scheduledFor: request.requestedStatus === 'publish' ? request.scheduledFor : null,
  };
}
