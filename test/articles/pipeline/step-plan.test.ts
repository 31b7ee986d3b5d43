// The pipeline's step names and positions: what the run declares and the API lists, in order.
import { describe, expect, it } from 'vitest';
import {
  initialSteps,
  sectionStep,
  stepPositions,
  stepsAfterOutline,
} from '../../../src/articles/pipeline/step-plan.ts';

const section = { heading: 'H', goal: '', keyPoints: [], sourceIds: [] };

describe('the step plan', () => {
  it('starts every article with plan, gather and outline, in that order', () => {
    expect(initialSteps).toEqual([
      { name: 'plan', position: 0 },
      { name: 'gather', position: 1 },
      { name: 'outline', position: 2 },
    ]);
  });

  it('adds a step per section, numbered from the section position, then the frame, checks and render', () => {
    const steps = stepsAfterOutline({ sections: [section, section, section] });
    expect(steps.map((s) => s.name)).toEqual([
      'section:0',
      'section:1',
      'section:2',
      'intro',
      'conclusion',
      'factcheck',
      'revise',
      'citations',
      'seo',
      'render',
    ]);
    expect(steps.slice(0, 3).map((s) => s.position)).toEqual([10, 11, 12]);
    const positions = steps.map((s) => s.position);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('has an faq step only when the outline asks questions', () => {
    expect(stepsAfterOutline({ sections: [section], faq: [] }).some((s) => s.name === 'faq')).toBe(false);
    const withFaq = stepsAfterOutline({ sections: [section], faq: ['Why?'] });
    expect(withFaq.find((s) => s.name === 'faq')).toEqual({ name: 'faq', position: stepPositions.faq });
  });

  it('names section steps by their index', () => {
    expect(sectionStep(4)).toBe('section:4');
  });
});
