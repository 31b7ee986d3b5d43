import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { analyzeSeo } from '../../src/seo/analyze.ts';
import { referenceList } from '../../src/writing/citations.ts';
import { markdownNestingProblem } from '../../src/writing/markdown-limits.ts';
import { frontMatter, renderHtml, toPlainText } from '../../src/writing/render.ts';

describe('renderHtml', () => {
  it('renders headings with ids, lists, tables, code and quotes', () => {
    const html = renderHtml(
      [
        '# Cold Brew',
        '## Why? Why!',
        '## Why? Why!',
        '- a',
        '1. b',
        '',
        '| x | y |',
        '|---|--:|',
        '| 1 | 2 |',
        '',
        '```js',
        'const a = "<b>";',
        '```',
        '',
        '> quoted **bold** `code`',
      ].join('\n'),
    );
    expect(html).toContain('<h1 id="cold-brew">Cold Brew</h1>');
    expect(html).toContain('<h2 id="why-why">Why? Why!</h2>');
    expect(html).toContain('<h2 id="why-why-2">');
    expect(renderHtml('## Q&A: what\'s "new" <b>x</b>')).toContain('<h2 id="q-a-what-s-new-x">');
    expect(html).toContain('<ul>\n<li>a</li>');
    expect(html).toContain('<ol>');
    expect(html).toContain('<td align="right">2</td>');
    expect(html).toContain('<code class="language-js">const a = "&lt;b&gt;";');
    expect(html).toContain('<blockquote>');
    expect(html).toContain('<strong>bold</strong>');
  });

  it('renders citation markers as links to the references', () => {
    const md = `Claim [1]. Two [2, 3]. Adjacent [4][5].\n\n${referenceList([
      { n: 1, title: 'One', url: 'https://example.com/1' },
      { n: 2, title: 'Two', url: 'https://example.com/2' },
    ])}`;
    const html = renderHtml(md);
    expect(html).toContain('Claim <sup><a href="#ref-1">[1]</a></sup>.');
    expect(html).toContain('<sup><a href="#ref-2">[2]</a><a href="#ref-3">[3]</a></sup>');
    expect(html).toContain('<sup><a href="#ref-4">[4]</a></sup><sup><a href="#ref-5">[5]</a></sup>');
    expect(html).toContain(
      '<p id="ref-1">[1] One — <a href="https://example.com/1" rel="noopener nofollow">https://example.com/1</a></p>',
    );
    expect(html).toContain('<p id="ref-2">[2] Two');
  });

  it('links the citations of an article in another language to its references', () => {
    for (const heading of ['Quellen', 'Referencias', '参考文献', 'SOURCES']) {
      const md = `Behauptung [1].\n\n${referenceList([{ n: 1, title: 'Eins', url: 'https://example.com/1' }], heading)}`;
      const html = renderHtml(md);
      expect(html, heading).toContain('<sup><a href="#ref-1">[1]</a></sup>');
      expect(html, heading).toContain('<p id="ref-1">[1] Eins');
    }
  });

  it('keeps safe links and marks external ones noopener nofollow', () => {
    const html = renderHtml('[site](https://example.com "T") [mail](mailto:a@example.com) [top](#intro)');
    expect(html).toContain('<a title="T" href="https://example.com" rel="noopener nofollow">site</a>');
    expect(html).toContain('<a href="mailto:a@example.com">mail</a>');
    expect(html).toContain('<a href="#intro">top</a>');
  });

  it.each([
    ['script tag', '<script>alert(1)</script>Hello', /<script|alert/],
    ['img onerror', '<img src="https://x.example/a.png" onerror="alert(1)">', /onerror|alert/],
    ['javascript: link', '[click](javascript:alert(1))', /javascript:|href=/],
    ['javascript: link, obfuscated', '<a href="JaVaScRiPt&colon;alert(1)">x</a>', /href=|alert/],
    ['svg onload', '<svg onload="alert(1)"><circle r="1"/></svg>', /<svg|onload|alert/],
    ['data: URL in a link', '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)', /data:|href=/],
    ['data: URL image', '![x](data:image/svg+xml;base64,PHN2Zz4=)', /data:|<img/],
    ['iframe', '<iframe src="https://evil.example"></iframe>', /<iframe/],
    ['style attribute and tag', '<p style="position:fixed">x</p><style>body{}</style>', /style|body\{/],
    ['event handler on a link', '<a href="https://ok.example" onclick="alert(1)">x</a>', /onclick|alert/],
    ['relative image path', '![x](/etc/passwd)', /<img/],
  ])('strips %s', (_name, markdown, forbidden) => {
    expect(renderHtml(markdown)).not.toMatch(forbidden);
  });

  it('keeps http(s) images', () => {
    expect(renderHtml('![A cat](https://example.com/cat.png)')).toBe(
      '<p><img alt="A cat" src="https://example.com/cat.png" /></p>',
    );
  });
});

describe('Markdown nested past the limit', () => {
  // A model's answer (or an article stored before edits were checked) that nests lists or quotes
  // thousands deep exhausted the parser's stack: a RangeError for the run, the export, the SEO read.
  const deep = ['- '.repeat(3000), '> '.repeat(3000), '1. '.repeat(3000)].map((m) => `${m}x`);

  it('renders the first 50 levels and the rest of the line as written', () => {
    for (const text of deep) {
      const html = renderHtml(text);
      expect(html.match(/<(ul|ol|blockquote)>/g)).toHaveLength(50);
      expect(html).toContain('x');
      expect(toPlainText(text)).toContain('x');
      expect(analyzeSeo(text, { keywords: [], language: 'en' }).wordCount).toBeGreaterThan(0);
    }
    expect(renderHtml(`${'1. '.repeat(60)}x`)).toContain('1. 1. 1. 1. 1. 1. 1. 1. 1. 1. x');
    expect(renderHtml(`${'- '.repeat(60)}x`)).toContain('- - - - - - - - - - x');
  });

  it('is still refused in edits', () => {
    expect(markdownNestingProblem(deep[0]!)).toMatch(/more than 50 levels/);
    expect(markdownNestingProblem(`${'- '.repeat(50)}x`)).toBeUndefined();
  });
});

describe('toPlainText', () => {
  it('drops markup and keeps text, list markers and citations', () => {
    const text = toPlainText(
      '# Title\n\nSome **bold** and [a link](https://e.com) &amp; `code` [1].\n\n- one\n- two\n\n![alt text](https://e.com/i.png)\n\n<div>raw <b>html</b></div>',
    );
    expect(text).toBe('Title\n\nSome bold and a link & code [1].\n\n- one\n- two\n\nalt text\n\nraw html');
  });

  it('for the export, writes a link’s address after its text, decodes every entity and indents nested lists', () => {
    const markdown =
      'See [the study](https://example.com/study), <https://auto.example>, [mail](mailto:a@example.com) and [top](#top).\n\n' +
      '- one\n  - nested\n  - deeper\n- two\n\nTom &amp; Jerry&nbsp;&copy; &#8212; x';
    expect(toPlainText(markdown, { linkTargets: true })).toBe(
      'See the study (https://example.com/study), https://auto.example, mail (a@example.com) and top.\n\n' +
        '- one\n   - nested\n   - deeper\n- two\n\nTom & Jerry\u00a0© — x',
    );
    // Word counting reads no addresses.
    expect(toPlainText(markdown)).toContain('See the study, https://auto.example, mail and top.');
  });
});

describe('frontMatter', () => {
  it('writes YAML front matter that parses back to the metadata', () => {
    const meta = {
      title: 'Cold brew: the "smooth" one',
      description: 'A guide\n---\nwith: tricky: text',
      slug: 'cold-brew',
      keywords: ['cold brew', 'coffee'],
      sources: [{ n: 1, title: 'Study', url: 'https://example.com' }],
      date: undefined,
    };
    const markdown = frontMatter(meta, '# Cold brew\n\nBody.\n');
    const match = /^---\n([\s\S]*?)\n---\n\n([\s\S]*)$/.exec(markdown);
    expect(match).not.toBeNull();
    const { date: _date, ...expected } = meta;
    expect(parse(match![1]!)).toEqual(expected);
    expect(match![2]).toBe('# Cold brew\n\nBody.\n');
  });

  it('quotes what a YAML 1.1 reader (Jekyll, PyYAML) would take for a boolean or a number', () => {
    const markdown = frontMatter({
      title: 'No',
      language: 'no',
      keywords: ['on', 'Yes', '12:30', '1_000', '=', '<<'],
    });
    const yaml = /^---\n([\s\S]*?)\n---/.exec(markdown)![1]!;
    const expected = { title: 'No', language: 'no', keywords: ['on', 'Yes', '12:30', '1_000', '=', '<<'] };
    // PyYAML reads a bare "=" or "<<" as its value and merge keys, and refuses them as text.
    expect(yaml).toContain('- "="');
    expect(yaml).toContain('- !!str "<<"');
    expect(parse(yaml, { version: '1.1' })).toEqual(expected);
    expect(parse(yaml)).toEqual(expected);
  });
});

describe('raw HTML left open', () => {
  it('shows tags past 1,000 open as text, so the sanitizer never nests more (163,000 took 30 s)', () => {
    const html = renderHtml(`Deep ${'<strong>'.repeat(5_000)}end.\n\n<em>fine</em> <br> <sup>closed</sup>`);
    expect(html.match(/<strong>/g)).toHaveLength(1_000);
    expect(html).toContain('&lt;strong&gt;'.repeat(3));
    expect(html).toContain('<em>fine</em> <br /> <sup>closed</sup>');
  });

  it('counts block HTML left open across the blocks after it', () => {
    const html = renderHtml(`${'<blockquote>\n\n'.repeat(1_200)}text`);
    expect(html.match(/<blockquote>/g)).toHaveLength(1_000);
  });

  it('renders balanced HTML of any length as before: end tags inline, end tags HTML lets one leave out', () => {
    const faq = '<details>\n<summary>Q?</summary>\n\nAnswer.</details>\n\n'.repeat(1_200);
    const tips = '<blockquote>\n\nTip.</blockquote>\n\n'.repeat(1_200);
    const paragraphs = '<p>Para\n\n'.repeat(1_200);
    for (const markdown of [faq, tips, paragraphs]) expect(renderHtml(markdown)).not.toContain('&lt;');
  });

  it('counts closed tags out again, and void and self-closing tags never', () => {
    const html = renderHtml(
      `${'<strong>x</strong> <br> <img src="https://e.example/a.png" /> '.repeat(300)}`,
    );
    expect(html.match(/<strong>/g)).toHaveLength(300);
    expect(html).not.toContain('&lt;');
  });

  it('plain text drops lone tags and keeps their text', () => {
    expect(toPlainText(`A ${'<b>'.repeat(1_000)}bold${'</b>'.repeat(1_000)} word.`)).toBe('A bold word.');
  });
});
