// Downloading an article as a file: Markdown, HTML, text, JSON, Word, PDF or WordPress blocks.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findArticle } from '../../articles/article-store.ts';
import { articleView as viewOf } from '../../articles/article-view.ts';
import { exportArticle, exportFormats, exportMediaTypes } from '../../articles/export.ts';
import { authOf, requireAuth, securedBy } from '../auth.ts';
import { articleIdParams, articleView } from './article-schemas.ts';

// Bytes, documented as OpenAPI's binary string.
const binaryFile = (description: string) =>
  z.custom<Buffer>((value) => Buffer.isBuffer(value)).meta({ type: 'string', format: 'binary', description });

// The file GET /:id/export sends, in the media type of the format asked for.
const exportFile = {
  description: 'The article as a file to save (`Content-Disposition: attachment`)',
  headers: {
    'content-disposition': z
      .string()
      .describe(
        '`attachment; filename="<slug>.<extension>"` (`<slug>.wordpress.html` for `format=wordpress`)',
      ),
    'x-instruction-flags': z
      .int()
      .min(1)
      .describe('How many passages of the text read like instructions to a model; absent when none do'),
  },
  content: {
    [exportMediaTypes.md]: { schema: z.string().describe('Markdown with YAML front matter') },
    // format=wordpress is HTML too (WordPress block markup), so it shares this entry.
    [exportMediaTypes.html]: {
      schema: z
        .string()
        .describe('A standalone HTML page; with `format=wordpress`, WordPress (Gutenberg) block markup'),
    },
    [exportMediaTypes.txt]: { schema: z.string().describe('Plain text, each link followed by its address') },
    // The whole article, as GET /:id answers it.
    [exportMediaTypes.json]: { schema: articleView },
    [exportMediaTypes.docx]: { schema: binaryFile('A Word document') },
    [exportMediaTypes.pdf]: { schema: binaryFile('A PDF document') },
  },
};

const read = requireAuth({ scope: 'articles:read' });

export const articleExportRoutes: FastifyPluginAsyncZod = async (app) => {
  const { database } = app.runtime;

  app.get(
    '/:id/export',
    {
      preHandler: read,
      schema: {
        tags: ['articles'],
        summary:
          'Download the article as Markdown (YAML front matter), HTML, plain text, JSON, DOCX, PDF or WordPress blocks',
        description:
          '`X-Instruction-Flags: n` is set when n passages of the text read like instructions to a model (see `instructionFlags`). ' +
          '`format=pdf` answers 400 naming the characters when the text holds some its embedded fonts (DejaVu) cannot draw, ' +
          'or right-to-left text; DOCX and HTML carry any text.',
        security: securedBy,
        params: articleIdParams,
        querystring: z.object({ format: z.enum(exportFormats).default('md') }),
        // The handler writes the file (a string), which Fastify sends as it is: these schemas only
        // describe it.
        response: { 200: exportFile },
      },
    },
    async (request, reply) => {
      const row = await findArticle(database, authOf(request), request.params.id);
      const { format } = request.query;
      const file =
        format === 'json'
          ? await exportArticle({ format, article: await viewOf(database, row) })
          : await exportArticle({ format, article: row });
      // Exports are not refused (scripts and the CLI rely on them), but never silent: the count of
      // instruction-like passages still in the text travels with the file.
      if (file.instructionFlags > 0) reply.header('x-instruction-flags', String(file.instructionFlags));
      return reply
        .header('content-type', file.contentType)
        .header('content-disposition', `attachment; filename="${file.filename.replace(/[^\w.-]/g, '_')}"`)
        .send(file.body);
    },
  );
};
