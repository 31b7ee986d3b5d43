// A document's tags as a JSON request carries them (a URL upload, an edit), for the OpenAPI document
// too. The rule is the knowledge domain's (src/knowledge/tag-lists.ts): folded first, then at most
// maxDocumentTags, each 1–50 characters. A JSON list's entries are also held to the per-tag rule as
// sent (a blank entry is refused, where a comma list's empty pieces are dropped), which lets the
// OpenAPI document show it. Multipart `tags` fields go through tagsOfLists.
import { z } from 'zod';
import { documentTag, foldedTagList } from '../../knowledge/tag-lists.ts';
import { foldedTags, maxDocumentTags } from '../../knowledge/tags.ts';

/** A JSON list of tags, folded: at most 100 as sent (spellings of one tag count once after). */
export const documentTags = z
  .array(documentTag)
  .max(100)
  .transform(foldedTags)
  .pipe(foldedTagList)
  .describe(
    `Each 1–50 characters; folded to lower case and Unicode NFC, each once ("SEO" and "seo" are one tag), then at most ${maxDocumentTags}.`,
  );
