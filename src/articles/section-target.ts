// Which part of a finished article a regeneration rewrites — the introduction, a body section (by
// index or heading), the conclusion or the FAQ — and where that part is in the article's current
// Markdown, which may have been edited by hand since it was generated.
import { z } from 'zod';
import { fencedLines } from '../writing/code-fences.ts';
import { isConclusionHeading, isFaqHeading, isReferencesHeading } from '../writing/frame-headings.ts';
import type { Outline } from '../writing/outline.ts';
import { normalHeading } from '../writing/sections.ts';

export const frameParts = ['intro', 'conclusion', 'faq'] as const;
export const sectionTargetSchema = z.union([z.enum(frameParts), z.number().int().min(0).max(100)]);
/** A body section's index in the outline, or one of the parts written around the body sections. */
export type SectionTarget = z.infer<typeof sectionTargetSchema>;

/**
 * The target a path segment names: `intro`, `conclusion`, `faq`, a section index, or a body
 * section's heading (matched whatever its emphasis, case and spacing). Undefined when none matches.
 */
export function parseSectionTarget(segment: string, outline: Outline | null): SectionTarget | undefined {
  const named = segment.trim().toLowerCase();
  if ((frameParts as readonly string[]).includes(named)) return named as SectionTarget;
  if (/^\d{1,3}$/.test(named)) return Number(named);
  const index = outline?.sections.findIndex((s) => normalHeading(s.heading) === normalHeading(segment)) ?? -1;
  return index >= 0 ? index : undefined;
}

/** The target's step name base (`intro`, `section:2`...): a regeneration's step is `<base>#rN`. */
export const targetStep = (target: SectionTarget) =>
  typeof target === 'number' ? `section:${target}` : target;

/** A part of the Markdown: lines [start, end), its heading line (none for the intro) and its text. */
export interface LocatedPart {
  /** The first line of the part's text. */
  start: number;
  end: number;
  heading: string | null;
  text: string;
}

const isH2 = (line: string) => /^##\s/.test(line);

/** The article's lines, with which of them are `## ` headings (a `## ` line in a code block is code). */
export function headedLines(markdown: string) {
  const lines = markdown.split('\n');
  const code = fencedLines(lines);
  return { lines, code, h2: lines.flatMap((l, i) => (!code[i] && isH2(l) ? [i] : [])) };
}

function partAt({ lines, h2 }: ReturnType<typeof headedLines>, headingLine: number): LocatedPart {
  const end = h2.find((i) => i > headingLine) ?? lines.length;
  return {
    start: headingLine + 1,
    end,
    heading: lines[headingLine]!.slice(3).trim(),
    text: lines
      .slice(headingLine + 1, end)
      .join('\n')
      .trim(),
  };
}

/**
 * Where the target is in `markdown`. The intro is the text between the `# ` title and the first
 * `## `; a body section is under its outline heading; after the last body section come the
 * conclusion (a `## ` part without `### ` questions) and the FAQ (one with them), before the
 * references. Undefined when the part is not there (an edit removed its heading, or the article
 * has no FAQ).
 */
export function locatePart(
  markdown: string,
  outline: Outline,
  target: SectionTarget,
): LocatedPart | undefined {
  const headed = headedLines(markdown);
  const { lines, code, h2 } = headed;
  if (target === 'intro') {
    const title = lines.findIndex((l, i) => !code[i] && /^#\s/.test(l));
    const end = h2.find((i) => i > title) ?? lines.length;
    return {
      start: title + 1,
      end,
      heading: null,
      text: lines
        .slice(title + 1, end)
        .join('\n')
        .trim(),
    };
  }
  const headingOf = (heading: string) =>
    h2.find((i) => normalHeading(lines[i]!.slice(3)) === normalHeading(heading));
  if (typeof target === 'number') {
    const section = outline.sections[target];
    const at = section ? headingOf(section.heading) : undefined;
    return at === undefined ? undefined : partAt(headed, at);
  }
  const bodyLines = outline.sections.map((s) => headingOf(s.heading)).filter((i) => i !== undefined);
  const afterBody = bodyLines.length > 0 ? Math.max(...bodyLines) : (h2[0] ?? lines.length) - 1;
  const trailing = h2
    .filter((i) => i > afterBody && i !== h2.findLast((j) => isReferencesHeading(lines[j]!.slice(3))))
    .map((i) => partAt(headed, i));
  const hasQuestions = (p: LocatedPart) =>
    lines.slice(p.start, p.end).some((l, k) => !code[p.start + k] && /^###\s/.test(l));
  // The FAQ is the part under an FAQ heading, or — the heading edited — the last part with `### `
  // questions after the conclusion. A conclusion with a `### ` sub-heading of its own ("Key
  // takeaways") stays the conclusion: taken for the FAQ, it could not be regenerated, and
  // regenerating the FAQ wrote over it.
  const withQuestions = trailing.filter(hasQuestions);
  const faq =
    withQuestions.find((p) => isFaqHeading(normalHeading(p.heading ?? ''))) ??
    (trailing.length > 1 && withQuestions.at(-1) !== trailing[0] ? withQuestions.at(-1) : undefined);
  if (target === 'faq') return faq;
  // Under its own heading when it has it: the first trailing part may be a renamed body section.
  return (
    trailing.find((p) => p !== faq && isConclusionHeading(normalHeading(p.heading ?? ''))) ??
    trailing.find((p) => p !== faq)
  );
}

/** `markdown` with the located part's text replaced by `text` (its heading kept). */
export function replacePart(markdown: string, part: LocatedPart, text: string): string {
  const lines = markdown.split('\n');
  return [...lines.slice(0, part.start), '', text.trim(), '', ...lines.slice(part.end)].join('\n');
}

/** How the writer sees the target named. */
export function targetLabel(target: SectionTarget, outline: Outline | null): string {
  if (target === 'intro') return 'Introduction';
  if (target === 'conclusion') return 'Conclusion';
  if (target === 'faq') return 'FAQ';
  return outline?.sections[target]?.heading ?? `Section ${target + 1}`;
}
