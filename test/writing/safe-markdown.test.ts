import { Marked } from 'marked';
import { describe, expect, it } from 'vitest';
import { lexMarkdown } from '../../src/writing/markdown-lexer.ts';
import { renderHtml } from '../../src/writing/render.ts';
import { exportableMarkdown } from '../../src/writing/safe-markdown.ts';

describe('exportableMarkdown', () => {
  it('escapes raw HTML and makes script links text, leaving code and safe links as written', () => {
    const markdown = [
      '# Title',
      '',
      'Text with <img src=x onerror=alert(1)> and [a link](javascript:alert(2)) and [ok](https://example.com) [1].',
      '',
      '<script>alert(3)</script>',
      '',
      '- item [bad](jav&#x61;script:alert(4)) and <b>bold</b>',
      '- ![pic](data:image/svg+xml;base64,AAAA) ![fine](https://example.com/a.png)',
      '',
      '| a | b |',
      '|---|---|',
      '| <i onmouseover=x>c</i> | <javascript:alert(5)> |',
      '',
      '[ref]: vbscript:msgbox(6)',
      '[good]: https://example.com/good',
      '',
      '```html',
      '<script>shown as code</script>',
      '```',
      '',
      'Inline `<b>code</b>` stays.',
    ].join('\n');
    const out = exportableMarkdown(markdown);
    expect(out).toContain(
      'Text with &lt;img src=x onerror=alert(1)> and a link and [ok](https://example.com) [1].',
    );
    expect(out).toContain('&lt;script>alert(3)&lt;/script>');
    expect(out).toContain('- item bad and &lt;b>bold&lt;/b>');
    expect(out).toContain('- pic ![fine](https://example.com/a.png)');
    expect(out).toContain('| &lt;i onmouseover=x>c&lt;/i> | javascript:alert(5) |');
    expect(out).not.toContain('vbscript');
    expect(out).toContain('[good]: https://example.com/good');
    expect(out).toContain('```html\n<script>shown as code</script>\n```');
    expect(out).toContain('Inline `<b>code</b>` stays.');
    // Rendered, nothing of it runs.
    const html = renderHtml(out);
    expect(html).not.toMatch(/<script|<img[^>]*onerror|<i |href="(?!https:|#)|src="(?!https:)/);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('escapes what spans lines inside a quote or a list, and entity-spelled schemes', () => {
    for (const markdown of [
      '> <div>\n> <script>alert(1)</script>\n> </div>',
      '> <img src=x\n> onerror=alert(1)>',
      '- <img src=x\n  onerror=alert(1)>',
      '> [a\n> b](javascript:alert(1))',
      '[x](java&Tab;script&colon;alert(1))',
      '[x](&#106;avascript:alert(1))',
    ]) {
      const html = renderHtml(exportableMarkdown(markdown));
      expect(html, markdown).not.toMatch(/<script|<img|href="(?!https:|#)/);
      expect(new Marked().parse(exportableMarkdown(markdown)), markdown).not.toMatch(
        /<script|<img[^>]*onerror|href="(?!https:|#)/,
      );
    }
  });

  it('escapes tags CommonMark reads as text but browsers and lenient renderers run', () => {
    const markdown = [
      'Heat pumps are efficient <svg/onload=alert(document.domain)> and cheap.',
      '',
      '- See <img/src=x onerror=alert(1)> here, where x<y and a < b.',
      '',
      '## Why <iframe/src=//evil.example> matters',
      '',
      'Inline `<svg/onload=1>` stays, and so does <https://example.com/auto>.',
    ].join('\n');
    const out = exportableMarkdown(markdown);
    expect(out).toContain('efficient &lt;svg/onload=alert(document.domain)> and cheap.');
    expect(out).toContain('- See &lt;img/src=x onerror=alert(1)> here, where x&lt;y and a < b.');
    expect(out).toContain('## Why &lt;iframe/src=//evil.example> matters');
    expect(out).toContain('Inline `<svg/onload=1>` stays, and so does <https://example.com/auto>.');
    // Outside code and the autolink, no `<` opens a tag for any renderer.
    const prose = out.replace(/`[^`]*`/g, '').replace('<https://example.com/auto>', '');
    expect(prose).not.toMatch(/<[A-Za-z/!?]/);
    expect(renderHtml(out)).toContain('efficient &lt;svg/onload=alert(document.domain)&gt; and cheap.');
  });

  it('keeps a quote or a list whose text holds a tag-like "<" as it is, with that "<" escaped', () => {
    expect(exportableMarkdown('> quoted line one with a<b\n> line two\n')).toBe(
      '> quoted line one with a&lt;b\n> line two\n',
    );
    expect(exportableMarkdown('- item <svg/onload=x>\n  and more <b>bold</b>\n')).toBe(
      '- item &lt;svg/onload=x>\n  and more &lt;b>bold&lt;/b>\n',
    );
  });

  it('leaves an article without HTML or links as it was', () => {
    const markdown =
      '# Heat pumps\n\nThey move heat [1].\n\n## References\n\n[1] Study — <https://example.com/1>\n';
    expect(exportableMarkdown(markdown)).toBe(markdown);
  });
});

// What a GFM reader and a CommonMark reader (no tables: a table is text to it) make of the export,
// code apart: no tag but Markdown's own, no link or image but to the web.
function unsafeIn(markdown: string): string[] {
  return [new Marked({ gfm: true }), new Marked({ gfm: false })].flatMap((marked) => {
    const html = (marked.parse(markdown) as string).replace(/<code>[\s\S]*?<\/code>/g, '');
    return [
      ...html.matchAll(
        /<(?!\/?(?:p|h\d|em|strong|del|a|img|ul|ol|li|blockquote|table|thead|tbody|tr|th|td|hr|br|pre|code)\b)[a-z!?/][^>]*>/gi,
      ),
      ...html.matchAll(/<(?:a|img)\s[^>]*(?:href|src)="(?!https?:|ftp:|mailto:|#)[^"]*"/gi),
    ].map(([found]) => found);
  });
}

describe('exportableMarkdown, block by block in one pass', () => {
  it('escapes a paragraph of 32,000 distinct tag-like words in a few readings of it (replacing each word throughout took 35 s)', () => {
    const words = Array.from({ length: 32_000 }, (_, i) => `<x${i}`).join(' ');
    const markdown = `# Tag words\n\n${words}\n`;
    expect(markdown.length).toBeGreaterThan(240_000);
    // Timed against the Markdown lexer reading the same text, in the same process and moment, so
    // the machine's speed and load cancel out: the export reads a block at most three times (lex,
    // find, check the rebuilt block), and replacing word by word took 100 times a reading and more.
    const elapsed = (work: () => void) => {
      const started = performance.now();
      work();
      return performance.now() - started;
    };
    const reading: number[] = [];
    const exporting: number[] = [];
    let out = '';
    for (let round = 0; round < 3; round++) {
      reading.push(elapsed(() => lexMarkdown(markdown)));
      exporting.push(
        elapsed(() => {
          out = exportableMarkdown(markdown);
        }),
      );
    }
    expect(out).toBe(`# Tag words\n\n${words.replaceAll('<', '&lt;')}\n`);
    expect(Math.min(...exporting)).toBeLessThan(10 * Math.min(...reading));
  }, 120_000);

  it('leaves code beside escaped HTML as written, in the same block', () => {
    expect(exportableMarkdown('Inline `<b>code</b>` and <b>bold</b> and `a<b`, a<b.\n')).toBe(
      'Inline `<b>code</b>` and &lt;b>bold&lt;/b> and `a<b`, a&lt;b.\n',
    );
  });

  it('keeps a table whose cells hold an escaped pipe, and a quote around HTML spanning its lines', () => {
    const table = '| q\\|1 <i>x</i> | [a](javascript:1) \\| b |\n|---|---|\n| `<b>` | c |\n';
    expect(exportableMarkdown(table)).toBe('| q\\|1 &lt;i>x&lt;/i> | a \\| b |\n|---|---|\n| `<b>` | c |\n');
    expect(exportableMarkdown('> <p>\n> text\n> </p>\n')).toBe('> &lt;p>\n> text\n> &lt;/p>\n');
  });

  it('makes safe what escaping alone would have turned into links or tags', () => {
    for (const markdown of [
      // An HTML block's text is no Markdown until the block is shown as text.
      '<div>\n[x](javascript:alert(1))\n</div>\n',
      // A block exported as its plain text (a link spanning the lines of a quote cannot be made
      // text where it is written): its escapes are gone from that text.
      '> \\[y](javascript:alert(2)) [a\n> b](javascript:alert(7))\n',
      // A citation marker to this app, a link to every other reader.
      'As shown [1](javascript:alert(3)).\n',
      // Cells past the header's count: GFM drops them, CommonMark reads the table as text.
      '| a | b |\n|---|---|\n| c | d | <img src=x onerror=alert(4)> [e](javascript:alert(5)) |\n',
      'A paragraph\n| a | b |\n|---|---|\n| <i>c</i> | d |\n',
      // `\<` is an escaped `<` to CommonMark, a backslash and a tag to Python-Markdown.
      'Then \\<svg/onload=alert(6)> ran.\n',
    ]) {
      const out = exportableMarkdown(markdown);
      expect(unsafeIn(out), `${markdown} → ${out}`).toEqual([]);
      expect(out, markdown).not.toMatch(/\\<|(?<!\\)\[[^\]]*\]\(javascript:/);
    }
    expect(unsafeIn('A paragraph\n| a | b |\n|---|---|\n| <i>c</i> | d |\n')).not.toEqual([]);
  });

  it('leaves a bare address GFM links by itself as it is', () => {
    const markdown = 'Mirrors at ftp://ftp.example.org/pub and www.example.org, with <b>bold</b>.\n';
    expect(exportableMarkdown(markdown)).toBe(
      'Mirrors at ftp://ftp.example.org/pub and www.example.org, with &lt;b>bold&lt;/b>.\n',
    );
  });
});
