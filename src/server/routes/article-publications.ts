// Publishing an article to a destination (src/publishing/): the request (queued as a job), the
// article's publications with their state and remote address, and reading a post's status back.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { listPublications, requestPublish, syncPublication } from '../../publishing/publish-service.ts';
import { authOf, requireAuth, securedBy } from '../auth.ts';
import { pageOf } from '../pagination.ts';
import { auditRequest } from '../request-audit.ts';
import { articleIdParams } from './article-schemas.ts';
import { publicationOf, publicationParams, publicationView, publishBody } from './publishing-schemas.ts';

const tags = ['articles'];

export const articlePublicationRoutes: FastifyPluginAsyncZod = async (app) => {
  const { database, secretKey, config, queue, logger } = app.runtime;
  const deps = { database, secretKey, config, queue, logger };
  const read = requireAuth({ scope: 'articles:read' });
  const write = requireAuth({ role: 'editor', scope: 'articles:write' });

  app.post(
    '/:id/publish',
    {
      preHandler: write,
      config: { rateLimitClass: 'generation' },
      schema: {
        tags,
        summary: 'Publish the article to a WordPress or Ghost destination: as a draft, now, or scheduled',
        description:
          'Answers 202 with the publication `queued`; its job creates the post, or updates the one an earlier publish ' +
          'to that destination made. Follow it with `GET /articles/{id}/publications`. 409 while the article is being ' +
          'written or has no text, or while its previous publish to that destination is still under way; 400 at ' +
          '`destinationId` for a destination not of this workspace.',
        security: securedBy,
        params: articleIdParams,
        body: publishBody,
        response: { 202: publicationView },
      },
    },
    async (request, reply) => {
      const publication = await requestPublish(deps, authOf(request), request.params.id, request.body);
      await auditRequest(request, 'article.publish_requested', request.params.id, {
        destinationId: publication.destinationId,
        status: publication.requestedStatus,
        ...(publication.scheduledFor ? { scheduledFor: publication.scheduledFor.toISOString() } : {}),
      });
      return reply.status(202).send(publicationOf(publication));
    },
  );

  app.get(
    '/:id/publications',
    {
      preHandler: read,
      schema: {
        tags,
        summary: "The article's publications, one per destination, the latest changed first",
        security: securedBy,
        params: articleIdParams,
        response: { 200: pageOf(publicationView) },
      },
    },
    async (request) => ({
      items: (await listPublications(deps, authOf(request), request.params.id)).map(publicationOf),
      nextCursor: null,
    }),
  );

  app.post(
    '/:id/publications/:publicationId/sync',
    {
      preHandler: write,
      config: { rateLimitClass: 'generation' },
      schema: {
        tags,
        summary: "Read the post's status back from the CMS",
        description:
          'A scheduled post that went live becomes `published` (and the article with it). A CMS that cannot be read ' +
          'leaves the state as it was, with the reason in `error`; a post deleted there makes the publication ' +
          '`failed`. 409 while it is being published or has no post yet. Scheduled posts are also read back ' +
          'every few minutes once their time has come.',
        security: securedBy,
        params: publicationParams,
        response: { 200: publicationView },
      },
    },
    async (request) =>
      publicationOf(
        await syncPublication(deps, authOf(request), request.params.id, request.params.publicationId),
      ),
  );
};
