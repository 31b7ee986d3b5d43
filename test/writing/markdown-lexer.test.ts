// The server's Markdown lexer: marked's tokens for ordinary Markdown, with the emphasis and text
// searches bounded, so a paragraph of marks that never close lexes in linear time.
import { Marked } from 'marked';
import { describe, expect, it } from 'vitest';
import { emphasisReach, lexMarkdown } from '../../src/writing/markdown-lexer.ts';
import { delimiterRow, markdownEmphasisProblem } from '../../src/writing/markdown-limits.ts';
import { renderHtml } from '../../src/writing/render.ts';
import { seededRandom } from '../support/seeded-random.ts';

const plainMarked = new Marked({ gfm: true });

const article = [
  '# Heat pumps',
  `Intro with **bold**, _italic_, ***both***, __strong__, ~~gone~~ and a \`snake_case_name\`; mail me@example.com or see https://example.com/a_b_c?q=1 and www.example.org. ${'Plain words that run on. '.repeat(40)}**bold at the end**`,
  '- item *one*\n- item __two__\n  - nested _three_',
  '| a | b |\n|---|---|\n| **x** | _y_ |',
  '> quoted *emphasis* [a link](https://x.example/a_b) and ![an image](https://x.example/i.png)',
  '```ts\nconst a_b = x * y * z;\n```',
].join('\n\n');

describe('lexMarkdown', () => {
  it('gives marked’s own tokens for ordinary Markdown, long text runs included', () => {
    expect(lexMarkdown(article)).toEqual(plainMarked.lexer(article));
  });

  it('keeps emphasis that closes within its reach and leaves longer spans literal', () => {
    const near = `*${'w '.repeat(100)}w* ${'x '.repeat(400)}`;
    expect(renderHtml(near)).toMatch(/^<p><em>w w/);
    expect(plainMarked.parse(near)).toMatch(/^<p><em>w w/);
    const far = `*${'w '.repeat(emphasisReach)}w*`;
    expect(renderHtml(`${far} ${'x '.repeat(200)}`)).toMatch(/^<p>\*w/);
  });

  it('lexes a paragraph of openers that never close in linear time', () => {
    // 47 s with marked's unbounded search; here well within the test's few seconds.
    const tokens = lexMarkdown('*_a'.repeat(20_000));
    expect(tokens[0]?.raw.length).toBe(60_000);
  });

  it('reads hard breaks, and long runs of spaces in linear time', () => {
    const broken = `${'long words '.repeat(40)}end  \nnext line`;
    expect(lexMarkdown(broken)).toEqual(plainMarked.lexer(broken));
    expect(renderHtml(broken)).toMatch(/end<br\s*\/?>\s*next line/);
    // The hard-break rule read the whole run ahead where each text run stopped: 500 kB of spaces
    // between two words took 0.4 s per read (an edit reads its text four times), 2 MB 6 s, 6 MB
    // about a minute.
    const [paragraph] = lexMarkdown(`a${' '.repeat(6_000_000)}b`);
    expect(paragraph?.type).toBe('paragraph');
  });
});

describe('markdownEmphasisProblem', () => {
  it('refuses a paragraph of openers and accepts long, emphasis-heavy writing', () => {
    expect(markdownEmphasisProblem('*_a'.repeat(20_000))).toMatch(/too many emphasis marks/);
    // The same marks one per line of a single paragraph are no cheaper.
    expect(markdownEmphasisProblem(`${'*_a'.repeat(30)}\n`.repeat(2_000))).toMatch(/too many/);
    const paragraphs = Array.from(
      { length: 250 },
      (_, i) =>
        `This is **paragraph ${i}** with _some_ emphasis, a \`snake_case_name\`, *italic words*, **bold** and __more__. ${'Plain words. '.repeat(150)}`,
    ).join('\n\n');
    expect(paragraphs.length).toBeGreaterThan(400_000);
    expect(markdownEmphasisProblem(paragraphs)).toBeUndefined();
    // A table's cells are lexed one by one: 500 rows of bold cells are fine.
    const table = `| a | b |\n|---|---|\n${Array.from({ length: 500 }, (_, i) => `| **bold ${i}** | _it_ ${i} |`).join('\n')}`;
    expect(markdownEmphasisProblem(table)).toBeUndefined();
    // Code is not lexed for emphasis.
    expect(markdownEmphasisProblem(`\`\`\`\n${'*_a'.repeat(20_000)}\n\`\`\``)).toBeUndefined();
  });

  it('tells table delimiter rows as before, in time linear in a row', () => {
    const before = /^ {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;
    const parts = ['|', '-', ':', ' ', '\t', 'x', '--'];
    const next = seededRandom(5);
    for (let k = 0; k < 20_000; k++) {
      let row = '';
      for (let i = Math.floor(next() * 14); i > 0; i--) row += parts[Math.floor(next() * parts.length)];
      expect(delimiterRow.test(row), JSON.stringify(row)).toBe(before.test(row));
    }
    // A run of spaces was split between two `[ \t]*` every way: 40 kB 1.8 s in every edit's check.
    expect(markdownEmphasisProblem(`a | b\n-${' '.repeat(400_000)}x`)).toBeUndefined();
  });
});
