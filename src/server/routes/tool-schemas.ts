// Response schemas the tools and the remix share: what the call cost, and what was changed after the
// model to keep a platform's limits.
import { z } from 'zod';

export const callUsage = z
  .object({
    provider: z.string(),
    model: z.string(),
    inputTokens: z.number().int(),
    outputTokens: z.number().int(),
    costUsd: z
      .number()
      .nullable()
      .describe("Every attempt of the call (repairs, fallbacks); null when the model's price is unknown"),
    costKnown: z.boolean(),
    estimated: z.boolean().describe('The server reported no usage: its tokens were counted with a tokenizer'),
    attempts: z.number().int(),
  })
  .describe('What the model call used; the same is in the ledger (`GET /api/v1/usage?groupBy=purpose`)');

export const repairs = z
  .array(
    z.object({
      index: z.number().int().describe('The variant (tools) or the part (remix) changed'),
      field: z.string(),
      message: z.string(),
    }),
  )
  .describe('What was changed after the model to keep a limit (a text shortened, a post split)');

export const limitUnit = z
  .enum(['characters', 'x'])
  .describe('`x`: counted as X counts a post (links 23, CJK and emoji 2)');
