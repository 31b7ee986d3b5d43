// Regenerating one part of a finished article: request it (any part, an optional instruction, at
// once or for review), then accept or discard the proposal.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { articleView as viewOf } from '../../articles/article-view.ts';
import { maxInstructionChars } from '../../articles/regeneration.ts';
import {
  acceptRegeneration,
  discardRegeneration,
  regenerateArticleSection,
} from '../../articles/regeneration-service.ts';
import { frameParts } from '../../articles/section-target.ts';
import { intString } from '../../input/integer.ts';
import { text } from '../../input/text.ts';
import { authOf, requireAuth, securedBy } from '../auth.ts';
import { articleIdParams, articleView, runAccepted } from './article-schemas.ts';
import { links } from './articles.ts';

const write = requireAuth({ role: 'editor', scope: 'articles:write' });

const sectionParam = z
  .union([z.enum(frameParts), intString(z.number().int().min(0).max(100))])
  .describe('intro, conclusion, faq, or a body section by its index (from 0)');

const regenerateBody = z
  .strictObject({
    instruction: text({ max: maxInstructionChars })
      .optional()
      .describe('What to change, e.g. "shorter" or "add an example"; the article\'s sources stay data'),
    review: z
      .boolean()
      .optional()
      .describe('True: keep the result as a proposal to accept or discard; false (default): apply it'),
  })
  // No body at all (null to the parser) is the plain rewrite clients sent before instructions.
  .nullish();

export const articleRegenerationRoutes: FastifyPluginAsyncZod = async (app) => {
  const { runtime } = app;

  app.post(
    '/:id/sections/:section/regenerate',
    {
      preHandler: write,
      config: { rateLimitClass: 'generation' },
      schema: {
        tags: ['articles'],
        summary:
          'Rewrite one part — a body section, the intro, the conclusion or the FAQ — optionally with an instruction',
        description:
          '409 while the article is running, when the part is no longer in its text, and once the article was ' +
          'regenerated 100 times (a copy of it starts with none).',
        security: securedBy,
        params: articleIdParams.extend({ section: sectionParam }),
        body: regenerateBody,
        response: { 202: runAccepted },
      },
    },
    async (request, reply) => {
      const { id, section } = request.params;
      const result = await regenerateArticleSection(
        runtime,
        authOf(request),
        id,
        String(section),
        request.body ?? {},
      );
      return reply.status(202).send({ ...result, links: links(id) });
    },
  );

  app.post(
    '/:id/regeneration/accept',
    {
      preHandler: write,
      schema: {
        tags: ['articles'],
        summary:
          'Put the proposed text of a regeneration into the article (the text before is kept as a version)',
        security: securedBy,
        params: articleIdParams,
        response: { 200: articleView },
      },
    },
    async (request) => {
      const row = await acceptRegeneration(runtime, authOf(request), request.params.id);
      return viewOf(runtime.database, row);
    },
  );

  app.delete(
    '/:id/regeneration',
    {
      preHandler: write,
      schema: {
        tags: ['articles'],
        summary: 'Discard the proposed text of a regeneration; the article is unchanged',
        security: securedBy,
        params: articleIdParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await discardRegeneration(runtime, authOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
};
