// The step list of a run, stable from the start: the pipeline's planned steps are shown before
// they run, and the sections appear in place of one placeholder once the outline names them.
import type { Step } from '../../api.ts';
import { pendingStep } from './live-events.ts';

const stepNames: Record<string, string> = {
  plan: 'Plan the research',
  gather: 'Gather sources',
  outline: 'Outline',
  sections: 'Write the sections',
  intro: 'Introduction',
  conclusion: 'Conclusion',
  faq: 'FAQ',
  factcheck: 'Fact check',
  revise: 'Revise unsupported claims',
  citations: 'Check citations',
  seo: 'SEO pack',
  render: 'Finish',
};

export function stepLabel(name: string, sections: Array<{ index: number; heading: string }> = []) {
  const m = /^section:(\d+)(#r\d+)?$/.exec(name);
  if (m) {
    const heading = sections.find((s) => s.index === Number(m[1]))?.heading;
    return `Section ${Number(m[1]) + 1}${heading ? `: ${heading}` : ''}${m[2] ? ' (rewrite)' : ''}`;
  }
  return stepNames[name] ?? name.replace(/[_.:-]+/g, ' ').replace(/^\w/, (c) => c.toUpperCase());
}

// The pipeline's order (src/articles/pipeline.ts stepPositions); sections go where `sections` is.
const planned = [
  'plan',
  'gather',
  'outline',
  'sections',
  'intro',
  'conclusion',
  'faq',
  'factcheck',
  'revise',
  'citations',
  'seo',
  'render',
];
const order = (name: string) => {
  if (name.startsWith('section:'))
    return planned.indexOf('sections') + Number(/\d+/.exec(name)?.[0] ?? 0) / 1000;
  const i = planned.indexOf(name);
  return i === -1 ? planned.length : i;
};

/**
 * The known steps plus the planned ones not yet declared, in pipeline order. Once the server's list
 * (declared after the outline, `render` last) has been read, it is complete and shown as it is. A
 * section's `step.started` can arrive before that read: the sections then stand in for their
 * placeholder and the later planned steps stay listed.
 */
export function plannedSteps(known: Step[], brief: { factCheck: boolean; seo: boolean }): Step[] {
  if (known.some((s) => s.name === 'render')) return [...known].sort((a, b) => order(a.name) - order(b.name));
  const skip = new Set([
    'faq',
    ...(known.some((s) => s.name.startsWith('section:')) ? ['sections'] : []),
    ...(brief.factCheck ? [] : ['factcheck', 'revise']),
    ...(brief.seo ? [] : ['seo']),
  ]);
  const names = new Set(known.map((s) => s.name));
  const extra = planned.filter((n) => !names.has(n) && !skip.has(n)).map(pendingStep);
  return [...known, ...extra].sort((a, b) => order(a.name) - order(b.name));
}
