// An integration guide's material in the pipeline: the spec as numbered sources, each sample citing
// its operation, every operation given to a section, and the composed parts with the samples in.
import { describe, expect, it } from 'vitest';
import { composeArticle } from '../../src/articles/compose.ts';
import {
  assignOperations,
  guidedDraft,
  guideMaterial,
  guideSources,
} from '../../src/articles/guide-material.ts';
import { numberSources } from '../../src/articles/sources.ts';
import { buildGuide } from '../../src/guides/build-guide.ts';
import type { Outline } from '../../src/writing/outline.ts';
import { petstore } from '../guides/specs.ts';

const specId = '11111111-1111-4111-8111-111111111111';
const outcome = buildGuide(JSON.stringify(petstore(8080)), {
  languages: ['curl'],
  operations: ['listPets', 'deletePet'],
});
if ('issues' in outcome) throw new Error(JSON.stringify(outcome.issues));
const build = outcome.guide;
// A web page found by research comes after the spec's sources.
const sources = numberSources([
  guideSources(build, specId),
  [
    {
      kind: 'web',
      title: 'Adopting',
      url: 'https://pets.example/adopt',
      excerpt: 'Adopt.',
      text: 'Adopt a pet.',
    },
  ],
]);
const material = guideMaterial(build, sources);

describe('a guide’s sources and samples', () => {
  it('are the spec’s overview and operations, numbered first, each sample citing its operation', () => {
    expect(sources.map((s) => [s.n, s.kind, s.title])).toEqual([
      [1, 'document', 'Pet Store 2.1.0: overview'],
      [2, 'document', 'Pet Store: GET /pets (List pets)'],
      [3, 'document', 'Pet Store: DELETE /pets/{petId} (Delete a pet)'],
      [4, 'web', 'Adopting'],
    ]);
    expect(sources.slice(0, 3).every((s) => s.documentId === specId)).toBe(true);
    expect(sources[2]!.text).toMatch(/^DELETE \/pets\/\{petId\} — Delete a pet/);
    expect(material.samples.map((s) => [s.id, s.operation, s.source, s.env])).toEqual([
      ['S1', 'listPets', 2, ['BEARER_AUTH_TOKEN']],
      ['S2', 'deletePet', 3, ['ADMIN_KEY']],
    ]);
  });

  it('give an operation the outline left out to the section closest to it', () => {
    const outline: Outline = {
      title: 'Pets',
      sections: [
        { heading: 'Listing pets', goal: 'List the pets', keyPoints: [], sourceIds: [2] },
        { heading: 'Deleting a pet', goal: 'Delete a pet you no longer list', keyPoints: [], sourceIds: [4] },
      ],
    };
    expect(assignOperations(outline, material, sources).sections.map((s) => s.sourceIds)).toEqual([
      [2],
      [4, 3],
    ]);
  });

  it('go into the sections that explain them, with no code in the frame', () => {
    const draft = guidedDraft(
      {
        title: 'Pets',
        intro: 'Welcome.\n\n```sh\nrm -rf /\n```',
        sections: [
          { heading: 'Listing', markdown: 'List them:\n\n{{sample:S1}}' },
          { heading: 'Deleting', markdown: 'Delete one.' },
        ],
        conclusion: 'Bye {{sample:S2}}.',
        faq: [{ question: 'Why?', answer: 'Because.\n\n```\ncode\n```' }],
      },
      [
        { heading: 'Listing', goal: '', keyPoints: [], sourceIds: [2] },
        { heading: 'Deleting', goal: '', keyPoints: [], sourceIds: [3, 4] },
      ],
      material,
    );
    expect(draft.intro).toBe('Welcome.');
    expect(draft.conclusion).toBe('Bye.');
    expect(draft.faq).toEqual([{ question: 'Why?', answer: 'Because.' }]);
    expect(draft.sections[0]!.markdown).toMatch(/^List them:\n\n\*\*`GET \/pets`\*\* — List pets \[2\]\./);
    expect(draft.sections[1]!.markdown).toMatch(
      /^Delete one\.\n\n\*\*`DELETE \/pets\/\{petId\}`\*\* — Delete a pet \[3\]\./,
    );
  });

  it('keep a bracketed number in a sample’s code as code when the article’s citations are renumbered', () => {
    const spec = petstore(8080);
    spec.components.schemas.NewPet.properties.name.example = 'Item [2] of [9]';
    const built = buildGuide(JSON.stringify(spec), {
      languages: ['curl', 'python'],
      operations: ['createPet'],
    });
    if ('issues' in built) throw new Error(JSON.stringify(built.issues));
    const own = numberSources([guideSources(built.guide, specId)]);
    const guide = guideMaterial(built.guide, own);
    const composed = composeArticle(
      guidedDraft(
        {
          title: 'Pets',
          intro: 'Hi.',
          sections: [{ heading: 'Create', markdown: 'Make one [2].' }],
          conclusion: 'Bye.',
        },
        [{ heading: 'Create', goal: '', keyPoints: [], sourceIds: [2] }],
        guide,
      ),
      own,
    );
    // Source 2 is the first cited: it becomes [1]; the code keeps its text.
    expect(composed.markdown).toContain('Make one [1].');
    for (const sample of built.guide.operations[0]!.samples) expect(composed.markdown).toContain(sample.code);
    expect(composed.markdown).toContain('"name": "Item [2] of [9]"');
    expect(composed.removedCitations).toBe(0);
  });
});
