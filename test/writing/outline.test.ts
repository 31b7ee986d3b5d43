import { describe, expect, it } from 'vitest';
import {
  normaliseOutline,
  type Outline,
  outlineSchema,
  plannedSectionCount,
  requestedHeadings,
} from '../../src/writing/outline.ts';

const model: Outline = {
  title: '## Cold Brew Guide',
  sections: [
    { heading: 'Introduction', goal: 'Hook', keyPoints: [], sourceIds: [] },
    {
      heading: '1. Why cold brew is smoother',
      goal: 'Explain acidity',
      keyPoints: ['pH 6.3'],
      sourceIds: [1, 1, 2],
    },
    { heading: '## Equipment', goal: 'List gear', keyPoints: ['jar', ' filter '], sourceIds: [3] },
    { heading: 'Equipment', goal: 'Duplicate', keyPoints: [], sourceIds: [] },
    { heading: 'Step-by-step recipe', goal: 'Recipe', keyPoints: ['ratio 1:8'], sourceIds: [2, 4] },
    { heading: 'Conclusion', goal: 'Wrap up', keyPoints: [], sourceIds: [] },
  ],
  faq: ['How long does it keep?', ' '],
};

describe('outlineSchema', () => {
  it('accepts a structured outline and rejects a malformed one', () => {
    expect(outlineSchema.safeParse(model).success).toBe(true);
    const bad = outlineSchema.safeParse({
      title: 'x',
      sections: [{ heading: '', goal: '', keyPoints: [], sourceIds: [0] }],
    });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.path.join('.')).sort()).toEqual([
      'sections.0.heading',
      'sections.0.sourceIds.0',
    ]);
  });
});

describe('normaliseOutline', () => {
  it('cleans the model outline: numbering, "#", duplicates and reserved sections removed', () => {
    const outline = normaliseOutline(undefined, model);
    expect(outline.title).toBe('Cold Brew Guide');
    expect(outline.sections.map((s) => s.heading)).toEqual([
      'Why cold brew is smoother',
      'Equipment',
      'Step-by-step recipe',
    ]);
    expect(outline.sections[0]!.sourceIds).toEqual([1, 2]);
    expect(outline.sections[1]!.keyPoints).toEqual(['jar', 'filter']);
    expect(outline.faq).toEqual(['How long does it keep?']);
  });

  it("drops a model section named like the conclusion, FAQ or references in the article's language", () => {
    const german: Outline = {
      title: 'Wärmepumpen',
      sections: [
        { heading: 'Kosten', goal: 'Costs', keyPoints: [], sourceIds: [] },
        { heading: 'Fazit', goal: 'Wrap up', keyPoints: [], sourceIds: [] },
        { heading: 'Häufig gestellte Fragen', goal: 'FAQ', keyPoints: [], sourceIds: [] },
        { heading: '## Quellen', goal: 'List', keyPoints: [], sourceIds: [] },
        { heading: 'まとめ', goal: 'Wrap up', keyPoints: [], sourceIds: [] },
      ],
    };
    expect(normaliseOutline(undefined, german).sections.map((s) => s.heading)).toEqual(['Kosten']);
    // Asked for by the user, it stays.
    expect(normaliseOutline(['Kosten', 'Fazit'], german).sections.map((s) => s.heading)).toEqual([
      'Kosten',
      'Fazit',
    ]);
  });

  it('lets user headings win, in the user order, with the matching model plans', () => {
    const outline = normaliseOutline(
      ['Recipe, step by step', 'What you need: equipment', 'Storing cold brew', 'Conclusion'],
      model,
    );
    expect(outline.sections.map((s) => s.heading)).toEqual([
      'Recipe, step by step',
      'What you need: equipment',
      'Storing cold brew',
      'Conclusion',
    ]);
    expect(outline.sections[0]).toMatchObject({ goal: 'Recipe', sourceIds: [2, 4] });
    expect(outline.sections[1]).toMatchObject({ goal: 'List gear', sourceIds: [3] });
    expect(outline.sections[2]).toEqual({
      heading: 'Storing cold brew',
      goal: '',
      keyPoints: [],
      sourceIds: [],
    });
    // A user may ask for a section the model would not get: "Conclusion" stays because the user asked.
    expect(outline.sections[3]).toMatchObject({ goal: 'Wrap up' });
  });

  it('keeps headings apart that differ by "before"/"after" or "why"/"how", and gives each user heading its own plan', () => {
    const planned: Outline = {
      title: 'Heat pumps',
      sections: [
        { heading: 'Why choose a heat pump?', goal: 'Reasons', keyPoints: [], sourceIds: [1] },
        { heading: 'How to choose a heat pump', goal: 'Criteria', keyPoints: [], sourceIds: [2] },
        { heading: 'Before installation', goal: 'Survey the house', keyPoints: [], sourceIds: [3] },
        { heading: 'After installation', goal: 'Tune and maintain', keyPoints: [], sourceIds: [4] },
        { heading: 'Before the installation', goal: 'Duplicate', keyPoints: [], sourceIds: [] },
      ],
    };
    expect(normaliseOutline(undefined, planned).sections.map((s) => s.heading)).toEqual([
      'Why choose a heat pump?',
      'How to choose a heat pump',
      'Before installation',
      'After installation',
    ]);
    // Matched loosely too, "Before" never takes the plan of "After".
    const loose = normaliseOutline(['Before installation', 'After installation'], {
      title: 'Heat pumps',
      sections: [
        { heading: 'After installation', goal: 'Tune and maintain', keyPoints: [], sourceIds: [4] },
        { heading: 'Choosing an installer', goal: 'Pick one', keyPoints: [], sourceIds: [] },
      ],
    });
    expect(loose.sections.map((s) => [s.heading, s.goal])).toEqual([
      ['Before installation', ''],
      ['After installation', 'Tune and maintain'],
    ]);
    const user = normaliseOutline(['After installation', 'Before installation'], planned);
    expect(user.sections.map((s) => [s.heading, s.goal])).toEqual([
      ['After installation', 'Tune and maintain'],
      ['Before installation', 'Survey the house'],
    ]);
  });

  it('matches a model section to at most one user heading', () => {
    const outline = normaliseOutline(['Equipment', 'Equipment list'], model);
    expect(outline.sections[0]).toMatchObject({ goal: 'List gear' });
    expect(outline.sections[1]).toMatchObject({ goal: 'Duplicate' });
  });
});

describe('plannedSectionCount', () => {
  it("asks for the user's headings, else for the length's share of about 250 words, 3 to 8", () => {
    expect(plannedSectionCount({ outline: ['A', '## B', '3. C', 'D'], words: 5000 })).toBe(4);
    expect(plannedSectionCount({ words: 1500 })).toBe(5);
    expect(plannedSectionCount({ words: 300 })).toBe(3);
    expect(plannedSectionCount({ words: 5258 })).toBe(8);
    // Headings that clean to nothing are no outline: the model plans the sections, never zero of them.
    for (const outline of [[], ['##', '**  **']]) {
      expect(requestedHeadings(outline)).toEqual([]);
      expect(plannedSectionCount({ outline, words: 1500 })).toBe(5);
    }
  });
});
