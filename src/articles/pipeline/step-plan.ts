// The pipeline's steps: their names and positions (the order the API lists them in), and the steps
// an outline adds. Pure: the stages and the unit tests share it.
import type { Outline } from '../../writing/outline.ts';

export const stepPositions = {
  plan: 0,
  gather: 1,
  outline: 2,
  section: 10,
  intro: 100,
  conclusion: 101,
  faq: 102,
  factcheck: 110,
  revise: 111,
  citations: 112,
  seo: 120,
  render: 130,
} as const;

/** The steps every new article starts with, before its outline is known. */
export const initialSteps = (['plan', 'gather', 'outline'] as const).map((name) => ({
  name,
  position: stepPositions[name],
}));

export const sectionStep = (index: number) => `section:${index}`;

/** The steps after the outline: one per section, the frame, the checks and the rendering. */
export function stepsAfterOutline(outline: Pick<Outline, 'sections' | 'faq'>) {
  return [
    ...outline.sections.map((_, i) => ({ name: sectionStep(i), position: stepPositions.section + i })),
    { name: 'intro', position: stepPositions.intro },
    { name: 'conclusion', position: stepPositions.conclusion },
    ...(outline.faq?.length ? [{ name: 'faq', position: stepPositions.faq }] : []),
    { name: 'factcheck', position: stepPositions.factcheck },
    { name: 'revise', position: stepPositions.revise },
    { name: 'citations', position: stepPositions.citations },
    { name: 'seo', position: stepPositions.seo },
    { name: 'render', position: stepPositions.render },
  ];
}
