// The one rule for a document's tags, however they are given (a JSON list, multipart `tags` fields,
// `blogsmith ingest --tags`): folded first (tags.ts: case and Unicode form, each once), then at most
// maxDocumentTags, each 1–50 characters — so 21 spellings of 20 tags are 20 tags, whichever way they
// were sent, and a first upload is held to the cap as a re-upload and an edit are.
import { z } from 'zod';
import { AppError } from '../errors.ts';
import { text } from '../input/text.ts';
import { foldedTags, maxDocumentTags } from './tags.ts';

export const documentTag = text({ max: 50, min: 1 });

export const foldedTagList = z
  .array(documentTag)
  .max(maxDocumentTags, `At most ${maxDocumentTags} tags (one spelling each)`);

/** Folded tags held to the rule: AppError `validation_error` at `field` (naming it) when they break it. */
export function checkedTags(folded: string[], field = 'tags'): string[] {
  const result = foldedTagList.safeParse(folded);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const index = issue?.path[0];
  const tag = typeof index === 'number' ? `"${folded[index]}": ` : '';
  throw new AppError('validation_error', `${field}: at most ${maxDocumentTags} tags of 1–50 characters`, [
    { path: field, message: `${tag}${issue?.message ?? 'invalid tags'}` },
  ]);
}

/**
 * Tags given as lists — repeated fields or options, each a comma list (empty pieces dropped) or a
 * JSON list — folded and held to the rule (checkedTags).
 */
export function tagsOfLists(values: readonly string[], field = 'tags'): string[] {
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
  return checkedTags(foldedTags(split), field);
}
