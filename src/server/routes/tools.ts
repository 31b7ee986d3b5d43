// Short-form tools (F8): the templates with their form fields, and one operation per template that
// writes its variants. An id that names no template answers 404 in the error shape.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { fieldKinds } from '../../tools/fields.ts';
import { toolTemplate, toolTemplates } from '../../tools/registry.ts';
import { prepareTool } from '../../tools/run-tool.ts';
import { type ToolInput, toolCategories } from '../../tools/template.ts';
import { authOf, requireAuth, securedBy } from '../auth.ts';
import { answerModelCall, streamedAnswer, streamingNote } from '../model-answer.ts';
import { pageOf } from '../pagination.ts';
import { callUsage, limitUnit, repairs } from './tool-schemas.ts';

const fieldView = z.object({
  name: z.string(),
  kind: z
    .enum(fieldKinds)
    .describe('How a form asks for it: `brandVoice` is the id of one of GET /brand-voices'),
  label: z.string(),
  description: z.string().optional(),
  required: z.boolean(),
  default: z.union([z.string(), z.number()]).optional(),
  options: z.array(z.string()).optional().describe('The values a `choice` takes'),
  min: z.number().optional(),
  max: z.number().optional(),
  maxLength: z.number().int().optional(),
});

const templateView = z.object({
  id: z.string(),
  name: z.string(),
  category: z.enum(toolCategories),
  description: z.string(),
  fields: z.array(fieldView).describe('The body of POST /tools/{id}/generate, field by field'),
  output: z.array(z.object({ name: z.string(), label: z.string() })).describe("A variant's fields"),
  variantsMax: z.number().int(),
});

const toolResult = z.object({
  template: z.string(),
  variants: z
    .array(z.record(z.string(), z.string()))
    .describe('Each variant: its output fields (as `output` lists them) and their text'),
  limits: z
    .array(z.object({ field: z.string(), max: z.number().int(), unit: limitUnit }))
    .describe('The limits the output fields were held to'),
  repairs,
  usage: callUsage,
});

export const toolRoutes: FastifyPluginAsyncZod = async (app) => {
  const { runtime } = app;
  // Generating spends the workspace's model budget: the role that writes articles.
  const write = requireAuth({ role: 'editor', scope: 'articles:write' });

  app.get(
    '',
    {
      preHandler: requireAuth({ scope: 'articles:read' }),
      schema: {
        tags: ['tools'],
        summary: 'The short-form tool templates and the fields each takes',
        security: securedBy,
        response: { 200: pageOf(templateView) },
      },
    },
    async () => ({
      items: toolTemplates.map((t) => ({
        id: t.id,
        name: t.name,
        category: t.category,
        description: t.description,
        fields: t.fields,
        output: [...t.outputFields],
        variantsMax: t.variantsMax,
      })),
      nextCursor: null,
    }),
  );

  for (const template of toolTemplates) {
    app.post(
      `/${template.id}/generate`,
      {
        preHandler: write,
        config: { rateLimitClass: 'generation' },
        schema: {
          tags: ['tools'],
          summary: `${template.name}: ${template.description}`,
          description: `Writes up to ${template.variantsMax} variants with the workspace's writer model; counted in usage as \`tool:${template.id}\`. ${streamingNote}`,
          security: securedBy,
          body: template.body,
          response: {
            200: {
              description: 'The variants, held to the template’s limits',
              content: {
                'application/json': { schema: toolResult },
                'text/event-stream': { schema: streamedAnswer(toolResult) },
              },
            },
          },
        },
      },
      async (request, reply) => {
        const prepared = await prepareTool(runtime, authOf(request), template, request.body as ToolInput);
        return answerModelCall(request, reply, (controls) => prepared.run(controls));
      },
    );
  }

  // Any other id: the error shape's 404 naming the templates (the static routes above win).
  app.post(
    '/:id/generate',
    {
      preHandler: write,
      schema: { hide: true, params: z.object({ id: z.string().max(200) }) },
    },
    async (request) => {
      toolTemplate(request.params.id);
    },
  );
};
