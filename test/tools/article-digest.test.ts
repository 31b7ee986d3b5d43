// What a remix quotes of an article: no references or citation markers, and a long text condensed
// with every heading kept.
import { describe, expect, it } from 'vitest';
import { condense, remixSource } from '../../src/tools/remix/article-digest.ts';

describe('remixSource', () => {
  it('leaves out the references list and the citation markers, keeping paragraphs', () => {
    const markdown =
      '# Title\n\nA fact [1]. Another [2, 3].\n\nCode: `arr[1]` stays.\n\n## References\n\n1. [One](https://a.example)\n2. [Two](https://b.example)';
    expect(remixSource(markdown)).toBe('# Title\n\nA fact. Another.\n\nCode: `arr[1]` stays.');
  });

  it('is linear on a long run of spaces', () => {
    const started = performance.now();
    remixSource(`a${' '.repeat(200_000)}b [1]`);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('condense', () => {
  const sections = Array.from(
    { length: 6 },
    (_, i) => `## Part ${i + 1}\n\n${'One sentence here. '.repeat(40 * (i + 1))}`,
  );
  const text = `# Guide\n\n${sections.join('\n\n')}`;

  it('keeps a text that fits', () => {
    expect(condense('short', 100)).toBe('short');
  });

  it('keeps every heading and gives each section a share of the room', () => {
    const out = condense(text, 3000);
    expect(out.length).toBeLessThanOrEqual(3000);
    for (let i = 1; i <= 6; i++) expect(out).toContain(`## Part ${i}\n\nOne sentence here.`);
    // A longer section keeps more.
    const kept = (n: number) => out.split(`## Part ${n}\n\n`)[1]!.split('\n\n## ')[0]!.length;
    expect(kept(6)).toBeGreaterThan(kept(1));
  });

  it('cuts the start of the text when the room cannot hold every heading', () => {
    const out = condense(text, 200);
    expect(out.length).toBeLessThanOrEqual(200);
    expect(out.startsWith('# Guide')).toBe(true);
  });
});
