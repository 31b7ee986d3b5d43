// A workspace's outgoing webhooks (src/webhooks/): endpoints, their secrets, test events and the
// delivery log. Admin business, as the LLM settings are: URLs often carry a token of the receiver.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listWebhooks,
  redeliver,
  rotateWebhookSecret,
  sendTestEvent,
  updateWebhook,
  webhookDeliveries,
} from '../../webhooks/webhook-service.ts';
import { maxWebhooks } from '../../webhooks/webhook-store.ts';
import { authOf, requireAuth, securedBy } from '../auth.ts';
import { decodeCursor, pageFrom, pageOf, pageQuery } from '../pagination.ts';
import { auditRequest } from '../request-audit.ts';
import {
  deliveryParams,
  deliveryView,
  webhookBody,
  webhookChange,
  webhookParams,
  webhookView,
  webhookWithSecret,
} from './webhook-schemas.ts';

const tags = ['webhooks'];

export const webhookRoutes: FastifyPluginAsyncZod = async (app) => {
  const { database, secretKey, config, queue, logger } = app.runtime;
  const deps = { database, secretKey, config, queue, logger };
  const read = requireAuth({ role: 'admin', scope: 'settings:read' });
  const write = requireAuth({ role: 'admin', scope: 'settings:write' });

  app.get(
    '',
    {
      preHandler: read,
      schema: {
        tags,
        summary: "The workspace's webhooks, oldest first (their secrets are never shown again)",
        security: securedBy,
        response: { 200: pageOf(webhookView) },
      },
    },
    async (request) => ({ items: await listWebhooks(deps, authOf(request)), nextCursor: null }),
  );

  app.post(
    '',
    {
      preHandler: write,
      schema: {
        tags,
        summary: 'Add a webhook; the answer holds its signing secret, shown this once',
        description: `A workspace has at most ${maxWebhooks} webhooks (409 past them).`,
        security: securedBy,
        body: webhookBody,
        response: { 201: webhookWithSecret },
      },
    },
    async (request, reply) => {
      const { webhook, secret } = await createWebhook(deps, authOf(request), request.body);
      await auditRequest(request, 'webhook.created', webhook.id, {
        url: webhook.url,
        events: webhook.events,
      });
      return reply.status(201).send({ ...webhook, secret });
    },
  );

  app.get(
    '/:id',
    {
      preHandler: read,
      schema: {
        tags,
        summary: 'One webhook',
        security: securedBy,
        params: webhookParams,
        response: { 200: webhookView },
      },
    },
    async (request) => getWebhook(deps, authOf(request), request.params.id),
  );

  app.patch(
    '/:id',
    {
      preHandler: write,
      schema: {
        tags,
        summary: 'Change a webhook',
        description: 'Disabling it fails its pending deliveries; enabling it clears `disabledReason`.',
        security: securedBy,
        params: webhookParams,
        body: webhookChange,
        response: { 200: webhookView },
      },
    },
    async (request) => {
      const webhook = await updateWebhook(deps, authOf(request), request.params.id, request.body);
      await auditRequest(request, 'webhook.updated', webhook.id, { changed: Object.keys(request.body) });
      return webhook;
    },
  );

  app.delete(
    '/:id',
    {
      preHandler: write,
      schema: {
        tags,
        summary: 'Delete a webhook and its delivery log',
        security: securedBy,
        params: webhookParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await deleteWebhook(deps, authOf(request), request.params.id);
      await auditRequest(request, 'webhook.deleted', request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/:id/secret',
    {
      preHandler: write,
      schema: {
        tags,
        summary: 'Replace the signing secret; the answer holds the new one, shown this once',
        security: securedBy,
        params: webhookParams,
        response: { 200: webhookWithSecret },
      },
    },
    async (request) => {
      const { webhook, secret } = await rotateWebhookSecret(deps, authOf(request), request.params.id);
      await auditRequest(request, 'webhook.secret_rotated', webhook.id);
      return { ...webhook, secret };
    },
  );

  app.post(
    '/:id/test',
    {
      preHandler: write,
      schema: {
        tags,
        summary: 'Queue a `webhook.test` delivery to this webhook',
        description: '409 while the webhook is disabled.',
        security: securedBy,
        params: webhookParams,
        response: { 202: deliveryView },
      },
    },
    async (request, reply) =>
      reply.status(202).send(await sendTestEvent(deps, authOf(request), request.params.id)),
  );

  app.get(
    '/:id/deliveries',
    {
      preHandler: read,
      schema: {
        tags,
        summary: "The webhook's deliveries, newest first",
        description:
          'The log keeps the newest 1,000 finished deliveries of each webhook, none older than 30 days.',
        security: securedBy,
        params: webhookParams,
        querystring: pageQuery,
        response: { 200: pageOf(deliveryView) },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const rows = await webhookDeliveries(deps, authOf(request), request.params.id, {
        limit,
        after: decodeCursor(cursor),
      });
      return pageFrom(rows, limit);
    },
  );

  app.post(
    '/:id/deliveries/:deliveryId/redeliver',
    {
      preHandler: write,
      schema: {
        tags,
        summary: 'Send a finished delivery again, as a new delivery with the same payload and `webhook-id`',
        description: '409 while the delivery is still pending, or the webhook is disabled.',
        security: securedBy,
        params: deliveryParams,
        response: { 202: deliveryView },
      },
    },
    async (request, reply) =>
      reply
        .status(202)
        .send(await redeliver(deps, authOf(request), request.params.id, request.params.deliveryId)),
  );
};
