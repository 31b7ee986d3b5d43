// A Word document (DOCX, with the `docx` package) of the article's blocks: the title in Word's Title
// style, headings in Heading 1–6 (so Word's navigation pane and table of contents see them), links as
// hyperlinks, bulleted and numbered lists at their nesting level, quotes and code in styles of their
// own, tables; citation markers stay the "[n]" text they are.
import type * as Docx from 'docx';
import { lazyModule } from '../../lazy-module.ts';
import type { Block, DocumentMeta, Run } from './article-blocks.ts';

const docx = lazyModule<typeof import('docx')>('docx');

type Child = Docx.Paragraph | Docx.Table;

const monospace = 'Courier New';
// Word's list levels are 0–8; an article may nest deeper (up to 50), and stays at the last level.
const deepestLevel = 8;

interface Context {
  /** Inside how many quotes. */
  quote: number;
  /** The list level of the paragraphs written, or undefined outside lists. */
  level?: number;
}

function textRuns(runs: readonly Run[]): Docx.ParagraphChild[] {
  const { ExternalHyperlink, TextRun } = docx();
  return runs.flatMap((run): Docx.ParagraphChild[] => {
    const options = {
      ...(run.bold ? { bold: true } : {}),
      ...(run.italic ? { italics: true } : {}),
      ...(run.strike ? { strike: true } : {}),
      ...(run.code ? { font: monospace } : {}),
    };
    // A line break (<br>) is a break, not a newline character Word would show as a space.
    const pieces = run.text.split('\n').map(
      (text, i) =>
        new TextRun({
          ...options,
          text,
          ...(i > 0 ? { break: 1 } : {}),
          ...(run.link ? { style: 'Hyperlink' } : {}),
        }),
    );
    return run.link ? [new ExternalHyperlink({ link: run.link, children: pieces })] : pieces;
  });
}

const indentOf = (context: Context) => (context.quote > 0 ? { indent: { left: 720 * context.quote } } : {});

interface Numbering {
  /** One numbering definition per start value, each list a fresh instance of it (so it restarts). */
  starts: Set<number>;
  instances: number;
}

function children(blocks: readonly Block[], context: Context, numbering: Numbering): Child[] {
  const { Paragraph, HeadingLevel, Table, TableRow, TableCell, WidthType, TextRun } = docx();
  const out: Child[] = [];
  for (const block of blocks) {
    switch (block.type) {
      case 'heading':
        out.push(
          new Paragraph({ heading: HeadingLevel[`HEADING_${block.level}`], children: textRuns(block.runs) }),
        );
        break;
      case 'paragraph':
        out.push(
          new Paragraph({
            children: textRuns(block.runs),
            ...(context.quote > 0 ? { style: 'BlockQuote' } : {}),
            ...indentOf(context),
          }),
        );
        break;
      case 'list': {
        const level = Math.min(context.level === undefined ? 0 : context.level + 1, deepestLevel);
        const instance = numbering.instances++;
        if (block.ordered) numbering.starts.add(block.start);
        for (const item of block.items) {
          // The item's first paragraph carries the bullet or number; the rest of it (a loose item's
          // further paragraphs, its nested lists) sits under it.
          const [first, ...rest] = item;
          const marker = block.ordered
            ? { numbering: { reference: `ordered-${block.start}`, level, instance } }
            : { bullet: { level } };
          out.push(
            new Paragraph({
              ...marker,
              children: first?.type === 'paragraph' ? textRuns(first.runs) : [],
              ...(context.quote > 0 ? { style: 'BlockQuote' } : {}),
            }),
          );
          const after = first?.type === 'paragraph' ? rest : item;
          out.push(...children(after, { ...context, level }, numbering));
        }
        break;
      }
      case 'quote':
        out.push(...children(block.blocks, { ...context, quote: context.quote + 1 }, numbering));
        break;
      case 'code':
        out.push(
          new Paragraph({
            style: 'CodeBlock',
            ...indentOf(context),
            children: block.text
              .split('\n')
              .map((line, i) => new TextRun({ text: line, ...(i > 0 ? { break: 1 } : {}) })),
          }),
        );
        break;
      case 'table': {
        const rows = block.rows.filter((row) => row.cells.length > 0);
        if (rows.length === 0) break;
        out.push(
          new Table({
            width: { size: 100, type: WidthType.PERCENTAGE },
            rows: rows.map(
              (row) =>
                new TableRow({
                  tableHeader: row.header,
                  children: row.cells.map(
                    (cell) =>
                      new TableCell({
                        children: [
                          new Paragraph({
                            children: textRuns(
                              row.header ? cell.map((run) => ({ ...run, bold: true })) : cell,
                            ),
                          }),
                        ],
                      }),
                  ),
                }),
            ),
          }),
          // Word runs two tables in a row together; a paragraph keeps them apart.
          new Paragraph({}),
        );
        break;
      }
      case 'rule':
        out.push(new Paragraph({ thematicBreak: true, children: [] }));
        break;
    }
  }
  return out;
}

const decimalLevels = (start: number) =>
  Array.from({ length: deepestLevel + 1 }, (_, level) => ({
    level,
    format: docx().LevelFormat.DECIMAL,
    text: `%${level + 1}.`,
    start,
    alignment: docx().AlignmentType.LEFT,
    style: { paragraph: { indent: { left: 720 * (level + 1), hanging: 360 } } },
  }));

export async function docxFile(blocks: readonly Block[], meta: DocumentMeta): Promise<Buffer> {
  const { Document, Packer, Paragraph, HeadingLevel } = docx();
  // The article opens with its title as a heading 1: that one is the document's title.
  const [first, ...rest] = blocks;
  const titled = first?.type === 'heading' && first.level === 1;
  const title = new Paragraph({
    heading: HeadingLevel.TITLE,
    children: titled ? textRuns(first.runs) : textRuns([{ text: meta.title }]),
  });
  const numbering: Numbering = { starts: new Set(), instances: 0 };
  const body = children(titled ? rest : blocks, { quote: 0 }, numbering);
  const document = new Document({
    title: meta.title,
    ...(meta.description ? { description: meta.description } : {}),
    creator: 'Blogsmith',
    styles: {
      default: { document: { run: { language: { value: meta.language } } } },
      paragraphStyles: [
        {
          id: 'BlockQuote',
          name: 'Block Quote',
          basedOn: 'Normal',
          next: 'Normal',
          run: { italics: true, color: '404040' },
          paragraph: { indent: { left: 720 } },
        },
        {
          id: 'CodeBlock',
          name: 'Code Block',
          basedOn: 'Normal',
          next: 'Normal',
          run: { font: monospace, size: 19 },
          paragraph: { shading: { type: docx().ShadingType.CLEAR, fill: 'F2F2F2', color: 'auto' } },
        },
      ],
    },
    numbering: {
      config: [...numbering.starts].map((start) => ({
        reference: `ordered-${start}`,
        levels: decimalLevels(start),
      })),
    },
    sections: [{ children: [title, ...body] }],
  });
  return Packer.toBuffer(document);
}
