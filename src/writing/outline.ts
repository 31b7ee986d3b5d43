// The outline: the model's structured plan of the article, merged with the headings the user asked for.
import { z } from 'zod';
import { isConclusionHeading, isFaqHeading, isReferencesHeading } from './frame-headings.ts';
import { normalHeading } from './sections.ts';
import { englishStopWords, stem, words } from './words.ts';

export const outlineSectionSchema = z.object({
  heading: z.string().trim().min(1).max(200).describe('Section heading, without "#" or numbering.'),
  goal: z.string().max(1000).describe('What the section must achieve for the reader, in one sentence.'),
  keyPoints: z.array(z.string().max(500)).max(12).describe('Points the section must make.'),
  sourceIds: z
    .array(z.number().int().positive())
    .max(20)
    .describe('Numbers of the sources the section may cite, as in the numbered source list.'),
});

export const outlineSchema = z.object({
  title: z.string().trim().min(1).max(200).describe('Article title.'),
  sections: z.array(outlineSectionSchema).min(1).max(30).describe('Body sections in order.'),
  faq: z.array(z.string().max(300)).max(10).optional().describe('Questions for an FAQ section, if useful.'),
});

export type OutlineSection = z.output<typeof outlineSectionSchema>;
export type Outline = z.output<typeof outlineSchema>;

// The intro, conclusion, FAQ and references are written by their own steps: a model section with one of
// these headings, or the conclusion's, FAQ's or references' heading in any language (frame-headings.ts),
// would duplicate them.
const reservedHeading =
  /^(introduction|intro|conclusion|summary|final thoughts|faqs?|frequently asked questions|references|sources)$/i;
const isReserved = (heading: string) =>
  reservedHeading.test(heading) ||
  isConclusionHeading(heading) ||
  isFaqHeading(heading) ||
  isReferencesHeading(heading);

export function cleanHeading(heading: string): string {
  return heading
    .replace(/^\s*#{1,6}\s*/, '')
    .replace(/^\s*(?:\d{1,2}[.)]|[IVX]{1,4}\.)\s+/, '')
    .replace(/^(\*\*|__)(.*)\1$/, '$2')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * The section headings the user asked for, cleaned; empty when none is left (`[]`, blank or
 * "##" only): then the model plans the sections, as without an outline.
 */
export const requestedHeadings = (outline: readonly string[] | undefined): string[] =>
  (outline ?? []).map(cleanHeading).filter(Boolean);

/**
 * Why a requested outline cannot be written as asked, by heading. A heading asked twice makes two
 * sections that the article's headings cannot tell apart (regenerating the second rewrote the
 * first); the introduction, conclusion, FAQ and references are written by their own steps, so one
 * asked for was written twice.
 */
export function outlineIssues(
  outline: readonly string[] | undefined,
): Array<{ path: string; message: string }> {
  const issues: Array<{ path: string; message: string }> = [];
  const seen = new Map<string, number>();
  (outline ?? []).forEach((asked, i) => {
    const heading = cleanHeading(asked);
    if (!heading) return;
    const path = `outline.${i}`;
    if (isReserved(heading)) {
      issues.push({
        path,
        message: `"${heading}" is written for you (the introduction, conclusion, FAQ and references have steps of their own): leave it out of the outline`,
      });
      return;
    }
    const key = normalHeading(heading);
    const first = seen.get(key);
    if (first === undefined) seen.set(key, i);
    else
      issues.push({
        path,
        message: `Repeats heading ${first + 1} ("${cleanHeading(outline?.[first] ?? '')}"): each section needs a heading of its own`,
      });
  });
  return issues;
}

/**
 * How many body sections the outline step asks for: the user's headings, else about 250 words each
 * (of the 80 % of the length the body takes), 3 to 8. The estimate plans with the same number.
 */
export function plannedSectionCount(brief: {
  outline?: readonly string[] | undefined;
  words: number;
}): number {
  const requested = requestedHeadings(brief.outline).length;
  return requested > 0 ? requested : Math.min(8, Math.max(3, Math.round((brief.words * 0.8) / 250)));
}

// Words that tell no two headings apart. Not the whole stop-word list: its "before", "after", "why",
// "how" are what tells "Before installation" from "After installation" and "Why choose a heat
// pump?" from "How to choose a heat pump", which it made one section (one of them dropped, or a
// user heading given the other's plan). A loose match of a user's heading to a model section
// (`overlap`) still leaves all of them out: "What you need: equipment" is about equipment.
const headingFillers = new Set([
  'a',
  'an',
  'the',
  'and',
  'or',
  'of',
  'for',
  'to',
  'in',
  'on',
  'at',
  'by',
  'your',
  'our',
  'its',
  'their',
  'my',
]);

// Stop words that still tell two headings apart: a loose match ignores the rest.
const contrasting = new Set([
  'before',
  'after',
  'why',
  'how',
  'without',
  'not',
  'no',
  'over',
  'under',
  'more',
  'less',
  'first',
  'last',
]);
const looseSkipped: ReadonlySet<string> = new Set([...englishStopWords].filter((w) => !contrasting.has(w)));

// Words of a heading, stemmed, without `skipped`; hyphenated compounds split ("step-by-step" → step, step).
function headingStems(heading: string, skipped: ReadonlySet<string> = looseSkipped): string[] {
  return words(heading.replace(/[-–]/g, ' '))
    .filter((w) => !skipped.has(w.toLowerCase()))
    .map((w) => stem(w));
}

/** Two headings with the same key are one section: the same words, fillers aside, in any order. */
function headingKey(heading: string): string {
  return [...new Set(headingStems(heading, headingFillers))].sort().join(' ');
}

// Words of the article title (its topic) appear in many headings and say nothing about which section is which.
function overlap(a: string, b: string, topic: ReadonlySet<string>): number {
  const distinctive = (heading: string) => {
    const all = headingStems(heading);
    const rest = all.filter((s) => !topic.has(s));
    return new Set(rest.length > 0 ? rest : all);
  };
  const left = distinctive(a);
  const right = distinctive(b);
  if (left.size === 0 || right.size === 0) return 0;
  let shared = 0;
  for (const s of left) if (right.has(s)) shared++;
  return shared / new Set([...left, ...right]).size;
}

function cleanSection(section: OutlineSection): OutlineSection {
  return {
    heading: cleanHeading(section.heading),
    goal: section.goal.trim(),
    keyPoints: section.keyPoints.map((p) => p.trim()).filter(Boolean),
    sourceIds: [...new Set(section.sourceIds)],
  };
}

/*
 * User headings win: when given, they are the sections, in the user's order. Each takes the goal, key points
 * and sources of the model section that matches it (same content words after stemming, in any order, else the
 * best overlap of at least one half of their content words, words of the title not counted); a user heading no model section matches gets an empty plan for the writer to fill.
 * Without user headings the model's sections are cleaned: numbering and "#" removed, duplicates and reserved
 * headings (introduction, conclusion, FAQ, references) dropped.
 */
export function normaliseOutline(
  userHeadings: readonly string[] | undefined,
  modelOutline: Outline,
): Outline {
  const modelSections = modelOutline.sections.map(cleanSection).filter((s) => s.heading);
  const wanted = requestedHeadings(userHeadings);
  const faq = modelOutline.faq?.map((q) => q.trim()).filter(Boolean);
  const base = { title: cleanHeading(modelOutline.title), ...(faq && faq.length > 0 ? { faq } : {}) };

  if (wanted.length === 0) {
    const seen = new Set<string>();
    const sections = modelSections.filter((section) => {
      const key = headingKey(section.heading) || section.heading.toLowerCase();
      if (isReserved(section.heading) || seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    return { ...base, sections: sections.length > 0 ? sections : modelSections.slice(0, 1) };
  }

  const topic = new Set(headingStems(modelOutline.title));
  const unused = new Set(modelSections.keys());
  const sections = wanted.map((heading) => {
    const key = headingKey(heading);
    let match = [...unused].find((i) => headingKey(modelSections[i]!.heading) === key);
    if (match === undefined) {
      let best = 0;
      for (const i of unused) {
        const score = overlap(heading, modelSections[i]!.heading, topic);
        if (score >= 0.5 && score > best) {
          best = score;
          match = i;
        }
      }
    }
    if (match === undefined) return { heading, goal: '', keyPoints: [], sourceIds: [] };
    unused.delete(match);
    return { ...modelSections[match]!, heading };
  });
  return { ...base, sections };
}
