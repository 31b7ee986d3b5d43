// The one rule for tags, a document's or an article's, however they are given (a JSON list,
// multipart `tags` fields, a query's `tag`, `blogsmith ingest --tags`): folded first (Unicode NFC
// and lower case, each once, in the order given), then at most maxTags, each 1–50 characters
// without a comma — so 21 spellings of 20 tags are 20 tags, whichever way they were sent. Tags are
// typed by people — "SEO" and "seo", or "café" sent with a combining accent by one keyboard and
// precomposed by another — and a filter must find what looks the same. A comma separates tags
// wherever they are typed or listed (the `tag` filter, multipart fields, the web app's tags field),
// so a tag holding one could be stored but never found nor edited whole.
import { z } from 'zod';
import { AppError } from '../errors.ts';
import { text } from './text.ts';

/** Tags one document or article may carry, counted folded. */
export const maxTags = 20;

export function foldedTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((tag) => tag.trim().normalize('NFC').toLowerCase()).filter(Boolean))];
}

export const oneTag = text({ max: 50, min: 1 }).refine(
  (tag) => !tag.includes(','),
  'Must not contain a comma: commas separate tags',
);

export const foldedTagList = z.array(oneTag).max(maxTags, `At most ${maxTags} tags (one spelling each)`);

const ruleText = `Each 1–50 characters, without a comma; folded to lower case and Unicode NFC, each once ("SEO" and "seo" are one tag), then at most ${maxTags}.`;

/**
 * A JSON list of tags, folded: at most 100 as sent (spellings of one tag count once after). Its
 * entries are held to the per-tag rule as sent (a blank entry is refused, where a comma list's empty
 * pieces are dropped), which lets the OpenAPI document show it.
 */
export const tagList = z.array(oneTag).max(100).transform(foldedTags).pipe(foldedTagList).describe(ruleText);

/** Folded tags held to the rule: AppError `validation_error` at `field` (naming it) when they break it. */
export function checkedTags(folded: string[], field = 'tags'): string[] {
  const result = foldedTagList.safeParse(folded);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const index = issue?.path[0];
  const tag = typeof index === 'number' ? `"${folded[index]}": ` : '';
  throw new AppError(
    'validation_error',
    `${field}: at most ${maxTags} tags of 1–50 characters, without commas`,
    [{ path: field, message: `${tag}${issue?.message ?? 'invalid tags'}` }],
  );
}

/** Lists as given — repeated fields or options, each a comma list (empty pieces dropped) or a JSON list. */
function splitLists(values: readonly string[]): string[] {
  return values.flatMap((v) => {
    const trimmed = v.trim();
    if (trimmed.startsWith('[')) {
      try {
        const parsed: unknown = JSON.parse(trimmed);
        if (Array.isArray(parsed)) return parsed.map(String);
      } catch {
        // not JSON: a comma list
      }
    }
    return trimmed.split(',');
  });
}

/** Tags given as lists (splitLists), folded and held to the rule (checkedTags). */
export function tagsOfLists(values: readonly string[], field = 'tags'): string[] {
  return checkedTags(foldedTags(splitLists(values)), field);
}

/**
 * Tags in a query string: the parameter repeated, each a comma list; folded and held to the rule
 * (400 at the parameter). An empty value filters nothing.
 */
export const tagQuery = z
  .union([text({ max: 2000 }), z.array(text({ max: 2000 })).max(maxTags)])
  .transform((value) => foldedTags(splitLists([value].flat())))
  .pipe(foldedTagList)
  .describe(`Repeat it or give a comma list. ${ruleText}`);
