// A workspace's publishing destinations (src/publishing/): WordPress and Ghost sites with their
// credentials. Every member may list them (the editor's publish control offers them; no secret is
// in them); admins and owners add, change, check and delete them, as they manage webhooks.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  checkDestination,
  createDestination,
  deleteDestination,
  getDestination,
  listDestinations,
  updateDestination,
} from '../../publishing/destination-service.ts';
import { maxDestinations } from '../../publishing/destination-store.ts';
import { authOf, requireAuth, securedBy } from '../auth.ts';
import { pageOf } from '../pagination.ts';
import { auditRequest } from '../request-audit.ts';
import {
  checkView,
  destinationBody,
  destinationChange,
  destinationParams,
  destinationView,
} from './publishing-schemas.ts';

const tags = ['publishing'];

export const publishingRoutes: FastifyPluginAsyncZod = async (app) => {
  const { database, secretKey, config, queue, logger } = app.runtime;
  const deps = { database, secretKey, config, queue, logger };
  const read = requireAuth({ scope: 'articles:read' });
  const write = requireAuth({ role: 'admin', scope: 'settings:write' });

  app.get(
    '/destinations',
    {
      preHandler: read,
      schema: {
        tags,
        summary: "The workspace's publishing destinations, by name (their credentials are never shown)",
        security: securedBy,
        response: { 200: pageOf(destinationView) },
      },
    },
    async (request) => ({ items: await listDestinations(deps, authOf(request)), nextCursor: null }),
  );

  app.post(
    '/destinations',
    {
      preHandler: write,
      schema: {
        tags,
        summary: 'Add a WordPress site (user + application password) or a Ghost site (Admin API key)',
        description:
          `Nothing is sent to the site: \`POST /publishing/destinations/{id}/test\` checks the credentials. ` +
          `A workspace has at most ${maxDestinations} destinations (409 past them); names are unique in any case (409).`,
        security: securedBy,
        body: destinationBody,
        response: { 201: destinationView },
      },
    },
    async (request, reply) => {
      const destination = await createDestination(deps, authOf(request), request.body);
      await auditRequest(request, 'publishing.destination_created', destination.id, {
        kind: destination.kind,
        siteUrl: destination.siteUrl,
      });
      return reply.status(201).send(destination);
    },
  );

  app.get(
    '/destinations/:id',
    {
      preHandler: read,
      schema: {
        tags,
        summary: 'One publishing destination',
        security: securedBy,
        params: destinationParams,
        response: { 200: destinationView },
      },
    },
    async (request) => getDestination(deps, authOf(request), request.params.id),
  );

  app.patch(
    '/destinations/:id',
    {
      preHandler: write,
      schema: {
        tags,
        summary: 'Rename a destination, move it, or give it new credentials',
        description: 'Credentials of the other CMS (a Ghost key for a WordPress site) are refused with 400.',
        security: securedBy,
        params: destinationParams,
        body: destinationChange,
        response: { 200: destinationView },
      },
    },
    async (request) => {
      const destination = await updateDestination(deps, authOf(request), request.params.id, request.body);
      await auditRequest(request, 'publishing.destination_updated', destination.id, {
        changed: Object.keys(request.body),
      });
      return destination;
    },
  );

  app.delete(
    '/destinations/:id',
    {
      preHandler: write,
      schema: {
        tags,
        summary: 'Delete a destination and its publication records (the posts on the site stay)',
        security: securedBy,
        params: destinationParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await deleteDestination(deps, authOf(request), request.params.id);
      await auditRequest(request, 'publishing.destination_deleted', request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/destinations/:id/test',
    {
      preHandler: write,
      // A request to a site someone chose: drawn from the generation budget, as the model check is.
      config: { rateLimitClass: 'generation' },
      schema: {
        tags,
        summary: 'Sign in to the site with the stored credentials and report ok or what it answered',
        description:
          'WordPress: `GET /wp-json/wp/v2/users/me?context=edit` (the user must be able to publish posts); ' +
          'Ghost: `GET /ghost/api/admin/site/` and a read of one post with a token made from the key. ' +
          'A refusal is `ok: false` with the CMS’s message, not an error of this request.',
        security: securedBy,
        params: destinationParams,
        response: { 200: checkView },
      },
    },
    async (request) => checkDestination(deps, authOf(request), request.params.id),
  );
};
