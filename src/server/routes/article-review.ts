// The fact-check actions on an article: accept a claim's revision, remove its sentence, mark it as
// checked; remove a passage flagged as an instruction to a model. Each is audit-logged; those that
// change the text keep the previous one as a version (src/articles/claim-review.ts).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { articleView as viewOf } from '../../articles/article-view.ts';
import { removeInstructionLike, reviewClaim } from '../../articles/claim-review.ts';
import { text } from '../../input/text.ts';
import { authOf, requireAuth, securedBy } from '../auth.ts';
import { auditRequest } from '../request-audit.ts';
import { articleIdParams, articleView, claimActions } from './article-schemas.ts';

const write = requireAuth({ role: 'editor', scope: 'articles:write' });

export const articleReviewRoutes: FastifyPluginAsyncZod = async (app) => {
  const { database } = app.runtime;

  app.post(
    '/:id/claims/:claimId',
    {
      preHandler: write,
      schema: {
        tags: ['articles'],
        summary: 'Act on a fact-check claim: accept its revision, remove its sentence, or mark it as checked',
        description:
          '`accept` puts the revision in place of the original sentence when the original is in the text ' +
          '(the pipeline applies revisions, so usually only the review is recorded); 409 when the claim has ' +
          'no revision or neither sentence is in the text. `remove` deletes the sentence (409 when it is no ' +
          'longer in the text). `check` records that a person verified the claim. A changed text keeps the ' +
          'previous one as a version (reason `edit`).',
        security: securedBy,
        params: articleIdParams.extend({
          claimId: z.string().regex(/^c\d{1,4}$/, 'A claim id such as c1'),
        }),
        body: z.strictObject({ action: z.enum(claimActions) }),
        response: { 200: articleView },
      },
    },
    async (request) => {
      const { id, claimId } = request.params;
      const { action } = request.body;
      const { row, changed } = await reviewClaim(app.runtime, authOf(request), id, claimId, action);
      await auditRequest(request, `article.claim_${action}`, id, { claim: claimId, textChanged: changed });
      return viewOf(database, row);
    },
  );

  app.post(
    '/:id/instruction-flags/remove',
    {
      preHandler: write,
      schema: {
        tags: ['articles'],
        summary: 'Remove a passage of the text flagged as an instruction to a model',
        description:
          "`text` is a flag's `text` from `instructionFlags` (in the article). 409 when that passage is not " +
          'flagged or no longer in the text. The previous text is kept as a version.',
        security: securedBy,
        params: articleIdParams,
        body: z.strictObject({ text: text({ max: 100_000, min: 1 }) }),
        response: { 200: articleView },
      },
    },
    async (request) => {
      const { id } = request.params;
      const row = await removeInstructionLike(app.runtime, authOf(request), id, request.body.text);
      await auditRequest(request, 'article.instruction_removed', id, { chars: request.body.text.length });
      return viewOf(database, row);
    },
  );
};
