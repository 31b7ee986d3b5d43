// A PDF of the article's blocks (pdfkit: pure JavaScript, no browser): headings, paragraphs with bold
// and italic, lists, quotes, monospace code, tables, links as link annotations, page numbers. The
// text is set in DejaVu Sans and Sans Mono, embedded (subset) from the dejavu-fonts-ttf package: the
// 14 standard PDF fonts draw only Windows-1252, and DejaVu covers Latin, Greek, Cyrillic, Armenian,
// Georgian and more. What it cannot draw is refused before any page is written, named: characters
// without a glyph (Chinese, Japanese, Indic scripts…), and right-to-left scripts, which pdfkit would
// lay out left to right.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type PDFDocumentClass from 'pdfkit';
import { AppError } from '../../errors.ts';
import { lazyModule } from '../../lazy-module.ts';
import { type Block, type DocumentMeta, type HeadingLevel, plainRuns, type Run } from './article-blocks.ts';
import { withLongWordsCut } from './pdf-long-words.ts';

const pdfkit = lazyModule<typeof PDFDocumentClass>('pdfkit');
const fontkit = lazyModule<{ create(font: Buffer): { hasGlyphForCodePoint(codePoint: number): boolean } }>(
  'fontkit',
);

const fontFiles = {
  sans: 'DejaVuSans.ttf',
  bold: 'DejaVuSans-Bold.ttf',
  italic: 'DejaVuSans-Oblique.ttf',
  boldItalic: 'DejaVuSans-BoldOblique.ttf',
  mono: 'DejaVuSansMono.ttf',
} as const;
type FontName = keyof typeof fontFiles;

let fonts: Record<FontName, Buffer> | undefined;
/** The font files, read once (about 2.5 MB; each PDF embeds only the glyphs it uses). */
function fontData(): Record<FontName, Buffer> {
  if (!fonts) {
    const folder = join(
      dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')),
      'ttf',
    );
    fonts = Object.fromEntries(
      Object.entries(fontFiles).map(([name, file]) => [name, readFileSync(join(folder, file))]),
    ) as Record<FontName, Buffer>;
  }
  return fonts;
}

let coverage: { sans: (cp: number) => boolean; mono: (cp: number) => boolean } | undefined;
function glyphCoverage() {
  if (!coverage) {
    const sans = fontkit().create(fontData().sans);
    const mono = fontkit().create(fontData().mono);
    coverage = { sans: (cp) => sans.hasGlyphForCodePoint(cp), mono: (cp) => mono.hasGlyphForCodePoint(cp) };
  }
  return coverage;
}

const rightToLeft = /[\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}]/u;
const shownCharacters = 12;

/** Every text of the blocks, code apart (it is set in the monospace font). */
function texts(blocks: readonly Block[], out: { text: string[]; code: string[] }) {
  const add = (runs: readonly Run[]) => {
    for (const run of runs) (run.code ? out.code : out.text).push(run.text);
  };
  for (const block of blocks) {
    if (block.type === 'heading' || block.type === 'paragraph') add(block.runs);
    else if (block.type === 'code') out.code.push(block.text);
    else if (block.type === 'quote') texts(block.blocks, out);
    else if (block.type === 'list') for (const item of block.items) texts(item, out);
    // Table cells are written as plain text in the sans font.
    else if (block.type === 'table')
      for (const row of block.rows) for (const cell of row.cells) out.text.push(plainRuns(cell));
  }
  return out;
}

/** Refuses (400, naming them) the characters this PDF cannot draw, before any page is laid out. */
export function assertPdfCanDraw(title: string, blocks: readonly Block[]): void {
  const { text, code } = texts(blocks, { text: [title], code: [] });
  const { sans, mono } = glyphCoverage();
  const missing = new Set<string>();
  const rtl = new Set<string>();
  const check = (parts: string[], has: (cp: number) => boolean) => {
    for (const part of parts)
      for (const char of new Set(part)) {
        const cp = char.codePointAt(0)!;
        if (/\s/.test(char)) continue;
        if (rightToLeft.test(char)) rtl.add(char);
        else if (!has(cp)) missing.add(char);
      }
  };
  check(text, sans);
  check(code, mono);
  if (missing.size === 0 && rtl.size === 0) return;
  const named = (chars: Set<string>) =>
    [...chars]
      .slice(0, shownCharacters)
      .map((c) => `${c} (U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`)
      .join(', ') + (chars.size > shownCharacters ? ` and ${chars.size - shownCharacters} more` : '');
  const reasons = [
    ...(missing.size > 0 ? [`the PDF fonts (DejaVu) have no glyph for ${named(missing)}`] : []),
    ...(rtl.size > 0 ? [`right-to-left text is not laid out in PDF exports: ${named(rtl)}`] : []),
  ];
  const message = `This article cannot be exported as PDF: ${reasons.join('; ')}. Export DOCX or HTML instead.`;
  throw new AppError('validation_error', message, [{ path: 'format', message }]);
}

const sizes = { body: 11, code: 9 };
const headingSizes: Record<HeadingLevel, number> = { 1: 22, 2: 18, 3: 15, 4: 13, 5: 12, 6: 11 };
const margin = 64;
const listIndent = 18;

type Doc = InstanceType<typeof PDFDocumentClass>;

function fontOf(run: Run): FontName {
  if (run.code) return 'mono';
  if (run.bold && run.italic) return 'boldItalic';
  if (run.bold) return 'bold';
  return run.italic ? 'italic' : 'sans';
}

interface Place {
  x: number;
  width: number;
}

/** Writes styled runs as one flowing paragraph at `place`. */
function writeRuns(doc: Doc, runs: readonly Run[], place: Place, size: number, base: Partial<Run> = {}) {
  const parts = runs.filter((run) => run.text !== '');
  if (parts.length === 0) return;
  parts.forEach((run, i) => {
    const styled = { ...base, ...run };
    doc
      .font(fontOf(styled))
      .fontSize(size)
      .fillColor(styled.link ? '#1a4f9c' : 'black');
    const options = {
      width: place.width,
      continued: i < parts.length - 1,
      link: styled.link ?? null,
      underline: Boolean(styled.link),
      strike: Boolean(styled.strike),
      lineGap: 2,
    };
    const text = withLongWordsCut(doc, styled.text, place.width);
    if (i === 0) doc.text(text, place.x, doc.y, options);
    else doc.text(text, options);
  });
}

const cellPadding = 4;

// A grid of equal columns, each row as tall as its tallest cell and kept on one page (a cell taller
// than a page is cut short). Drawn here: pdfkit's own tables took minutes for an article of
// thousands of small ones.
function writeTable(doc: Doc, rows: Extract<Block, { type: 'table' }>['rows'], place: Place) {
  const columns = Math.max(0, ...rows.map((row) => row.cells.length));
  if (columns === 0) return;
  const width = place.width / columns;
  const textWidth = width - 2 * cellPadding;
  const pageRoom = () => doc.page.height - doc.page.margins.bottom - doc.page.margins.top;
  doc.fontSize(sizes.body - 1);
  for (const row of rows) {
    doc.font(row.header ? 'bold' : 'sans');
    const cells = Array.from({ length: columns }, (_, i) =>
      withLongWordsCut(doc, plainRuns(row.cells[i] ?? []), textWidth),
    );
    const textHeight = Math.min(
      Math.max(...cells.map((cell) => doc.heightOfString(cell || ' ', { width: textWidth }))),
      pageRoom() - 2 * cellPadding,
    );
    const height = textHeight + 2 * cellPadding;
    if (doc.y + height > doc.page.height - doc.page.margins.bottom) doc.addPage();
    const top = doc.y;
    cells.forEach((cell, i) => {
      const x = place.x + i * width;
      doc.rect(x, top, width, height).lineWidth(0.5).strokeColor('#999999').stroke();
      doc.fillColor('black').text(cell, x + cellPadding, top + cellPadding, {
        width: textWidth,
        height: textHeight,
        ellipsis: true,
      });
    });
    doc.x = place.x;
    doc.y = top + height;
  }
  doc.moveDown(0.6);
}

function writeBlocks(doc: Doc, blocks: readonly Block[], place: Place, quote = false): void {
  for (const block of blocks) {
    switch (block.type) {
      case 'heading':
        doc.moveDown(0.6);
        writeRuns(doc, block.runs, place, headingSizes[block.level], { bold: true });
        doc.moveDown(0.3);
        break;
      case 'paragraph':
        writeRuns(doc, block.runs, place, sizes.body, quote ? { italic: true } : {});
        doc.moveDown(0.5);
        break;
      case 'list': {
        const inner = { x: place.x + listIndent, width: place.width - listIndent };
        block.items.forEach((item, i) => {
          const marker = block.ordered ? `${block.start + i}.` : '•';
          const top = doc.y;
          doc
            .font('sans')
            .fontSize(sizes.body)
            .fillColor('black')
            .text(marker, place.x, top, { width: listIndent - 4, lineBreak: false });
          doc.y = top;
          const [first, ...rest] = item;
          if (first?.type === 'paragraph') {
            writeRuns(doc, first.runs, inner, sizes.body);
            doc.moveDown(0.2);
            writeBlocks(doc, rest, inner, quote);
          } else writeBlocks(doc, item, inner, quote);
        });
        doc.moveDown(0.3);
        break;
      }
      case 'quote': {
        const inner = { x: place.x + listIndent, width: place.width - listIndent };
        writeBlocks(doc, block.blocks, inner, true);
        break;
      }
      case 'code':
        doc.font('mono').fontSize(sizes.code).fillColor('#222222');
        doc.text(withLongWordsCut(doc, block.text, place.width), place.x, doc.y, {
          width: place.width,
          lineGap: 1,
        });
        doc.moveDown(0.6);
        break;
      case 'table':
        writeTable(doc, block.rows, place);
        break;
      case 'rule': {
        const y = doc.y + 4;
        doc
          .moveTo(place.x, y)
          .lineTo(place.x + place.width, y)
          .strokeColor('#999999')
          .stroke();
        doc.y = y + 8;
        break;
      }
    }
  }
}

export function pdfFile(blocks: readonly Block[], meta: DocumentMeta): Promise<Buffer> {
  const PDFDocument = pdfkit();
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: margin, bottom: margin, left: margin, right: margin },
    bufferPages: true,
    lang: meta.language,
    displayTitle: true,
    info: {
      Title: meta.title,
      ...(meta.description ? { Subject: meta.description } : {}),
      Creator: 'Blogsmith',
    },
  });
  for (const [name, data] of Object.entries(fontData())) doc.registerFont(name, data);
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const place = { x: margin, width: doc.page.width - 2 * margin };
  // The article opens with its title as a heading 1; one that does not gets its title written first.
  const [first] = blocks;
  if (!(first?.type === 'heading' && first.level === 1))
    writeBlocks(doc, [{ type: 'heading', level: 1, runs: [{ text: meta.title }] }], place);
  writeBlocks(doc, blocks, place);

  const { start, count } = doc.bufferedPageRange();
  for (let i = start; i < start + count; i++) {
    doc.switchToPage(i);
    // Written in the bottom margin: with the margin in force pdfkit would start a new page for it.
    doc.page.margins.bottom = 0;
    doc
      .font('sans')
      .fontSize(9)
      .fillColor('#666666')
      .text(`${i + 1} / ${count}`, margin, doc.page.height - margin / 2, {
        width: place.width,
        align: 'center',
        lineBreak: false,
      });
  }
  doc.end();
  return done;
}
