// The article brief: what a user asks for. Validated before anything is spent.
import { z } from 'zod';
import { maxGuideOperations, sampleLanguages } from '../guides/languages.ts';
import { languageTag } from '../input/language.ts';
import { visibleText } from '../input/text.ts';

export const defaultArticleWords = 1500;

// Web pages an article reads by default: two of its own for each of the five sections of a
// 1,500-word article (bench/RESULTS.md weighs the cost). A section quotes only the pages its outline
// gives it, trimmed to the model's budget (prompt-budget.ts), so the limit is one of search and
// fetch time, not of context.
export const defaultMaxWebSources = 10;
export const maxWebSourcesLimit = 20;

/** The web pages this brief's research keeps at most. */
export const webSourcesOf = (brief: Pick<ArticleBrief, 'research'>) =>
  brief.research.maxWebSources ?? defaultMaxWebSources;

// Every text of a brief is stored (as JSON) and shown: storable, and not blank or invisible.
const text = visibleText;

export const articleKinds = ['article', 'integration-guide'] as const;

export const guideBriefSchema = z
  .strictObject({
    specDocumentId: z
      .uuid({ error: 'Choose an OpenAPI document of the knowledge library (its id)' })
      .describe(
        "Id of an OpenAPI 3.0/3.1 or Swagger 2.0 document (JSON or YAML) in the workspace's knowledge library.",
      ),
    // Optional, not defaulted, like maxWebSources: a defaulted field is required in the output.
    operations: z
      .array(text(300))
      .min(1)
      .max(maxGuideOperations)
      .optional()
      .describe(
        `The operations to explain, in order, each by its operationId or as "METHOD /path" (at most ${maxGuideOperations}); all of the spec's when omitted (it must then have at most ${maxGuideOperations}). GET /api/v1/documents/{id}/operations lists them.`,
      ),
    languages: z
      .array(z.enum(sampleLanguages))
      .min(1)
      .max(sampleLanguages.length)
      .optional()
      .describe(
        'Languages of the code samples: curl, javascript (Node.js 18+), python (requests); all three when omitted.',
      ),
  })
  .describe('The spec an integration guide is written from.');

export type GuideBrief = z.output<typeof guideBriefSchema>;

/** The brief's guide, when it asks for an integration guide. */
export const guideOf = (brief: Pick<ArticleBrief, 'kind' | 'guide'>): GuideBrief | undefined =>
  brief.kind === 'integration-guide' ? brief.guide : undefined;

/** The languages a guide's samples are written in (all, unless the brief names some). */
export const guideLanguages = (guide: GuideBrief) => [...new Set(guide.languages ?? sampleLanguages)];

export const articleBriefSchema = z
  .strictObject({
    topic: text(300).describe('What the article is about (1–300 characters). The only required field.'),
    title: text(200).optional().describe('Working title; generated from the topic when omitted.'),
    audience: text(300).optional().describe('Who the article is for, e.g. "engineering managers".'),
    tone: text(100).optional().describe('Voice of the article, e.g. "friendly", "authoritative".'),
    words: z
      .number()
      .int()
      .min(300)
      .max(10_000)
      .default(defaultArticleWords)
      .describe('Target length in words (300–10,000, default 1,500).'),
    keywords: z
      .array(text(100))
      .max(20)
      .default([])
      .describe('SEO keywords, the first one being the primary keyword (at most 20).'),
    language: languageTag.default('en').describe('Language of the article as a BCP 47 tag (default "en").'),
    outline: z
      .array(text(200))
      .max(30)
      .optional()
      .describe('Section headings to use, in order (at most 30); the model fills in the rest.'),
    research: z
      .strictObject({
        web: z.boolean().default(false).describe('Search the web for sources (default false).'),
        knowledge: z
          .boolean()
          .default(false)
          .describe("Search the workspace's knowledge base for passages matching the plan (default false)."),
        documents: z
          .array(z.uuid())
          .max(100)
          .default([])
          .describe('Ids of workspace documents to use as sources.'),
        urls: z
          .array(z.url({ protocol: /^https?$/, hostname: /^[^\s]+$/, error: 'Must be an http(s) URL' }))
          .max(20)
          .default([])
          .describe('Web pages to use as sources (http/https, at most 20).'),
        maxWebSources: z
          .number()
          .int()
          .min(1)
          .max(maxWebSourcesLimit)
          // Optional, not defaulted: briefs stored before this field existed must stay valid
          // responses (a defaulted field is required in the output); webSourcesOf reads it.
          .optional()
          .describe(
            `With \`web\`: how many web pages research keeps at most (1–${maxWebSourcesLimit}, default ${defaultMaxWebSources}). More pages ground more claims and cost a little more search, fetching and prompt text.`,
          ),
      })
      .prefault({})
      .describe('Where the sources come from. With no sources the article is written and marked ungrounded.'),
    kind: z
      .enum(articleKinds)
      .optional()
      .describe(
        'What to write: `article` (the default) or `integration-guide` — a tutorial for developers on calling an API, from an OpenAPI document of the library (`guide`).',
      ),
    guide: guideBriefSchema
      .optional()
      .describe('With `kind: "integration-guide"`: the OpenAPI document and what of it the guide explains.'),
    brandVoiceId: z.uuid().optional().describe('Brand voice that shapes every writing prompt.'),
    factCheck: z
      .boolean()
      .default(true)
      .describe('Extract and verify claims against the sources (default true).'),
    seo: z.boolean().default(true).describe('Produce the SEO pack: score, meta title/description, JSON-LD.'),
  })
  .describe('What to write: topic, length, keywords, sources and checks.');

export type ArticleBrief = z.output<typeof articleBriefSchema>;
export type ArticleBriefInput = z.input<typeof articleBriefSchema>;

export interface BriefIssue {
  // Dotted field path, e.g. "research.urls.0".
  path: string;
  message: string;
}

export function briefIssues(error: z.ZodError): BriefIssue[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
}

export type BriefParseResult = { ok: true; brief: ArticleBrief } | { ok: false; issues: BriefIssue[] };

export function parseBrief(input: unknown): BriefParseResult {
  const result = articleBriefSchema.safeParse(input);
  return result.success ? { ok: true, brief: result.data } : { ok: false, issues: briefIssues(result.error) };
}

/** An integration guide names its spec, and a spec is named only for an integration guide. */
export function guideShapeIssues(brief: Pick<ArticleBrief, 'kind' | 'guide'>): BriefIssue[] {
  if (brief.kind === 'integration-guide' && !brief.guide)
    return [
      {
        path: 'guide',
        message: 'An integration guide needs guide.specDocumentId: the OpenAPI document to write it from',
      },
    ];
  if (brief.guide && brief.kind !== 'integration-guide')
    return [
      {
        path: 'kind',
        message:
          'guide is read only for kind "integration-guide": set kind to "integration-guide", or leave guide out',
      },
    ];
  return [];
}

// The database answers which of the referenced ids exist in the caller's workspace.
export interface BriefReferenceLookup {
  /** The status of each of `ids` that is a document of the workspace (`ready` when it can be read). */
  documentStatuses(ids: readonly string[]): Promise<ReadonlyMap<string, string>>;
  brandVoiceExists?(id: string): Promise<boolean>;
}

// References to things that must exist (documents, brand voice), checked once the shape is valid.
export async function validateBriefReferences(
  brief: ArticleBrief,
  lookup: BriefReferenceLookup,
): Promise<BriefIssue[]> {
  const issues: BriefIssue[] = [];
  const { documents } = brief.research;
  if (documents.length > 0) {
    const statuses = await lookup.documentStatuses(documents);
    documents.forEach((id, index) => {
      const status = statuses.get(id);
      const path = `research.documents.${index}`;
      if (status === undefined) issues.push({ path, message: `Unknown document ${id}` });
      // A document not read yet (or that could not be read) has no passages: the article was
      // written without it, and nothing said so.
      else if (status === 'failed')
        issues.push({ path, message: `Document ${id} could not be read: replace it, or leave it out` });
      else if (status !== 'ready')
        issues.push({
          path,
          message: `Document ${id} is still being read (${status}): wait until it is ready, or leave it out`,
        });
    });
  }
  if (brief.brandVoiceId && lookup.brandVoiceExists && !(await lookup.brandVoiceExists(brief.brandVoiceId))) {
    issues.push({ path: 'brandVoiceId', message: `Unknown brand voice ${brief.brandVoiceId}` });
  }
  return issues;
}
