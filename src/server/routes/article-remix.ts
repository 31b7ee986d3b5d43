// Remix (F9): a stored article rewritten for another channel — an X thread, a LinkedIn post, a
// newsletter, a video script or a slide outline — returned, not stored.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { languageTag } from '../../input/language.ts';
import { text } from '../../input/text.ts';
import { type RemixFormatId, remixFormats } from '../../tools/remix/format.ts';
import { prepareRemix, remixDefaults } from '../../tools/remix/run-remix.ts';
import { authOf, requireAuth, securedBy } from '../auth.ts';
import { answerModelCall, streamedAnswer, streamingNote } from '../model-answer.ts';
import { articleIdParams } from './article-schemas.ts';
import { callUsage, limitUnit, repairs } from './tool-schemas.ts';

/** Which format each option belongs to: given with another format, it is refused (400). */
const optionFormats: Record<'posts' | 'numbered' | 'slides' | 'minutes', RemixFormatId> = {
  posts: 'x-thread',
  numbered: 'x-thread',
  slides: 'slides',
  minutes: 'video-script',
};

const remixBody = z
  .strictObject({
    format: z.enum(remixFormats),
    brandVoiceId: z
      .uuid()
      .nullable()
      .optional()
      .describe("A brand voice of the workspace; null for none; left out: the article's own"),
    audience: text({ max: 200 }).optional(),
    tone: text({ max: 100 }).optional(),
    instruction: text({ max: 500 })
      .optional()
      .describe('What to emphasise or do, e.g. "focus on the costs"; the article stays data'),
    language: languageTag.optional().describe("BCP 47 tag to write in (default: the article's language)"),
    posts: z
      .number()
      .int()
      .min(3)
      .max(25)
      .optional()
      .describe(
        `x-thread: about how many posts (default ${remixDefaults.posts}; a post split to fit adds one)`,
      ),
    numbered: z
      .boolean()
      .optional()
      .describe('x-thread: end each post with " n/N" (default true), counted within the 280'),
    slides: z
      .number()
      .int()
      .min(3)
      .max(30)
      .optional()
      .describe(`slides: how many (default ${remixDefaults.slides})`),
    minutes: z
      .number()
      .int()
      .min(1)
      .max(20)
      .optional()
      .describe(`video-script: length in minutes (default ${remixDefaults.minutes})`),
  })
  .superRefine((body, ctx) => {
    for (const [option, format] of Object.entries(optionFormats))
      if (body[option as keyof typeof optionFormats] !== undefined && body.format !== format)
        ctx.addIssue({ code: 'custom', path: [option], message: `applies to the ${format} format only` });
  });

const remixResult = z.object({
  format: z.enum(remixFormats),
  articleId: z.uuid(),
  title: z.string().nullable().describe('The newsletter’s subject, the script’s or the deck’s title'),
  text: z
    .string()
    .describe('The whole remix, ready to paste (Markdown for the newsletter, script and slides)'),
  parts: z
    .array(
      z.object({
        label: z.string(),
        text: z.string(),
        length: z.number().int(),
        limit: z.object({ max: z.number().int(), unit: limitUnit }).nullable(),
      }),
    )
    .describe(
      'Posts, slides, scenes, or the newsletter’s subject, preview and body, each with its length and limit',
    ),
  repairs,
  condensed: z
    .boolean()
    .describe(
      "The article was longer than the model's context allows: it was condensed (every heading kept)",
    ),
  usage: callUsage,
});

export const articleRemixRoutes: FastifyPluginAsyncZod = async (app) => {
  const { runtime } = app;

  app.post(
    '/:id/remix',
    {
      preHandler: requireAuth({ role: 'editor', scope: 'articles:write' }),
      config: { rateLimitClass: 'generation' },
      schema: {
        tags: ['articles'],
        summary:
          'Remix the article into an X thread, a LinkedIn post, a newsletter, a video script or slides',
        description:
          "Made from the saved text (references and citation markers left out) with the workspace's writer model, " +
          'counted in usage as `remix:<format>`; nothing is stored. Each X post is at most 280 as X counts it and a ' +
          'LinkedIn post at most 3,000 characters, whatever the model wrote (see `repairs`). 409 while the article ' +
          `is being written or has no text. ${streamingNote}`,
        security: securedBy,
        params: articleIdParams,
        body: remixBody,
        response: {
          200: {
            description: 'The remix',
            content: {
              'application/json': { schema: remixResult },
              'text/event-stream': { schema: streamedAnswer(remixResult) },
            },
          },
        },
      },
    },
    async (request, reply) => {
      const prepared = await prepareRemix(runtime, authOf(request), request.params.id, request.body);
      return answerModelCall(request, reply, (controls) => prepared.run(controls));
    },
  );
};
