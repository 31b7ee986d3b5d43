// What the pipeline stores about an article and shows through the API. The shapes the API shows are
// inferred from its zod schemas (src/server/routes/article-schemas.ts), the one description of the
// contract; only what never leaves the server (a source's quoted text) is added here.
import type { z } from 'zod';
import type {
  articleSummary,
  articleView,
  citationView,
  claimRecord,
  claimView,
  instructionFlagView,
  seoView,
  sourceView,
  stepView,
} from '../server/routes/article-schemas.ts';

export type { ArticleStatus } from './statuses.ts';

/** A source as the API shows it: numbered, with provenance so a citation links back. */
export type PublicSource = z.infer<typeof sourceView>;

/** A source as the writer sees it: the quoted text the writer and checkers get (bounded) is not shown by the API. */
export type ArticleSource = PublicSource & { text: string };

/** A cited sentence: `score` 0..1 is lexical support and the checker's verdict combined. */
export type CitationCheck = z.infer<typeof citationView>;

/** A fact-check claim as stored; `section` -1 is the intro/conclusion, `revised` is set once the revision step rewrote it. */
export type FactCheckClaim = z.infer<typeof claimRecord>;
/** A claim as the API shows it: always an id, and where its sentence is in the text now. */
export type ClaimView = z.infer<typeof claimView>;
export type InstructionFlag = z.infer<typeof instructionFlagView>;
export type ClaimVerdict = FactCheckClaim['verdict'];

export type SeoPack = z.infer<typeof seoView>;
export type StepView = z.infer<typeof stepView>;
export type ArticleView = z.infer<typeof articleView>;
export type ArticleSummary = z.infer<typeof articleSummary>;
