// Finding a claim's sentence again in edited text, and the span edits the fact-check actions make.
import { describe, expect, it } from 'vitest';
import { locateSentence, removeSpan, sentenceLocator } from '../../src/writing/sentence-location.ts';
import { sentenceRevision } from '../../src/writing/sentence-revision.ts';

const article = [
  '# Heat pumps',
  '',
  'Heat pumps cut heating energy use by 52 percent [1]. Installation costs up to 14,000 dollars [2].',
  '',
  '- Rebates covered up to 30 percent of the cost [2].',
  '',
  '## References',
  '',
  '[1] Heat pumps cut heating energy use by 52 percent.',
].join('\n');

describe('locating a sentence', () => {
  it('finds the exact sentence, with offsets into the Markdown', () => {
    const at = locateSentence(article, {
      sentence: 'Installation costs up to 14,000 dollars [2].',
      claim: 'anything',
    });
    expect(at).not.toBeNull();
    expect(article.slice(at!.start, at!.end)).toBe('Installation costs up to 14,000 dollars [2].');
  });

  it('finds a claim by its words when the sentence moved or the claim is quoted without citations', () => {
    const moved = `Intro paragraph added by hand.\n\n${article}`;
    const at = locateSentence(moved, {
      sentence: 'Heat pumps cut heating energy use by 52 percent [9].',
      claim: 'heat pumps cut heating energy use by 52 percent',
    });
    expect(at?.text).toBe('Heat pumps cut heating energy use by 52 percent [1].');
    expect(moved.slice(at!.start, at!.end)).toBe(at!.text);
  });

  it('matches a paraphrase by shared words, never the references list', () => {
    const at = locateSentence(article, { claim: 'Rebates covered 30 percent of the installation cost' });
    expect(at?.text).toBe('Rebates covered up to 30 percent of the cost [2].');
    const gone = article.replace(/^Heat pumps cut.*?\[1\]\. /m, '');
    expect(locateSentence(gone, { claim: 'Heat pumps cut heating energy use by 52 percent' })).toBeNull();
  });

  it('finds the same sentences with its index built up front (while a run waits on its fact check)', () => {
    const wants = [
      { sentence: 'Installation costs up to 14,000 dollars [2].', claim: 'anything' },
      {
        sentence: 'Heat pumps cut heating energy use by 52 percent [9].',
        claim: 'heat pumps cut heating energy use',
      },
      { claim: 'Rebates covered 30 percent of the installation cost' },
      { claim: 'Solar panels need a south-facing roof' },
    ];
    const lazy = sentenceLocator(article);
    const indexed = sentenceLocator(article, { indexNow: true });
    const found = wants.map((w) => indexed(w));
    expect(found).toEqual(wants.map((w) => lazy(w)));
    expect(found.map((f) => f?.text ?? null)).toEqual([
      'Installation costs up to 14,000 dollars [2].',
      'Heat pumps cut heating energy use by 52 percent [1].',
      'Rebates covered up to 30 percent of the cost [2].',
      null,
    ]);
  });
});

describe('removing a span', () => {
  it('removes a sentence from a paragraph keeping one space between the others', () => {
    const at = locateSentence(article, { claim: 'heat pumps cut heating energy use by 52 percent' })!;
    expect(removeSpan(article, at.start, at.end)).toContain(
      '# Heat pumps\n\nInstallation costs up to 14,000 dollars [2].\n\n- Rebates',
    );
    const last = locateSentence(article, { claim: 'installation costs up to 14,000 dollars' })!;
    expect(removeSpan(article, last.start, last.end)).toContain('by 52 percent [1].\n\n- Rebates');
  });

  it('removes a line that held only the span, without leaving a run of blank lines', () => {
    const at = locateSentence(article, { claim: 'Rebates covered up to 30 percent of the cost' })!;
    expect(removeSpan(article, at.start, at.end)).toContain('14,000 dollars [2].\n\n## References');
    const text = 'One.\n\n<!-- hidden -->\n\nTwo.\n';
    const start = text.indexOf('<!--');
    expect(removeSpan(text, start, start + '<!-- hidden -->'.length)).toBe('One.\n\nTwo.\n');
  });

  it('removes spans in time linear in runs of blanks around them', () => {
    // Trailing blanks were matched from every position of every run in the text before the span,
    // and a line of spaces was split between two `\s*` every way: 40 kB runs took seconds.
    const spaces = ' '.repeat(300_000);
    const newlines = '\n'.repeat(300_000);
    const text = `Start${spaces}middle.${newlines}Gone.\n\nEnd.`;
    const start = text.indexOf('Gone.');
    // The line goes, and the gap it leaves closes to one blank line.
    expect(removeSpan(text, start, start + 5) === `Start${spaces}middle.\n\nEnd.`).toBe(true);
    const line = `One.\n${spaces}x Gone.\nTwo.`;
    const at = line.indexOf('Gone.');
    expect(removeSpan(line, at, at + 5) === `One.\n${spaces}x\nTwo.`).toBe(true);
  });
});

describe('what a revision did to a sentence', () => {
  const drafted = 'Pumps save energy [1]. They cut use by 52 percent [2]. They last long [1].';
  it('maps a rewritten sentence to its replacement', () => {
    const revised = 'Pumps save energy [1]. They cut use by roughly half [2]. They last long [1].';
    expect(sentenceRevision(drafted, revised, 'They cut use by 52 percent')).toEqual({
      before: 'They cut use by 52 percent [2].',
      after: 'They cut use by roughly half [2].',
    });
  });

  it("maps a dropped sentence to '' and a kept one to nothing", () => {
    const revised = 'Pumps save energy [1]. They last long [1].';
    expect(sentenceRevision(drafted, revised, 'They cut use by 52 percent')).toEqual({
      before: 'They cut use by 52 percent [2].',
      after: '',
    });
    expect(sentenceRevision(drafted, revised, 'Pumps save energy')).toBeUndefined();
  });
});
