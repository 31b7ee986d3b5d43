// The article's text at the two points the final checks read it: as drafted (the sections, intro,
// conclusion and FAQ composed into one citation numbering) and as the fact check and revision leave
// it. Both are promises made once, when the draft starts, for the citation check (which starts with
// the first section written), the SEO pack and the final save.
import type { Outline } from '../../writing/outline.ts';
import { composeArticle } from '../compose.ts';
import { guidedDraft } from '../guide-material.ts';
import type { GuideMaterial } from '../guide-schema.ts';
import type { ArticleSource } from '../types.ts';
import type { Draft } from './draft-sections.ts';
import type { Checked } from './run-checks.ts';

export type Composed = ReturnType<typeof composeArticle>;
/** The checks' outcome with the final text it leaves. */
export type CheckedText = Checked & { composed: Composed };

export interface FinalText {
  /** The draft composed as written; rejects when the draft fails. */
  asDrafted: Promise<Composed>;
  /** The text the fact check and revision leave; rejects when the draft or the checks fail. */
  checked: Promise<CheckedText>;
}

interface Parts {
  title: string;
  outline: Outline;
  sources: readonly ArticleSource[];
  /** The brief's language, which the frame headings are written in. */
  language: string;
  /** An integration guide's samples, placed in the sections that explain their operations. */
  guide?: GuideMaterial | undefined;
}

function compose(parts: Parts, draft: Draft, bodies: readonly string[]): Composed {
  const { title, outline, sources, language, guide } = parts;
  const written = {
    title,
    intro: draft.intro,
    sections: outline.sections.map((s, i) => ({ heading: s.heading, markdown: bodies[i] ?? '' })),
    conclusion: draft.conclusion,
    faq: draft.faq,
  };
  return composeArticle(guide ? guidedDraft(written, outline.sections, guide) : written, sources, language);
}

export function finalText(parts: Parts, draft: Promise<Draft>, checking: Promise<Checked>): FinalText {
  const asDrafted = draft.then((d) =>
    compose(
      parts,
      d,
      d.sections.map((s) => s.markdown),
    ),
  );
  const checked = Promise.all([draft, asDrafted, checking]).then(
    ([d, drafted, c]): CheckedText => ({
      ...c,
      composed: c.revised.every((text, i) => text === d.sections[i]?.markdown)
        ? drafted
        : compose(parts, d, c.revised),
    }),
  );
  // Read later, by whichever step gets there; handled now so a failure meanwhile is not unhandled.
  asDrafted.catch(() => {});
  checked.catch(() => {});
  return { asDrafted, checked };
}
