// What a section's writer is given: its share of the brief's length, and its sources numbered
// 1..k (its citations are mapped back to the article's numbers afterwards), each quoted by its
// best passage for the section's subject. Pure.

import { sampleOwners, samplesOf } from '../../guides/placement.ts';
import { lexicalSupport } from '../../writing/citations.ts';
import type { Outline, OutlineSection } from '../../writing/outline.ts';
import { quoted } from '../checks.ts';
import type { GuideMaterial } from '../guide-schema.ts';
import { fullQuoteChars } from '../prompt-budget.ts';
import type { QuotedSource } from '../prompts.ts';
import type { ArticleSource } from '../types.ts';

/** Four fifths of the brief's words go to the sections, shared evenly, at least 80 each. */
/** The fewest words a section is written in, however many the brief's length leaves it. */
export const sectionFloor = 80;

export const wordsPerSection = (briefWords: number, sectionCount: number) =>
  Math.max(sectionFloor, Math.round((briefWords * 0.8) / sectionCount));

/** What a section is about, for choosing and quoting its sources. */
export const sectionFocus = (section: OutlineSection) =>
  `${section.heading} ${section.goal} ${section.keyPoints.join(' ')}`;

/** The section's sources renumbered 1..k, quoted to at most `maxChars` each; unknown numbers are left out. */
export function sectionSources(
  section: OutlineSection,
  sources: readonly ArticleSource[],
  maxChars = fullQuoteChars,
): QuotedSource[] {
  const focus = sectionFocus(section);
  return section.sourceIds
    .filter((n) => sources[n - 1])
    .map((n, k) => ({ ...quoted(sources[n - 1]!, focus, maxChars), n: k + 1 }));
}

/**
 * The samples of an integration guide that section `index` places, each with its operation's number
 * in the section's own numbering of its sources.
 */
export function sectionSamples(
  outline: Outline,
  guide: GuideMaterial,
  sources: readonly ArticleSource[],
  index: number,
) {
  const section = outline.sections[index];
  if (!section) return [];
  return withLocalSources(
    section,
    sources,
    samplesOf(guide.samples, sampleOwners(outline.sections, guide.samples), index),
  );
}

/** Samples with their operation's number in the section's own numbering, where it is given the operation. */
export function withLocalSources<S extends { source: number }>(
  section: OutlineSection,
  sources: readonly ArticleSource[],
  samples: readonly S[],
): Array<S & { localSource?: number }> {
  const local = section.sourceIds.filter((n) => sources[n - 1]);
  return samples.map((s) => {
    const n = local.indexOf(s.source) + 1;
    return n > 0 ? { ...s, localSource: n } : s;
  });
}

/** A section the outline gave no (valid) sources still gets the three closest to its subject. */
export function assignSources(outline: Outline, sources: readonly ArticleSource[]): Outline {
  const valid = (n: number) => n >= 1 && n <= sources.length;
  return {
    ...outline,
    sections: outline.sections.map((section) => {
      const ids = section.sourceIds.filter(valid);
      if (ids.length > 0 || sources.length === 0) return { ...section, sourceIds: ids };
      const subject = sectionFocus(section);
      const ranked = sources
        .map((s) => ({ n: s.n, score: lexicalSupport(subject, s.text) }))
        .sort((a, b) => b.score - a.score)
        .slice(0, 3)
        .map((r) => r.n);
      return { ...section, sourceIds: ranked };
    }),
  };
}
