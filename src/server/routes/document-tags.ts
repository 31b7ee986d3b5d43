// A document's tags as requests carry them: a JSON list (a URL upload, an edit) or multipart `tags`
// fields (repeated, comma lists or JSON lists). Either way they are folded first (src/knowledge/
// tags.ts: case and Unicode form, each once) and then held to one rule: at most maxDocumentTags, each
// 1–50 characters — so 21 spellings of 20 tags are 20 tags, whichever way they were sent. A JSON
// list's entries are also held to the per-tag rule as sent (a blank entry is refused, where a comma
// list's empty pieces are dropped), which lets the OpenAPI document show it.
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import { text } from '../../input/text.ts';
import { foldedTags, maxDocumentTags } from '../../knowledge/tags.ts';

const tag = text({ max: 50, min: 1 });
const foldedTagList = z
  .array(tag)
  .max(maxDocumentTags, `At most ${maxDocumentTags} tags (one spelling each)`);

/** A JSON list of tags, folded: at most 100 as sent (spellings of one tag count once after). */
export const documentTags = z
  .array(tag)
  .max(100)
  .transform(foldedTags)
  .pipe(foldedTagList)
  .describe(
    `Each 1–50 characters; folded to lower case and Unicode NFC, each once ("SEO" and "seo" are one tag), then at most ${maxDocumentTags}.`,
  );

/** The tags of multipart `tags` fields, folded and held to the same rule as documentTags. */
export function multipartTags(values: string[]): string[] {
  const split = values.flatMap((v) => {
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
  const result = foldedTagList.safeParse(foldedTags(split));
  if (!result.success) {
    throw new AppError('validation_error', `tags: at most ${maxDocumentTags} tags of 1–50 characters`, [
      { path: 'tags', message: result.error.issues[0]?.message ?? 'invalid tags' },
    ]);
  }
  return result.data;
}
