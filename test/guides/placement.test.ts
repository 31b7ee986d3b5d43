// Where a guide's samples go: the model places them by marker only; its own code is removed, a
// marker it repeats or invents is dropped, and a sample it forgets still lands in its section.
import { describe, expect, it } from 'vitest';
import {
  type PlacedSample,
  placeSamples,
  sampleBlock,
  sampleOwners,
  samplesToMarkers,
  withoutSamples,
} from '../../src/guides/placement.ts';
import { citedNumbers } from '../../src/writing/citations.ts';

const sample = (
  id: string,
  path: string,
  source: number,
  extra: Partial<PlacedSample> = {},
): PlacedSample => ({
  id,
  operation: `list${id}`,
  method: 'GET',
  path,
  summary: `List ${path.slice(1)}`,
  source,
  env: ['API_TOKEN'],
  files: [],
  code: [
    { language: 'curl', code: `curl 'https://api.example.com${path}'` },
    { language: 'python', code: `import requests\n\nrequests.get("https://api.example.com${path}")` },
  ],
  ...extra,
});

const s1 = sample('S1', '/pets', 2);
const s2 = sample('S2', '/owners', 3);
const s3 = sample('S3', '/toys', 4);
const owners = new Map([
  ['S1', 0],
  ['S2', 0],
  ['S3', 1],
]);

const count = (text: string, part: string) => text.split(part).length - 1;

describe('a guide sample as the article shows it', () => {
  it('is a caption citing the operation, then each language’s fenced code under its name', () => {
    expect(sampleBlock(s1)).toBe(
      [
        '**`GET /pets`** — List pets [2]. The samples read `API_TOKEN` from the environment.',
        '*curl*',
        "```sh\ncurl 'https://api.example.com/pets'\n```",
        '*Python 3 (requests)*',
        '```python\nimport requests\n\nrequests.get("https://api.example.com/pets")\n```',
      ].join('\n\n'),
    );
  });

  it('keeps the spec’s words as text: a summary’s [1] is no citation, its markup no markup', () => {
    const block = sampleBlock(sample('S1', '/pets', 2, { summary: 'Lists [1] **all** <b>pets</b>' }));
    expect(citedNumbers(block)).toEqual([2]);
    expect(block).toContain('Lists \\[1\\] \\*\\*all\\*\\* \\<b\\>pets\\</b\\>');
  });

  it('says to replace a placeholder server the spec left the samples with', () => {
    const block = sampleBlock(sample('S1', '/pets', 2, { assumedBase: 'https://api.example.com/v3' }));
    expect(block.split('\n')[0]).toBe(
      '**`GET /pets`** — List pets [2]. The samples read `API_TOKEN` from the environment. The spec names no server address: replace `https://api.example.com/v3` with yours.',
    );
  });

  it('fences code longer than any fence inside it', () => {
    const tricky = sample('S1', '/pets', 2, {
      code: [{ language: 'curl', code: "curl --data '\n```\n' https://x" }],
    });
    expect(sampleBlock(tricky)).toContain("````sh\ncurl --data '\n```\n' https://x\n````");
  });
});

describe('placing the samples in the sections', () => {
  it('puts each marker’s sample where the model wrote it, once, and drops repeated and unknown markers', () => {
    const [first, second] = placeSamples(
      [
        'Start here.\n\n{{sample:S1}}\n\nThen the owners: {{ Sample: s2 }} and again {{sample:S1}}.',
        'Toys. {{sample:S9}}\n\n{{sample:S3}}',
      ],
      [s1, s2, s3],
      owners,
    );
    expect(first).toBe(
      `Start here.\n\n${sampleBlock(s1)}\n\nThen the owners:\n\n${sampleBlock(s2)}\n\nand again.`,
    );
    expect(second).toBe(`Toys.\n\n${sampleBlock(s3)}`);
  });

  it('removes code the model wrote itself, and adds a sample it forgot to the end of its section', () => {
    const [first, second] = placeSamples(
      [
        'Call it like this:\n\n```js\nfetch("https://made-up.example")\n```\n\nDone.',
        '~~~python\nprint("mine")\n~~~\nNo marker here.',
      ],
      [s1, s2, s3],
      owners,
    );
    expect(first).not.toContain('made-up.example');
    expect(first).toBe(`Call it like this:\n\nDone.\n\n${sampleBlock(s1)}\n\n${sampleBlock(s2)}`);
    expect(second).toBe(`No marker here.\n\n${sampleBlock(s3)}`);
  });

  it('does not place again a sample the article shows elsewhere', () => {
    const [only] = placeSamples(['{{sample:S1}} {{sample:S2}}'], [s1, s2], new Map(), new Set(['S1']));
    expect(count(only!, '```sh')).toBe(1);
    expect(only).toContain('/owners');
  });

  it('leaves no code or marker in a part that places none', () => {
    expect(withoutSamples('Intro {{sample:S1}} text.\n\n```sh\nrm -rf /\n```\n\nMore.')).toBe(
      'Intro text.\n\nMore.',
    );
  });

  it('gives each sample to the first section given its operation, else the last', () => {
    const sections = [{ sourceIds: [1, 3] }, { sourceIds: [2, 3] }, { sourceIds: [] }];
    expect(sampleOwners(sections, [s1, s2, s3])).toEqual(
      new Map([
        ['S1', 1],
        ['S2', 0],
        ['S3', 2],
      ]),
    );
  });

  it('shows a model revising a part the samples in it as their markers', () => {
    const [placed] = placeSamples(['Intro.\n\n{{sample:S1}}\n\nOutro.'], [s1], new Map());
    // The article numbers the operation 5 by now.
    const inArticle = placed!.replace('[2]', '[5]');
    const back = samplesToMarkers(inArticle, [s1, s2], (s) => (s.id === 'S1' ? 5 : 7));
    expect(back).toEqual({ markdown: 'Intro.\n\n{{sample:S1}}\n\nOutro.', found: ['S1'] });
  });
});
