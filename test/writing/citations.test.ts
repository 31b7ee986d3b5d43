import { describe, expect, it } from 'vitest';
import {
  checkCitationsExist,
  citedNumbers,
  citedSentences,
  lexicalSupport,
  parseCitations,
  referenceList,
  stripCitations,
} from '../../src/writing/citations.ts';

describe('parseCitations', () => {
  it('parses [n], [n, m], [n][m] and ranges', () => {
    const markers = parseCitations('A [1]. B [2, 3]. C [4][5]. D [6-8]. E [9,10].');
    expect(markers.map((m) => m.numbers)).toEqual([[1], [2, 3], [4], [5], [6, 7, 8], [9, 10]]);
    expect(markers[1]).toMatchObject({ raw: '[2, 3]' });
    expect(citedNumbers('B [3, 2] and [2][1]')).toEqual([1, 2, 3]);
  });

  it('ignores links, images, footnotes, link definitions and code', () => {
    const markdown = [
      'See [1](https://example.com) and ![2](https://example.com/i.png) and [^3].',
      '[4]: https://example.com',
      'Inline `arr[5]` code.',
      '```',
      'x = y[6]',
      '```',
      'Real [7].',
    ].join('\n');
    expect(parseCitations(markdown).map((m) => m.numbers)).toEqual([[7]]);
  });

  it('ignores every line of a fenced block, to its closing fence or the end of the text', () => {
    const sample = ['```sh', "curl --data '{", '  "name": "Item [2]"', "}'", '```', 'After [1].'].join('\n');
    expect(parseCitations(sample).map((m) => m.numbers)).toEqual([[1]]);
    // A shorter fence of the same character, or one of the other, does not close it.
    const longer = ['````', 'a [3]', '```', 'b [4]', '~~~', '````', 'c [5]'].join('\n');
    expect(parseCitations(longer).map((m) => m.numbers)).toEqual([[5]]);
    expect(parseCitations('```\n```\nOut [6].').map((m) => m.numbers)).toEqual([[6]]);
    expect(
      parseCitations('Before [7].\n~~~\nnever closed [8]\nstill code [9]').map((m) => m.numbers),
    ).toEqual([[7]]);
  });

  it('masks code spans from the start of a backtick run, in time linear in the run', () => {
    expect(parseCitations('Run ``code [1]`` then [2].').map((m) => m.numbers)).toEqual([[2]]);
    // 100,000 backticks: tried from inside the run too, this took minutes.
    expect(parseCitations(`${'`'.repeat(100_000)} [3]`).map((m) => m.numbers)).toEqual([[3]]);
  });

  it('reads many spelled-out citations in linear time', () => {
    // Each "(Source n)" was compared with every marker found before it: 50,000 took 3.7 s, 150,000
    // (1.5 MB) over 30 s.
    const markers = parseCitations('Pumps save (Source 1) and [2]. '.repeat(150_000));
    expect(markers).toHaveLength(300_000);
    expect(markers.slice(0, 2).map((m) => m.raw)).toEqual(['(Source 1)', '[2]']);
  });

  it('gives offsets of the markers in the Markdown', () => {
    const markdown = 'Text [12] more';
    const [marker] = parseCitations(markdown);
    expect(markdown.slice(marker!.offset, marker!.offset + marker!.raw.length)).toBe('[12]');
  });
});

describe('stripCitations', () => {
  it('removes markers and the space before punctuation, in time linear in runs of spaces', () => {
    expect(stripCitations('Pumps save half [1] .  Really (Source 2)!')).toBe('Pumps save half. Really!');
    // The space-before-punctuation rule was tried from inside each run of spaces: 40 kB of spaces
    // between two words took 1.2 s per sentence, 300 kB over a minute.
    expect(stripCitations(`a${' '.repeat(300_000)}b`)).toBe('a b');
  });
});

describe('checkCitationsExist', () => {
  it('reports references to sources that do not exist', () => {
    const dangling = checkCitationsExist('Fine [1]. Bad [0, 2]. Worse [3][4].', 3);
    expect(dangling.map((d) => [d.n, d.raw])).toEqual([
      [0, '[0, 2]'],
      [4, '[4]'],
    ]);
    expect(checkCitationsExist('No sources [1].', 0)).toHaveLength(1);
    expect(checkCitationsExist('All good [1][2].', 2)).toEqual([]);
  });

  it('ignores the references list', () => {
    expect(checkCitationsExist('Claim [1].\n\n## References\n\n[1] A\n\n[2] B\n', 1)).toEqual([]);
  });

  it('ignores the references list of an article in another language', () => {
    for (const heading of ['Quellen', 'Referencias', '参考文献', 'Häufig gestellte Fragen']) {
      const markdown = `Behauptung [1].\n\n## ${heading}\n\n[1] A\n\n[2] B\n`;
      // Under an FAQ heading, [2] is a citation like any other.
      expect(checkCitationsExist(markdown, 1), heading).toEqual(
        heading.startsWith('Häufig') ? [{ n: 2, offset: markdown.indexOf('[2]'), raw: '[2]' }] : [],
      );
    }
    expect(citedSentences('Behauptung [1].\n\n## Quellen ##\n\n[1] Eine Studie\n')).toHaveLength(1);
  });
});

describe('withoutReferences', () => {
  it('finds the references heading in time linear in the spaces after it', () => {
    // Split between two `\s*` every way: 40 kB of spaces took 2 s, these 400 kB minutes.
    const markdown = `Body [1].\n\n## References${' '.repeat(400_000)}x\n\n## References ##  \n\n[1] A source [2]\n`;
    expect(checkCitationsExist(markdown, 1)).toEqual([]);
    expect(checkCitationsExist(`${markdown}\n## After\n\nMore [3].`, 1)).toMatchObject([{ n: 3 }]);
  });
});

describe('citedSentences', () => {
  it('pairs each cited sentence with its sources and plain text', () => {
    const markdown = [
      '# Coffee',
      '',
      'Dr. Lee found that **cold brew** has 3.5 times less acid [1, 2]. Nobody disputes taste.',
      'It is popular in the U.S.[3]',
      '',
      '- Steep for [12 hours](https://example.com) [2]',
      '',
      '## References',
      '',
      '[1] Source one',
    ].join('\n');
    expect(citedSentences(markdown).map(({ sentence, sources }) => ({ sentence, sources }))).toEqual([
      { sentence: 'Dr. Lee found that cold brew has 3.5 times less acid.', sources: [1, 2] },
      { sentence: 'It is popular in the U.S.', sources: [3] },
      { sentence: 'Steep for 12 hours', sources: [2] },
    ]);
  });
});

describe('citedSentences at scale', () => {
  it('pairs 60,000 short cited sentences with their markers in one pass', () => {
    const cited = citedSentences('Ab [1]. Cd [2]. '.repeat(30_000));
    expect(cited).toHaveLength(60_000);
    expect(cited[59_999]).toMatchObject({ sentence: 'Cd.', sources: [2] });
  });
});

describe('lexicalSupport', () => {
  const source =
    'A 2019 study by the University of Florence measured acidity in coffee. Cold brew coffee had a pH of 6.3, ' +
    'while hot brewed coffee measured 5.4, making cold brew noticeably less acidic. The researchers steeped ' +
    'the grounds for 12 hours at room temperature.';

  it('scores a supported sentence higher than an unrelated one', () => {
    const supported = lexicalSupport(
      'Cold brew coffee is less acidic than hot coffee, with a pH of 6.3 [1].',
      source,
    );
    const unrelated = lexicalSupport(
      'Espresso machines in Italy use pressurised steam to extract crema.',
      source,
    );
    expect(supported).toBeGreaterThan(0.7);
    expect(unrelated).toBeLessThan(0.2);
    expect(supported).toBeGreaterThan(unrelated);
  });

  it('weights numbers: a wrong figure lowers the score', () => {
    const right = lexicalSupport('The grounds were steeped for 12 hours.', source);
    const wrong = lexicalSupport('The grounds were steeped for 48 hours.', source);
    expect(right).toBeGreaterThan(wrong);
    expect(right - wrong).toBeGreaterThan(0.2);
  });

  it('weights named entities', () => {
    const named = lexicalSupport('Researchers at the University of Florence measured coffee.', source);
    const wrongName = lexicalSupport('Researchers at the University of Vienna measured coffee.', source);
    expect(named).toBeGreaterThan(wrongName);
  });

  it('prefers one passage that says it over words scattered across a long text', () => {
    const scattered = `cold ${'filler words about nothing in particular here '.repeat(30)} brew ${'more filler text '.repeat(30)} acidic`;
    const together = 'This page says cold brew is less acidic.';
    const sentence = 'Cold brew is less acidic.';
    expect(lexicalSupport(sentence, together)).toBeGreaterThan(lexicalSupport(sentence, scattered));
  });

  it('finds the words together within a window of 20 content words, not 21', () => {
    // cold, brew, less, acidic: weight 4; half of it anywhere in the source (0.4 × 0.5).
    const apart = (gap: number) => `cold ${'zzz '.repeat(gap)}brew`;
    expect(lexicalSupport('Cold brew is less acidic.', apart(18))).toBe(0.5);
    expect(lexicalSupport('Cold brew is less acidic.', apart(19))).toBe(0.35);
  });

  it('is 0 for empty inputs and deterministic', () => {
    expect(lexicalSupport('', source)).toBe(0);
    expect(lexicalSupport('Cold brew.', '')).toBe(0);
    expect(lexicalSupport('Cold brew is less acidic.', source)).toBe(
      lexicalSupport('Cold brew is less acidic.', source),
    );
  });
});

describe('referenceList', () => {
  it('lists web sources with URL and access date, and documents with provenance', () => {
    const markdown = referenceList([
      {
        n: 2,
        title: 'Brewing manual',
        document: { title: 'Barista Handbook.pdf', page: 14, heading: 'Cold methods' },
      },
      {
        n: 1,
        title: 'Coffee [acidity] study',
        url: 'https://example.com/study',
        accessedAt: '2026-11-20T08:00:00Z',
      },
      { n: 3, title: 'Team notes', document: {} },
    ]);
    expect(markdown).toBe(
      [
        '## References',
        '',
        '[1] Coffee \\[acidity\\] study — <https://example.com/study> (accessed 2026-11-20)',
        '',
        '[2] Brewing manual — document “Barista Handbook.pdf”, p. 14, section “Cold methods”',
        '',
        '[3] Team notes — document',
        '',
      ].join('\n'),
    );
    expect(referenceList([])).toBe('');
  });
});
