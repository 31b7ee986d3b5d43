// An article row's JSON columns as this version reads them. During a rollout two versions run side by
// side, and a rollback reads what the newer one stored; a row can also be damaged. A column of
// another shape must neither fail every read of the article (its view, its exports) with a 500 nor
// flow on into code that expects this version's shape. A brief keeps what this version knows of it
// (keys it does not know are left out, defaults filled in); any other column this version cannot read
// reads as empty — no outline, sources, checks, SEO pack or regeneration — while the article's text
// and the rest are shown. Readable means: the schema the API answers it with accepts it.
import { z } from 'zod';
import type { articles } from '../db/schema/articles.ts';
import { citationView, claimRecord, seoView } from '../server/routes/article-schemas.ts';
import { type ArticleBrief, articleBriefSchema } from '../writing/brief.ts';
import { outlineSchema } from '../writing/outline.ts';
import { regenerationRequestSchema, type StoredRegeneration } from './regeneration.ts';
import { articleSourceSchema } from './step-outputs.ts';

/** An article as read: every column but its search vector (article-store.ts). */
export type ArticleRow = Omit<typeof articles.$inferSelect, 'tsv'>;

const sources = z.array(articleSourceSchema);
const citations = z.array(citationView);

const storedRegeneration = regenerationRequestSchema.extend({
  state: z.enum(['requested', 'proposed']),
  proposal: z
    .object({
      before: z.string(),
      after: z.string(),
      wordsBefore: z.number(),
      wordsAfter: z.number(),
      markdown: z.string(),
      sources,
      citations,
      baseMarkdown: z.string(),
      createdAt: z.string(),
    })
    .optional(),
});

/** Each JSON column but the brief, with what it reads as when this version cannot read it. */
const columns = {
  outline: { schema: outlineSchema.nullable(), empty: null },
  sources: { schema: sources, empty: [] },
  citations: { schema: citations, empty: [] },
  factCheck: { schema: z.object({ claims: z.array(claimRecord) }).nullable(), empty: null },
  seo: { schema: seoView.nullable(), empty: null },
  regeneration: { schema: storedRegeneration.nullable(), empty: null },
} as const;

type JsonColumn = keyof typeof columns;

/**
 * The stored brief as this version reads it, or undefined when it cannot: keys of another version
 * are left out (at any depth) and defaults filled in; a value of another type is unreadable.
 */
export function readableBrief(stored: unknown): ArticleBrief | undefined {
  let value = stored;
  // Each pass removes the keys it was told of; any a removal uncovers, the next pass tells.
  for (let attempt = 0; attempt < 3; attempt++) {
    const parsed = articleBriefSchema.safeParse(value);
    if (parsed.success) return parsed.data;
    const unknownKeys = parsed.error.issues.filter((i) => i.code === 'unrecognized_keys');
    if (unknownKeys.length === 0 || unknownKeys.length < parsed.error.issues.length) return undefined;
    value = structuredClone(value);
    for (const issue of unknownKeys) {
      const holder = issue.path.reduce<unknown>(
        (at, key) => (at as Record<PropertyKey, unknown> | undefined)?.[key],
        value,
      ) as Record<string, unknown> | undefined;
      for (const key of issue.keys) if (holder) delete holder[key];
    }
  }
  return undefined;
}

/** The stored regeneration: null when there is none, undefined when this version cannot read it. */
export function readableRegeneration(stored: unknown): StoredRegeneration | null | undefined {
  if (stored === null || stored === undefined) return null;
  return storedRegeneration.safeParse(stored).success ? (stored as StoredRegeneration) : undefined;
}

/** A brief for an article whose stored one this version cannot read: its topic, the defaults for the rest. */
function briefOfTopic(topic: string): ArticleBrief {
  const parsed = articleBriefSchema.safeParse({ topic });
  return parsed.success ? parsed.data : articleBriefSchema.parse({ topic: 'Untitled article' });
}

/** `row` with every JSON column in this version's shape: what it cannot read as empty, the brief as its topic's. */
export function readStoredArticle(row: ArticleRow): ArticleRow {
  // The parsed brief, not the stored one: keys of another version are not answered back.
  const read: Partial<ArticleRow> = { brief: readableBrief(row.brief) ?? briefOfTopic(row.topic) };
  for (const name of Object.keys(columns) as JsonColumn[])
    if (!columns[name].schema.safeParse(row[name]).success)
      (read as Record<JsonColumn, unknown>)[name] = columns[name].empty;
  return { ...row, ...read };
}
