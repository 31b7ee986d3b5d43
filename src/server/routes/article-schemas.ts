// Response shapes of the articles API: the one description the OpenAPI document and the
// serializer share.
import { z } from 'zod';
import { foundSource } from '../../articles/event-map.ts';
import { sectionTargetSchema } from '../../articles/section-target.ts';
import { articleStatuses, editorialStatuses, stepStatuses } from '../../articles/statuses.ts';
import { outputRungs } from '../../llm/types.ts';
import { readabilityFormulas } from '../../seo/readability.ts';
import { articleBriefSchema } from '../../writing/brief.ts';
import { outlineSchema } from '../../writing/outline.ts';

export const articleIdParams = z.object({ id: z.uuid() });

export const sourceView = foundSource.extend({
  headingPath: z.array(z.string()).optional(),
  fetchedAt: z.string().optional(),
});

export const citationView = z.object({
  sentence: z.string(),
  sources: z.array(z.number().int()),
  supported: z.boolean(),
  score: z.number(),
  lexical: z.number(),
  verdict: z.object({ supported: z.boolean(), score: z.number(), reason: z.string().optional() }).optional(),
});

export const claimActions = ['accept', 'remove', 'check'] as const;

/** A claim as stored on the article (the fact_check column); `id` and `sentence` are absent on older articles. */
export const claimRecord = z.object({
  id: z.string().optional(),
  claim: z.string().describe("The claim, citations in the article's numbering"),
  verdict: z.enum(['supported', 'unsupported', 'contradicted']),
  sources: z.array(z.number().int()),
  note: z.string().optional(),
  section: z.number().int(),
  revised: z.boolean().optional(),
  sentence: z.string().optional().describe('The sentence of the article that states the claim, as written'),
  revision: z
    .object({
      before: z.string(),
      after: z.string().describe("'' when the revision removed the sentence"),
    })
    .optional()
    .describe("What the fact check's revision did to the claim's sentence"),
  review: z
    .object({
      action: z.enum(['accepted', 'removed', 'checked']),
      at: z.string(),
      by: z.string().nullable(),
    })
    .optional()
    .describe('What a writer did about the claim, and when'),
});

export const claimView = claimRecord.extend({
  id: z.string().describe('Names the claim in POST /articles/{id}/claims/{claimId}'),
  location: z
    .object({ start: z.number().int(), end: z.number().int(), text: z.string() })
    .nullable()
    .describe(
      'Where the sentence is in `markdown` now (UTF-16 offsets), found again by its text; null when it is no longer there',
    ),
});

export const instructionFlagView = z.object({
  in: z.enum(['article', 'source']),
  source: z.number().int().optional().describe('The source number, for a flag in a source'),
  text: z.string().describe('The flagged passage as written (a sentence, or the whole line outside prose)'),
  start: z.number().int().optional().describe('Offset in `markdown`, for a flag in the article'),
  end: z.number().int().optional(),
  rule: z.string(),
  reason: z.string(),
});

export const readabilityView = z
  .object({
    formula: z
      .enum(readabilityFormulas)
      .nullable()
      .describe(
        "Reading-ease formula for the article's language: flesch (English), amstad (German), kandel-moles (French), szigriszt-pazos (Spanish); null when none applies (e.g. Japanese)",
      ),
    readingEase: z
      .number()
      .nullable()
      .describe(
        'On the formula\'s scale, higher is easier: mostly 0–100, beyond it for very short or very long words and sentences (the formulas are not bounded; "The cat sat on the mat." scores 116); null = not applicable',
      ),
    gradeLevel: z
      .number()
      .nullable()
      .describe('School grade: Flesch–Kincaid (English), Wiener Sachtextformel (German); null otherwise'),
    avgSentenceLength: z.number().describe('Words per sentence'),
    avgSyllablesPerWord: z.number().nullable(),
    notApplicable: z.string().optional().describe('Why readability is not scored, when formula is null'),
  })
  .describe('Readability by a formula made for the language, or not applicable');

export const seoView = z.object({
  score: z.number(),
  metaTitle: z.string(),
  metaDescription: z.string(),
  keywords: z.array(z.string()),
  slug: z.string(),
  wordCount: z.number().int(),
  readability: readabilityView,
  issues: z.array(z.object({ code: z.string(), severity: z.string(), message: z.string(), fix: z.string() })),
  jsonLd: z.record(z.string(), z.unknown()),
});

export const stepView = z.object({
  name: z.string(),
  status: z.enum(stepStatuses),
  attempts: z.number().int(),
  error: z.string().nullable(),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  costUsd: z.number(),
  usageEstimated: z
    .boolean()
    .describe('Token counts estimated with a tokenizer (the server reported no usage)'),
  outputRungs: z
    .array(z.enum(outputRungs))
    .describe('Structured-output rungs used: json_schema, json_object (schema in prompt), tool, text'),
  unpricedModels: z
    .array(z.string())
    .describe('Models (`provider:model`) of its calls that had no price: their cost is not in `costUsd`'),
  startedAt: z.date().nullable(),
  finishedAt: z.date().nullable(),
});

/** A step's name as the pipeline gives it: `plan`, `section:2`, `intro#r1`, `section:2#r1:citations`. */
export const stepName = z
  .string()
  .max(60)
  .regex(/^[a-z]+(:\d{1,3})?(#r\d{1,6})?(:citations)?$/, 'A step name such as section:2 or intro#r1');

export const stepDetailView = stepView.extend({
  input: z
    .unknown()
    .describe(
      "What the step was asked: its parameters (never a copy of the other steps' texts it works on); null for a step that was skipped or has not started",
    ),
  output: z
    .unknown()
    .describe(
      "What the step stored once finished (a section's text, the fact check's claims, the SEO pack…); null until then. A gather step's sources come without their quoted text",
    ),
});

export const regenerationView = z.object({
  target: sectionTargetSchema,
  label: z.string().describe('The part as the writer sees it named, e.g. "Introduction" or a heading'),
  instruction: z.string().nullable(),
  state: z.enum(['requested', 'proposed']),
  proposal: z
    .object({
      before: z.string(),
      after: z.string(),
      wordsBefore: z.number().int(),
      wordsAfter: z.number().int(),
      stale: z.boolean().describe('The article was edited since: accepting is refused, regenerate again'),
      createdAt: z.string(),
    })
    .nullable(),
});

/** The editorial fields, in an article and in the list's items alike. */
const editorialFields = {
  tags: z.array(z.string()).describe('Folded: lower case, Unicode NFC, each once'),
  editorialStatus: z
    .enum(editorialStatuses)
    .describe(
      "Where the writer is with it (the run's `status` is apart): draft, review, scheduled, published. Set by hand, or by publishing to a destination (`POST /articles/{id}/publish`)",
    ),
  scheduledFor: z
    .date()
    .nullable()
    .describe('The planned publication date while `editorialStatus` is `scheduled`; null otherwise'),
};

export const articleView = z.object({
  id: z.uuid(),
  brief: articleBriefSchema,
  status: z.enum(articleStatuses),
  error: z.string().nullable(),
  topic: z.string(),
  title: z.string(),
  slug: z.string(),
  markdown: z.string(),
  html: z.string(),
  grounded: z.boolean().describe('False when the article was written without any source.'),
  favorite: z.boolean(),
  ...editorialFields,
  wordCount: z.number().int(),
  outline: outlineSchema.nullable(),
  sections: z.array(z.object({ index: z.number().int(), heading: z.string() })),
  sources: z.array(sourceView),
  citations: z.array(citationView),
  factCheck: z.object({ claims: z.array(claimView) }).nullable(),
  instructionFlags: z
    .array(instructionFlagView)
    .describe(
      'Text in the article or its sources that reads like an instruction to a model, for a writer to review',
    ),
  seo: seoView.nullable(),
  regeneration: regenerationView
    .nullable()
    .describe('A regeneration asked to be reviewed: requested, then its proposal to accept or discard'),
  usage: z.object({
    inputTokens: z.number().int(),
    outputTokens: z.number().int(),
    costUsd: z
      .number()
      .describe(
        'USD of the calls whose model has a price; see `costKnown` for the calls of models without one',
      ),
    estimated: z
      .boolean()
      .describe('Some token counts were estimated with a tokenizer: the server reported no usage'),
    costKnown: z
      .boolean()
      .describe(
        'False when some calls used a model with no known price (`unpricedModels`): their cost is unknown and not in `costUsd`',
      ),
    unpricedModels: z
      .array(z.string())
      .describe('Models (`provider:model`) without a price that the article used; empty when `costKnown`'),
  }),
  steps: z.array(stepView),
  createdAt: z.date(),
  updatedAt: z.date(),
});

export const articleSummary = z.object({
  id: z.uuid(),
  topic: z.string(),
  title: z.string(),
  status: z.enum(articleStatuses),
  slug: z.string(),
  wordCount: z.number().int(),
  favorite: z.boolean(),
  ...editorialFields,
  grounded: z.boolean(),
  costUsd: z.number().describe('USD of the calls whose model has a price; see `costKnown`'),
  costKnown: z
    .boolean()
    .describe(
      'False when some calls used a model with no known price: their cost is unknown and not in `costUsd` (the article names the models in `usage.unpricedModels`)',
    ),
  error: z.string().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});

export const runAccepted = z.object({
  id: z.uuid(),
  status: z.enum(articleStatuses),
  links: z.object({ self: z.string(), events: z.string() }),
});

export const versionSummary = z.object({
  id: z.uuid(),
  reason: z.enum(['edit', 'regenerate', 'restore']),
  title: z.string(),
  createdAt: z.date(),
});

const copiedSpanFields = {
  text: z
    .string()
    .describe("The article's sentence or sentences holding the copied words, as written in `markdown`"),
  start: z.number().int().describe('Where `text` is in `markdown` (UTF-16 offsets)'),
  end: z.number().int(),
  copied: z.string().describe('The copied words as the article writes them (plain text)'),
  words: z.number().int().describe('How many words were copied'),
  quoted: z
    .boolean()
    .describe(
      'Most of the copied words are inside quotation marks or a blockquote: a quotation, reported but not counted in `copiedWords`',
    ),
  matched: z
    .string()
    .describe('The passage they match, as the other text writes it (at most 1,000 characters)'),
};

export const copiedSpanView = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('source'),
    ...copiedSpanFields,
    source: z.object({
      n: z
        .number()
        .int()
        .nullable()
        .describe(
          "The source's number in the article's references; null for a gathered source it does not cite",
        ),
      title: z.string(),
      url: z.string().optional(),
    }),
  }),
  z.object({
    kind: z.literal('article'),
    ...copiedSpanFields,
    article: z.object({ id: z.uuid(), title: z.string() }),
  }),
  z.object({
    kind: z.literal('document'),
    ...copiedSpanFields,
    // Not `document`: that was the old response wrapper's name, which the API contract test keeps out.
    libraryDocument: z.object({ id: z.uuid(), title: z.string() }).describe('The knowledge-library document'),
  }),
]);

export const originalityView = z.object({
  score: z
    .number()
    .min(0)
    .max(1)
    .describe(
      "Share of the article's words in no copied span (quotations not counted as copied): 1 is all its own",
    ),
  totalWords: z
    .int()
    .describe('Words of the prose checked: headings, code, citation markers and references left out'),
  copiedWords: z.int().describe('Words in copied spans that are not quotations'),
  quotedWords: z.int().describe('Words in copied spans that are quotations (and in no other span)'),
  spans: z
    .array(copiedSpanView)
    .describe(
      'Runs of 8 or more words shared with a source, another article or a library document, longest first up to 100, in text order',
    ),
  spansLeftOut: z.int().describe('Further spans past the first 100 (their words are counted)'),
  similarArticles: z
    .array(z.object({ id: z.uuid(), title: z.string(), jaccard: z.number().min(0).max(1) }))
    .describe(
      "The workspace's articles most like this one: Jaccard similarity of their 5-word shingles, highest first",
    ),
  compared: z
    .object({ sources: z.int(), articles: z.int(), passages: z.int() })
    .describe(
      'What the article was compared with: its sources, candidate articles, candidate library passages',
    ),
});
