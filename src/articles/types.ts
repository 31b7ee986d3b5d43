// What the pipeline stores about an article, step by step, and shows through the API.
import type { ArticleStatus } from '../db/schema/articles.ts';
import type { OutputRung } from '../llm/types.ts';
import type { ArticleBrief } from '../writing/brief.ts';
import type { Outline } from '../writing/outline.ts';

/** A source as the writer sees it: numbered, with provenance so a citation links back. */
export interface ArticleSource {
  n: number;
  kind: 'url' | 'document' | 'web' | 'knowledge';
  title: string;
  url?: string;
  documentId?: string;
  page?: number;
  headingPath?: string[];
  fetchedAt?: string;
  excerpt: string;
  /** The quoted text the writer and checkers get (bounded); not shown by the API. */
  text: string;
}

export type PublicSource = Omit<ArticleSource, 'text'>;

export interface CitationCheck {
  sentence: string;
  sources: number[];
  supported: boolean;
  /** 0..1: lexical support and the checker's verdict combined. */
  score: number;
  lexical: number;
  verdict?: { supported: boolean; score: number; reason?: string };
}

export type ClaimVerdict = 'supported' | 'unsupported' | 'contradicted';

export interface FactCheckClaim {
  claim: string;
  verdict: ClaimVerdict;
  sources: number[];
  note?: string;
  /** Which body section the claim is in (-1 for intro/conclusion). */
  section: number;
  /** Set once the revision step rewrote the sentence. */
  revised?: boolean;
}

export interface SeoPack {
  score: number;
  metaTitle: string;
  metaDescription: string;
  keywords: string[];
  slug: string;
  wordCount: number;
  readability: Record<string, number>;
  issues: Array<{ code: string; severity: string; message: string; fix: string }>;
  jsonLd: Record<string, unknown>;
}

export interface StepView {
  name: string;
  status: 'pending' | 'running' | 'completed' | 'failed' | 'skipped';
  attempts: number;
  error: string | null;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** Some token counts were estimated with a tokenizer: the server reported no usage. */
  usageEstimated: boolean;
  /** Structured-output rungs the step's model calls were answered on, in order of first use. */
  outputRungs: OutputRung[];
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface ArticleView {
  id: string;
  brief: ArticleBrief;
  status: ArticleStatus;
  error: string | null;
  topic: string;
  title: string;
  slug: string;
  markdown: string;
  html: string;
  grounded: boolean;
  favorite: boolean;
  wordCount: number;
  outline: Outline | null;
  sections: Array<{ index: number; heading: string }>;
  sources: PublicSource[];
  citations: CitationCheck[];
  factCheck: { claims: FactCheckClaim[] } | null;
  seo: SeoPack | null;
  /** `estimated`: some counts come from a tokenizer because the server reported no usage. */
  usage: { inputTokens: number; outputTokens: number; costUsd: number; estimated: boolean };
  steps: StepView[];
  createdAt: Date;
  updatedAt: Date;
}

export interface ArticleSummary {
  id: string;
  topic: string;
  title: string;
  status: ArticleStatus;
  slug: string;
  wordCount: number;
  favorite: boolean;
  grounded: boolean;
  costUsd: number;
  error: string | null;
  createdAt: Date;
  updatedAt: Date;
}
