// HTML through linkedom: article pages are first reduced to their main content by Readability,
// then headings, paragraphs, list items, preformatted code and tables become blocks.
import { isProbablyReaderable, Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import type { Block, ParsedDocument } from '../types.ts';
import { HeadingTrail } from './heading-path.ts';
import { collapseWhitespace } from './text.ts';

// Not content: scripts and styles, and the site chrome of pages Readability does not reduce.
const skipped = new Set([
  'SCRIPT',
  'STYLE',
  'NOSCRIPT',
  'TEMPLATE',
  'SVG',
  'IFRAME',
  'HEAD',
  'BUTTON',
  'FORM',
  'NAV',
]);
const blockTags = new Set([
  'ADDRESS',
  'ARTICLE',
  'ASIDE',
  'BLOCKQUOTE',
  'BODY',
  'DD',
  'DETAILS',
  'DIV',
  'DL',
  'DT',
  'FIELDSET',
  'FIGCAPTION',
  'FIGURE',
  'FOOTER',
  'H1',
  'H2',
  'H3',
  'H4',
  'H5',
  'H6',
  'HEADER',
  'HR',
  'LI',
  'MAIN',
  'NAV',
  'OL',
  'P',
  'PRE',
  'SECTION',
  'SUMMARY',
  'TABLE',
  'UL',
]);

/**
 * Text of a node with its words kept apart: a `<br>` is a line break and a block (a paragraph in a
 * table cell, a DOCX cell's paragraphs) stands apart from its neighbours. `textContent` ran
 * "Unlimited seats" and "Priority support" into "seatsPriority": neither could be found.
 * `withoutLists` leaves nested lists out (they become their own list items).
 */
function spacedText(node: Node, withoutLists = false): string {
  let out = '';
  for (const child of Array.from(node.childNodes)) {
    if (child.nodeType === 3) out += child.textContent ?? '';
    else if (child.nodeType === 1) {
      const tag = (child as Element).tagName;
      if (skipped.has(tag) || (withoutLists && (tag === 'UL' || tag === 'OL'))) continue;
      const text = spacedText(child, withoutLists);
      out +=
        tag === 'BR'
          ? '\n'
          : blockTags.has(tag) || tag === 'TD' || tag === 'TH' || tag === 'TR'
            ? ` ${text} `
            : text;
    }
  }
  return out;
}

const blockSelector = [...blockTags].map((t) => t.toLowerCase()).join(',');

/** The table's caption and its own rows (a table nested in a cell is read once, in that cell). */
function tableText(table: Element): string {
  const caption = Array.from(table.children).find((c) => c.tagName === 'CAPTION');
  const rows = Array.from(table.querySelectorAll('tr'))
    .filter((tr) => tr.closest('table') === table)
    .map((tr) =>
      Array.from(tr.children)
        .map((cell) => collapseWhitespace(spacedText(cell)))
        .join(' | '),
    )
    .filter((row) => row.replace(/[|\s]/g, ''));
  return [...(caption ? [collapseWhitespace(spacedText(caption))] : []), ...rows].filter(Boolean).join('\n');
}

/** Converts the body of an HTML document into blocks. */
export function htmlToBlocks(root: Node): Block[] {
  const blocks: Block[] = [];
  const trail = new HeadingTrail();
  let inline = '';
  const push = (block: Omit<Block, 'headingPath'>, headingPath = trail.path()) => {
    // Code keeps its layout, tables their rows (cells are already collapsed).
    const text =
      block.kind === 'code'
        ? block.text.replace(/^\n+/, '').trimEnd()
        : block.kind === 'table'
          ? block.text
          : collapseWhitespace(block.text);
    if (text) blocks.push({ ...block, text, headingPath });
  };
  const flush = () => {
    push({ kind: 'paragraph', text: inline });
    inline = '';
  };

  const walk = (node: Node, listDepth: number) => {
    for (const child of Array.from(node.childNodes)) {
      if (child.nodeType === 3) {
        inline += child.textContent ?? '';
        continue;
      }
      if (child.nodeType !== 1) continue;
      const el = child as Element;
      const tag = el.tagName;
      if (skipped.has(tag)) continue;
      if (!blockTags.has(tag)) {
        // An inline element around blocks (a link around a heading and a paragraph) is walked
        // into: its blocks stay blocks, the heading a heading.
        if (tag !== 'BR' && el.querySelector(blockSelector)) {
          flush();
          walk(el, listDepth);
          flush();
        } else inline += tag === 'BR' ? '\n' : spacedText(el);
        continue;
      }
      flush();
      const heading = /^H([1-6])$/.exec(tag);
      if (heading) {
        const text = collapseWhitespace(spacedText(el));
        if (text) {
          const level = Number(heading[1]);
          push({ kind: 'heading', text, level }, trail.enter(level, text));
        }
      } else if (tag === 'P' || tag === 'DT' || tag === 'DD' || tag === 'FIGCAPTION' || tag === 'SUMMARY') {
        push({ kind: 'paragraph', text: spacedText(el) });
      } else if (tag === 'PRE') {
        push({ kind: 'code', text: el.textContent ?? '' });
      } else if (tag === 'TABLE') {
        push({ kind: 'table', text: tableText(el) });
      } else if (tag === 'LI') {
        push({ kind: 'list_item', text: spacedText(el, true), level: listDepth });
        for (const nested of Array.from(el.children).filter((c) => c.tagName === 'UL' || c.tagName === 'OL'))
          walk(nested, listDepth + 1);
      } else if (tag === 'UL' || tag === 'OL') {
        walk(el, listDepth + 1);
      } else {
        walk(el, listDepth);
      }
      flush();
    }
  };
  walk(root, 0);
  flush();
  return blocks;
}

function firstText(document: Document, selector: string): string | undefined {
  const text = collapseWhitespace(document.querySelector(selector)?.textContent ?? '');
  return text || undefined;
}

export function parseHtml(html: string): ParsedDocument {
  const { document } = parseHTML(html);
  let title = firstText(document, 'title') ?? firstText(document, 'h1');
  let root: Node = document.body ?? document.documentElement;
  if (isProbablyReaderable(document)) {
    // Readability mutates the document it reads, so it gets its own copy.
    const article = new Readability(parseHTML(html).document).parse();
    if (article?.content) {
      root = parseHTML(`<!doctype html><html><body>${article.content}</body></html>`).document.body;
      title = collapseWhitespace(article.title ?? '') || title;
    }
  }
  return { type: 'html', ...(title === undefined ? {} : { title }), blocks: htmlToBlocks(root) };
}
