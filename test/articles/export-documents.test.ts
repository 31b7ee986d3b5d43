// The exports built from the article's sanitized HTML, read back with other people's readers:
// WordPress's own block parser, the DOCX's parts unzipped, the PDF through pdf.js (unpdf).
import { parse as parseBlocks } from '@wordpress/block-serialization-default-parser';
import JSZip from 'jszip';
import { getDocumentProxy } from 'unpdf';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { renderExport } from '../../src/articles/export/render.ts';
import { closeExportRenderers, renderOffThread } from '../../src/articles/export/render-pool.ts';
import { AppError } from '../../src/errors.ts';
import { lazyModule } from '../../src/lazy-module.ts';
import { renderHtml, toPlainText } from '../../src/writing/render.ts';
import { seededRandom } from '../support/seeded-random.ts';

afterAll(() => closeExportRenderers());

const markdown = `# Heat pumps, honestly

They cut bills by **a third** in *most* homes, with \`COP\` above 3 ([the study](https://example.com/study?a=1&b=2)) [1].
Greek: Ελληνικά, Cyrillic: кириллица.

## How they work

- Air source
- Ground source
  - Horizontal loops
    - Trenches

3. Survey
4. Install

> A heat pump moves heat; it does not make it.

\`\`\`js
const cop = heat / work; // a < b && c
\`\`\`

| Type | COP |
|------|-----|
| Air | 3.2 |

---

![A heat pump](https://example.com/pump.png)

### References

[1] Energy Saving Trust. https://example.com/est
`;
const html = renderHtml(markdown);
const meta = { title: 'Heat pumps, honestly', description: 'What they save', language: 'en' };

describe('WordPress blocks', () => {
  it("parse with WordPress's block grammar into the expected blocks, nothing freeform between them", async () => {
    const markup = (await renderExport({ format: 'wordpress', html, meta })) as string;
    const blocks = parseBlocks(markup);
    // Freeform (null-named) chunks are only the whitespace between blocks.
    for (const block of blocks.filter((b) => b.blockName === null)) expect(block.innerHTML.trim()).toBe('');
    const named = blocks.filter((b) => b.blockName !== null);
    expect(named.map((b) => b.blockName)).toEqual([
      'core/heading',
      'core/paragraph',
      'core/heading',
      'core/list',
      'core/list',
      'core/quote',
      'core/code',
      'core/table',
      'core/separator',
      'core/image',
      'core/heading',
      'core/paragraph',
    ]);
    expect(named.map((b) => b.attrs)).toEqual(
      expect.arrayContaining([{ level: 1 }, { level: 3 }, { ordered: true, start: 3 }]),
    );
    // Level 2 is the heading block's default: WordPress leaves it out of the delimiter.
    expect(named[2]!.attrs).toEqual({});
    const [bullets, numbered] = named.filter((b) => b.blockName === 'core/list');
    expect(bullets!.innerBlocks.map((b) => b.blockName)).toEqual(['core/list-item', 'core/list-item']);
    // Two levels down: a list inside a list item, inside a list inside a list item.
    const ground = bullets!.innerBlocks[1]!;
    expect(ground.innerBlocks[0]!.blockName).toBe('core/list');
    expect(ground.innerBlocks[0]!.innerBlocks[0]!.innerBlocks[0]!.blockName).toBe('core/list');
    expect(numbered!.innerHTML).toContain('<ol start="3" class="wp-block-list">');
    expect(named[5]!.innerBlocks.map((b) => b.blockName)).toEqual(['core/paragraph']);
    // Text and addresses keep their escaping; code is text.
    expect(named[1]!.innerHTML).toContain('href="https://example.com/study?a=1&amp;b=2"');
    expect(named[6]!.innerHTML).toContain('a &lt; b &amp;&amp; c');
    expect(named[9]!.innerHTML).toContain('<img src="https://example.com/pump.png" alt="A heat pump"/>');
    expect(named[11]!.innerHTML).toContain('<p id="ref-1">[1] Energy Saving Trust.');
  });

  it('keeps anything else as a Custom HTML block', async () => {
    const markup = (await renderExport({
      format: 'wordpress',
      html: '<p>a</p>\n<sup>x</sup>',
      meta,
    })) as string;
    const named = parseBlocks(markup).filter((b) => b.blockName !== null);
    expect(named.map((b) => b.blockName)).toEqual(['core/paragraph', 'core/html']);
    expect(named[1]!.innerHTML).toContain('<sup>x</sup>');
  });
});

describe('DOCX', () => {
  it("holds Word's required parts, headings in Heading styles, links as hyperlink relationships, and the text", async () => {
    const file = (await renderExport({ format: 'docx', html, meta })) as Buffer;
    const zip = await JSZip.loadAsync(file);
    for (const part of [
      '[Content_Types].xml',
      '_rels/.rels',
      'word/document.xml',
      'word/_rels/document.xml.rels',
    ])
      expect(zip.file(part), part).not.toBeNull();
    const document = await zip.file('word/document.xml')!.async('string');
    const rels = await zip.file('word/_rels/document.xml.rels')!.async('string');
    const paragraphs = [...document.matchAll(/<w:p>(.*?)<\/w:p>|<w:p [^>]*>(.*?)<\/w:p>/g)].map((m) => m[0]);
    const textOf = (p: string) => [...p.matchAll(/<w:t[^>]*>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('');
    const styled = (style: string) =>
      paragraphs.filter((p) => p.includes(`<w:pStyle w:val="${style}"/>`)).map(textOf);
    expect(styled('Title')).toEqual(['Heat pumps, honestly']);
    expect(styled('Heading2')).toEqual(['How they work']);
    expect(styled('Heading3')).toEqual(['References']);
    expect(styled('CodeBlock')).toEqual(['const cop = heat / work; // a &lt; b &amp;&amp; c']);
    expect(styled('BlockQuote')).toEqual(['A heat pump moves heat; it does not make it.']);
    // The citation marker stays text; bold and italic runs; inline code in a monospace font.
    const intro = paragraphs.map(textOf).find((t) => t.startsWith('They cut bills'))!;
    expect(intro).toContain('(the study) [1].');
    expect(document).toMatch(/<w:b\/>.*?<w:t xml:space="preserve">a third<\/w:t>/);
    expect(document).toMatch(/<w:i\/>.*?<w:t xml:space="preserve">most<\/w:t>/);
    expect(document).toMatch(
      /<w:rFonts w:ascii="Courier New"[^>]*\/>.*?<w:t xml:space="preserve">COP<\/w:t>/,
    );
    // Links: a hyperlink whose relationship targets the address.
    const link = /<w:hyperlink [^>]*r:id="([^"]+)"[^>]*>(?:(?!<\/w:hyperlink>).)*the study/.exec(document);
    expect(link).not.toBeNull();
    expect(rels).toMatch(
      new RegExp(
        `Id="${link![1]}"[^>]*Target="https://example.com/study\\?a=1&amp;b=2" TargetMode="External"`,
      ),
    );
    expect(rels).toContain('Target="https://example.com/est"');
    // Lists: bullets at levels 0, 1 and 2; the numbered list starts at 3.
    const levels = paragraphs
      .filter((p) => ['Air source', 'Ground source', 'Horizontal loops', 'Trenches'].includes(textOf(p)))
      .map((p) => /<w:ilvl w:val="(\d)"\/>/.exec(p)?.[1]);
    expect(levels).toEqual(['0', '0', '1', '2']);
    const numbering = await zip.file('word/numbering.xml')!.async('string');
    expect(numbering).toContain('<w:start w:val="3"/>');
    expect(numbering).toContain('<w:numFmt w:val="decimal"/>');
    // The table, and the references list.
    expect(document).toMatch(/<w:tbl>.*Type.*COP.*Air.*3\.2.*<\/w:tbl>/);
    expect(paragraphs.map(textOf)).toContain('[1] Energy Saving Trust. https://example.com/est');
    expect(paragraphs.map(textOf).join('\n')).toContain('Greek: Ελληνικά, Cyrillic: кириллица.');
    const core = await zip.file('docProps/core.xml')!.async('string');
    expect(core).toContain('<dc:title>Heat pumps, honestly</dc:title>');
  });
});

async function readPdf(file: Buffer) {
  const pdf = await getDocumentProxy(new Uint8Array(file), { verbosity: 0, isEvalSupported: false });
  const pages: string[] = [];
  const links: string[] = [];
  for (let n = 1; n <= pdf.numPages; n++) {
    const page = await pdf.getPage(n);
    const { items } = await page.getTextContent();
    pages.push(items.map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : '') : '')).join(''));
    for (const annotation of await page.getAnnotations())
      if (annotation.subtype === 'Link' && annotation.url) links.push(annotation.url);
  }
  await pdf.destroy();
  return { pages, links };
}

describe('PDF', () => {
  it('holds the text in embedded fonts (Greek and Cyrillic too), links as link annotations, page numbers', async () => {
    const file = (await renderExport({ format: 'pdf', html, meta })) as Buffer;
    expect(file.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const { pages, links } = await readPdf(file);
    expect(pages.length).toBeGreaterThan(0);
    // Lines wrap where the page width says.
    const text = pages.join('\n').replace(/\s+/g, ' ');
    for (const part of [
      'Heat pumps, honestly',
      'How they work',
      'a third',
      'Greek: Ελληνικά, Cyrillic: кириллица.',
      'Horizontal loops',
      '3. Survey',
      'const cop = heat / work; // a < b && c',
      '[1] Energy Saving Trust.',
    ])
      expect(text).toContain(part);
    expect(links).toEqual(
      expect.arrayContaining([
        'https://example.com/study?a=1&b=2',
        'https://example.com/est',
        'https://example.com/pump.png',
      ]),
    );
    expect(pages[0]).toMatch(/1 \/ 1\s*$/);
  });

  it('numbers each page of a long article', async () => {
    const long = renderHtml(
      `# Long\n\n${'A paragraph of some length to fill the page. '.repeat(20).concat('\n\n').repeat(40)}`,
    );
    const { pages } = await readPdf((await renderExport({ format: 'pdf', html: long, meta })) as Buffer);
    expect(pages.length).toBeGreaterThan(2);
    for (const [i, page] of pages.entries())
      expect(page).toMatch(new RegExp(`${i + 1} / ${pages.length}\\s*$`));
  });

  it('refuses, naming them, characters its fonts cannot draw and right-to-left text', async () => {
    const refusal = (text: string) =>
      renderExport({ format: 'pdf', html: renderHtml(`# T\n\n${text}`), meta }).then(
        () => undefined,
        (err: unknown) => err,
      );
    const cjk = await refusal('熱泵 works');
    expect(cjk).toBeInstanceOf(AppError);
    expect((cjk as AppError).code).toBe('validation_error');
    expect((cjk as AppError).message).toMatch(/no glyph for 熱 \(U\+71B1\), 泵 \(U\+6CF5\)/);
    expect(((await refusal('משאבת חום')) as AppError).message).toMatch(/right-to-left.*מ \(U\+05DE\)/);
    // Off the thread too, as the route calls it: the refusal crosses back as the same error.
    const offThread = await renderOffThread({ format: 'pdf', html: renderHtml('熱'), meta }, 'w').catch(
      (err: unknown) => err,
    );
    expect(offThread).toMatchObject({ code: 'validation_error', message: expect.stringContaining('U+71B1') });
  });
});

// pdfkit measures what it lays out through widthOfString: the characters it measures are the work.
const PDFDocument = lazyModule<typeof import('pdfkit')>('pdfkit')();

describe('PDF, words wider than a line', () => {
  // A word without repeats (pdfkit remembers the width of a word it has measured), of letters and
  // digits only: pdfkit's line breaker may break after a `/`.
  const word = (length: number, seed: number) => {
    const random = seededRandom(seed);
    const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    return Array.from({ length }, () => letters[Math.floor(random() * letters.length)]).join('');
  };

  it('lays out a 40,000-character word, a 20,000-character code line and a long cell measuring each character a few times, not the rest of the word per line', async () => {
    const [paragraph, code, cell, joined] = [
      word(40_000, 1),
      word(20_000, 2),
      word(5_000, 3),
      word(3_000, 4),
    ];
    // No-break spaces hold a run together for pdfkit's line breaker too.
    const nbsp = joined.replace(/(.{30})/g, '$1\u00a0');
    const article = renderHtml(
      `# Long words\n\n${paragraph}\n\n\`\`\`\n${code}\n\`\`\`\n\n| a | b |\n|---|---|\n| ${cell} | x |\n\n${nbsp}\n`,
    );
    const measure = vi.spyOn(PDFDocument.prototype, 'widthOfString');
    let file: Buffer;
    let measured: number;
    try {
      file = (await renderExport({ format: 'pdf', html: article, meta })) as Buffer;
      measured = measure.mock.calls.reduce((sum, [text]) => sum + String(text).length, 0);
    } finally {
      measure.mockRestore();
    }
    const written = paragraph.length + code.length + cell.length + nbsp.length;
    // Cutting off a line and measuring the rest of the word again measured over 10 million.
    expect(measured).toBeLessThan(5 * written);
    // Copied, the words are what was written: line ends where the lines end, nothing invisible.
    const { pages } = await readPdf(file);
    const text = pages
      .map((page, i) => page.replace(new RegExp(`${i + 1} / ${pages.length}\\s*$`), ''))
      .join('');
    const letters = text.replace(/\s/g, '');
    for (const part of [paragraph, code, nbsp.replace(/\s/g, '')]) expect(letters).toContain(part);
    expect(text).not.toMatch(/[\u200b\u00ad]/);
    // The table's cell is cut short at the page's end, as any cell taller than a page.
    expect(letters).toContain(cell.slice(0, 1_000));
  }, 60_000);
});

describe('Export processes', () => {
  it("write a workspace's WordPress blocks while another workspace's PDF is being laid out", async () => {
    const small = renderHtml('# Small\n\nOne paragraph.\n');
    // Both processes started, so that only the work is timed.
    await renderOffThread({ format: 'pdf', html: small, meta }, 'a');
    await renderOffThread({ format: 'wordpress', html: small, meta }, 'b');
    const large = renderHtml(
      `# Large\n\n${'A paragraph of some length to fill the page with text. '.repeat(30).concat('\n\n').repeat(150)}`,
    );
    const done: string[] = [];
    const pdf = renderOffThread({ format: 'pdf', html: large, meta }, 'a').then(() => done.push('pdf'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await renderOffThread({ format: 'wordpress', html: small, meta }, 'b').then(() => done.push('wordpress'));
    await pdf;
    expect(done).toEqual(['wordpress', 'pdf']);
  }, 60_000);
});

describe('Lists and controls, in every document format', () => {
  // Where the DOCX's numbered (decimal) lists start.
  const numberingStarts = async (file: Buffer) => {
    const numbering = await (await JSZip.loadAsync(file)).file('word/numbering.xml')!.async('string');
    const starts = numbering.matchAll(/<w:start w:val="([^"]+)"\/><w:numFmt w:val="decimal"\/>/g);
    return [...new Set([...starts].map((m) => m[1]))];
  };

  it('writes a raw HTML list whose start is no list number (1e400, -1, 1.5, 0x10, 11 digits) from 1', async () => {
    for (const start of ['1e400', '-1', '1.5', '0x10', '99999999999', 'abc', '']) {
      const article = renderHtml(
        `# T\n\n<ol start="${start}"><li>First step</li><li>Second step</li></ol>\n`,
      );
      const docx = (await renderExport({ format: 'docx', html: article, meta })) as Buffer;
      expect(await numberingStarts(docx), start).toEqual(['1']);
      const wordpress = (await renderExport({ format: 'wordpress', html: article, meta })) as string;
      expect(wordpress, start).toContain('<!-- wp:list {"ordered":true} -->\n<ol class="wp-block-list">');
      const { pages } = await readPdf((await renderExport({ format: 'pdf', html: article, meta })) as Buffer);
      expect(pages.join('\n'), start).toMatch(/1\.\s*First step\s*2\.\s*Second step/);
    }
  });

  it('numbers a list that starts at 0 from 0, as the HTML export does', async () => {
    const markdown = '# Steps\n\n0. Prepare\n1. Install\n2. Test\n';
    const article = renderHtml(markdown);
    expect(article).toContain('<ol start="0">');
    expect(toPlainText(markdown)).toContain('0. Prepare\n1. Install\n2. Test');
    const docx = (await renderExport({ format: 'docx', html: article, meta })) as Buffer;
    expect(await numberingStarts(docx)).toEqual(['0']);
    const wordpress = (await renderExport({ format: 'wordpress', html: article, meta })) as string;
    const [list] = parseBlocks(wordpress).filter((b) => b.blockName === 'core/list');
    expect(list!.attrs).toEqual({ ordered: true, start: 0 });
    expect(list!.innerHTML).toContain('<ol start="0" class="wp-block-list">');
    const { pages } = await readPdf((await renderExport({ format: 'pdf', html: article, meta })) as Buffer);
    expect(pages.join('\n')).toMatch(/0\.\s*Prepare\s*1\.\s*Install/);
  });

  it('drops C1 controls (text mis-decoded from Windows-1252) and reads NEL as a line end, in the title too', async () => {
    const article = renderHtml(
      '# Pasted\u0080 text\n\nA line pasted from an old document\u0085with a next-line control\u009d in it.\n\n```\nfirst\u0085second\n```\n',
    );
    const pdf = (await renderExport({
      format: 'pdf',
      html: article,
      meta: { ...meta, title: 'Pasted\u0085' },
    })) as Buffer;
    const text = (await readPdf(pdf)).pages.join('\n');
    expect(text).not.toMatch(/[\u0080-\u009f]/);
    expect(text.replace(/\s+/g, ' ')).toContain(
      'A line pasted from an old document with a next-line control in it.',
    );
    expect(text).toMatch(/first\s*\n\s*second/);
    const docx = (await renderExport({
      format: 'docx',
      html: article,
      meta: { ...meta, title: 'Pasted\u0081' },
    })) as Buffer;
    const zip = await JSZip.loadAsync(docx);
    for (const part of ['word/document.xml', 'docProps/core.xml'])
      expect(await zip.file(part)!.async('string'), part).not.toMatch(/[\u0080-\u009f]/);
  });
});
