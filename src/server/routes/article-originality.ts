// An article's originality: what its saved text copies from its sources, the workspace's other
// articles and the knowledge library (src/articles/originality/).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { checkOriginality } from '../../articles/originality/originality.ts';
import { authOf, requireAuth, securedBy } from '../auth.ts';
import { articleIdParams, originalityView } from './article-schemas.ts';

export const articleOriginalityRoutes: FastifyPluginAsyncZod = async (app) => {
  const { database } = app.runtime;

  app.get(
    '/:id/originality',
    {
      preHandler: requireAuth({ scope: 'articles:read' }),
      schema: {
        tags: ['articles'],
        summary:
          'Originality of the saved text: runs of 8+ words shared with its sources, other articles and library documents',
        description:
          'Computed on request from the saved Markdown (headings, code, citation markers, front matter and the ' +
          'references list left out). Compared with every source the research gathered (cited or not), the ' +
          "workspace's 30 other articles and 50 library passages sharing most of its longest words. Text inside " +
          'quotation marks or a blockquote is reported with `quoted: true` and not counted as copied. 409 while ' +
          'the article has no text; 503 when the check ran past its time or memory.',
        security: securedBy,
        params: articleIdParams,
        response: { 200: originalityView },
      },
    },
    async (request) => checkOriginality(database, authOf(request), request.params.id),
  );
};
