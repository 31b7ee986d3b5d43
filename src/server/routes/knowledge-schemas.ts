// Response shapes of the knowledge API: the one description the OpenAPI document, the serializer
// and the domain's result types (z.infer) share.
import { z } from 'zod';

export const searchResult = z.object({
  chunkId: z.uuid(),
  documentId: z.uuid(),
  documentTitle: z.string(),
  text: z.string(),
  score: z.number(),
  headingPath: z.array(z.string()),
  pageStart: z.number().int().nullable(),
  pageEnd: z.number().int().nullable(),
});

export const similarPassage = z.object({
  chunkId: z.uuid(),
  documentId: z.uuid(),
  documentTitle: z.string(),
  text: z.string(),
  pageStart: z.number().int().nullable(),
  pageEnd: z.number().int().nullable(),
  score: z.number(),
  /** 1 − cosine distance of the embeddings; absent without vectors. */
  cosine: z.number().optional(),
  /** Jaccard similarity of 5-word shingles (copied wording). */
  shingleJaccard: z.number(),
});

export const documentPassage = z.object({
  /** Position in the document, from 0. */
  index: z.number().int(),
  text: z.string(),
  headingPath: z.array(z.string()),
  pageStart: z.number().int().nullable(),
  pageEnd: z.number().int().nullable(),
});
