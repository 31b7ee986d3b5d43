// The shape every SEO check shares. A rule looks at the analysed article and returns its checks;
// a check passes when it has no issues, and its weight counts towards the score either way. A
// weight of 0 is a note: shown, never scored.
import type { HeadingReport, SeoDocument } from '../document.ts';
import type { KeywordReport } from '../keywords.ts';
import type { readability } from '../readability.ts';

export type SeoSeverity = 'error' | 'warning' | 'info';

export interface SeoIssue {
  code: string;
  severity: SeoSeverity;
  message: string;
  fix: string;
}

/** What every rule may look at, computed once per analysis. */
export interface SeoContext {
  doc: SeoDocument;
  language: string;
  /** The options' title, else the H1, else ''. */
  title: string;
  /** Content subheadings (level > 1), the references heading left out. */
  subheadings: string[];
  wordCount: number;
  headings: HeadingReport;
  /** Flesch scores with the sentence and word counts they came from. */
  readability: ReturnType<typeof readability>;
  slug: string;
  metaTitle: string;
  metaDescription: string;
  primary: KeywordReport | undefined;
  secondary: KeywordReport[];
}

export interface SeoCheck {
  weight: number;
  issues: SeoIssue[];
}

export type SeoRule = (ctx: SeoContext) => SeoCheck[];

export const issue = (code: string, severity: SeoSeverity, message: string, fix: string): SeoIssue => ({
  code,
  severity,
  message,
  fix,
});

/** One scored check: it passes when `failure` is undefined. */
export const check = (weight: number, failure?: SeoIssue): SeoCheck => ({
  weight,
  issues: failure ? [failure] : [],
});

/** An unscored remark (e.g. a check that cannot run for this article). */
export const note = (remark: SeoIssue): SeoCheck => ({ weight: 0, issues: [remark] });

/** The weighted share of passing checks, 0..100 (0 when nothing was scored). */
export function scoreOf(checks: readonly SeoCheck[]): number {
  let earned = 0;
  let possible = 0;
  for (const c of checks) {
    possible += c.weight;
    if (c.issues.length === 0) earned += c.weight;
  }
  return possible === 0 ? 0 : Math.round((100 * earned) / possible);
}
