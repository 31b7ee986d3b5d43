// Every event of an article run: its type and the payload it carries. The one description the
// producers (the pipeline, the job, the service), the SSE/WebSocket edge and its OpenAPI document,
// the CLI and, through the generated types, the web app share. A leaf module.
import { z } from 'zod';
import { articleStatuses } from './statuses.ts';

const step = z.string().describe('Step name, e.g. `outline`, `section:2`, `section:2#r1` (a rewrite)');
const part = z.string().describe('`intro`, `section:<index>`, `conclusion` or `faq`');
const text = z.object({ part, index: z.number().int().optional(), text: z.string() });

/** A source as the run announces it; the article view adds where in the document it is from. */
export const foundSource = z.object({
  n: z.number().int(),
  kind: z.enum(['url', 'document', 'web', 'knowledge']),
  title: z.string(),
  url: z.string().optional(),
  documentId: z.string().optional(),
  page: z.number().int().optional(),
  excerpt: z.string(),
});

export const articleEventSchemas = {
  /** The run's status changed; `regenerating` names the section a regeneration rewrites. */
  status: z.object({ status: z.enum(articleStatuses), regenerating: z.number().int().optional() }),
  'step.started': z.object({ step }),
  'step.finished': z.object({
    step,
    status: z.enum(['completed', 'failed', 'skipped']),
    costUsd: z.number().optional(),
    durationMs: z.number().optional(),
    error: z.string().optional(),
  }),
  'source.found': foundSource,
  /** A given URL could not be used as a source. */
  'source.failed': z.object({ url: z.string(), reason: z.string() }),
  /** A web search failed after its retries; the research went on with the others. */
  'search.failed': z.object({
    provider: z.string().describe('`tavily`, `serpapi`, `brave`, `exa` or `searxng`'),
    query: z.string(),
    reason: z.string(),
  }),
  /** Article text as it streams. */
  'section.delta': text,
  /** A reasoning model's thinking, never part of the article. */
  'section.thinking': text,
  /**
   * The run's spend so far, after a model call of `step`. `costKnown: false` (with
   * `unpricedModels`) when calls of models without a price are in it: `costUsd` is then the priced
   * calls' alone. Both absent: every call was priced.
   */
  cost: z.object({
    step,
    inputTokens: z.number().int(),
    outputTokens: z.number().int(),
    costUsd: z.number(),
    estimated: z.boolean().optional(),
    costKnown: z.boolean().optional(),
    unpricedModels: z.array(z.string()).optional(),
  }),
  /** The run failed (`step` when a step did), or the stream's credential was lost (`code`). */
  error: z.object({ message: z.string(), step: step.optional(), code: z.string().optional() }),
  /** The run ended; a later regeneration may append more events. */
  done: z.object({
    status: z.enum(['completed', 'failed', 'cancelled']),
    error: z.string().optional(),
  }),
} as const;

export type ArticleEventType = keyof typeof articleEventSchemas;
export const articleEventTypes = Object.keys(articleEventSchemas) as ArticleEventType[];
export type ArticleEventData = { [T in ArticleEventType]: z.output<(typeof articleEventSchemas)[T]> };

/** An event's type and payload, narrowed together by `type`. */
export type ArticleEventMessage = {
  [T in ArticleEventType]: { type: T; data: ArticleEventData[T] };
}[ArticleEventType];

/** An event as stored and delivered. */
export type ArticleEvent = ArticleEventMessage & { id: number; articleId: string };

/**
 * One event on the wire (an SSE message's `id`, `event` and JSON `data`; a WebSocket `event`
 * message), as the OpenAPI document describes it (the SSE route's response).
 */
export const streamedArticleEvent = z
  .discriminatedUnion(
    'event',
    articleEventTypes.map((type) =>
      z.object({ id: z.number().int(), event: z.literal(type), data: articleEventSchemas[type] }),
    ) as unknown as [z.ZodObject, ...z.ZodObject[]],
  )
  .describe('An article event: `event` is its type, `data` its payload');

/** Checks a received event's payload against its type's schema; undefined for an unknown type or a mismatch. */
export function parseArticleEvent(type: string, data: unknown): ArticleEventMessage | undefined {
  if (!Object.hasOwn(articleEventSchemas, type)) return undefined;
  const parsed = articleEventSchemas[type as ArticleEventType].safeParse(data);
  return parsed.success ? ({ type, data: parsed.data } as ArticleEventMessage) : undefined;
}
