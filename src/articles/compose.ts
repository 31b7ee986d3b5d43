// Turns the written parts into the article: one global citation numbering by first appearance,
// the sources renumbered to match (uncited ones drop out), and the references list — the headings
// around the parts (conclusion, FAQ, references) in the article's language.
import { type ReferenceSource, referenceList } from '../writing/citations.ts';
import { frameLabels } from '../writing/frame-headings.ts';
import { assembleArticle, remapCitations, renumberCitations } from '../writing/sections.ts';
import type { ArticleSource } from './types.ts';

export interface ArticleDraft {
  title: string;
  intro: string;
  sections: ReadonlyArray<{ heading: string; markdown: string }>;
  conclusion: string;
  faq?: ReadonlyArray<{ question: string; answer: string }>;
}

export function referenceSource(s: ArticleSource): ReferenceSource {
  return {
    n: s.n,
    title: s.title,
    ...(s.url ? { url: s.url } : {}),
    ...(s.fetchedAt ? { accessedAt: s.fetchedAt } : {}),
    ...(s.documentId
      ? {
          document: {
            ...(s.page !== undefined ? { page: s.page } : {}),
            ...(s.headingPath?.length ? { heading: s.headingPath.at(-1) } : {}),
          },
        }
      : {}),
  };
}

export function composeArticle(
  draft: ArticleDraft,
  sources: readonly ArticleSource[],
  /** The article's language (the brief's BCP 47 tag): the frame headings are written in it. */
  language?: string,
): {
  markdown: string;
  sources: ArticleSource[];
  renumber: (n: number) => number | undefined;
  /** Citations of numbers outside the sources, removed (one per occurrence). */
  removedCitations: number;
} {
  const faq = draft.faq ?? [];
  const parts = [
    draft.intro,
    ...draft.sections.map((s) => s.markdown),
    draft.conclusion,
    // The FAQ is written from the outline alone, with no sources: a marker in an answer would link a
    // source its writer never saw (a regenerated FAQ drops them too).
    ...faq.map((f) => remapCitations(f.answer, () => undefined).markdown),
  ];
  const { parts: renumbered, order, removed } = renumberCitations(parts, sources.length);
  const finalSources = order.map((old, k) => ({ ...sources[old - 1]!, n: k + 1 }));
  const newNumber = new Map(order.map((old, k) => [old, k + 1]));
  const at = (i: number) => renumbered[i] ?? '';
  const count = draft.sections.length;
  const labels = frameLabels(language);
  const markdown = assembleArticle({
    title: draft.title,
    intro: at(0),
    sections: draft.sections.map((s, i) => ({ heading: s.heading, markdown: at(1 + i) })),
    conclusion: at(1 + count),
    ...(faq.length > 0
      ? { faq: faq.map((f, i) => ({ question: f.question, answer: at(2 + count + i) })) }
      : {}),
    references: referenceList(finalSources.map(referenceSource), labels.references),
    labels,
  });
  return { markdown, sources: finalSources, renumber: (n) => newNumber.get(n), removedCitations: removed };
}
