// The article's sanitized HTML (what the HTML export sends) read as blocks of styled text runs, for
// the formats that are not HTML (DOCX, PDF): one reading of the text, so they say what the page says.
// The HTML holds only the tags the sanitizer allows (writing/render.ts) and nests at most 50 lists or
// quotes deep (writing/markdown-depth.ts), which bounds the recursion here.
import { lazyModule } from '../../lazy-module.ts';

const linkedom = lazyModule<typeof import('linkedom')>('linkedom');

export interface Run {
  text: string;
  bold?: true;
  italic?: true;
  code?: true;
  strike?: true;
  /** An absolute http(s) or mailto address; in-page anchors (citation markers) stay text. */
  link?: string;
}

/** What a document export says about the article besides its text. */
export interface DocumentMeta {
  title: string;
  description?: string;
  /** The brief's BCP 47 tag. */
  language: string;
}

export type HeadingLevel = 1 | 2 | 3 | 4 | 5 | 6;

export type Block =
  | { type: 'heading'; level: HeadingLevel; runs: Run[] }
  | { type: 'paragraph'; runs: Run[] }
  /** Each item is blocks of its own: its text, then any nested list. */
  | { type: 'list'; ordered: boolean; start: number; items: Block[][] }
  | { type: 'quote'; blocks: Block[] }
  | { type: 'code'; text: string }
  | { type: 'table'; rows: Array<{ header: boolean; cells: Run[][] }> }
  | { type: 'rule' };

type Style = Omit<Run, 'text'>;

export const elementNode = 1;
const textNode = 3;

/** The parts of linkedom's DOM the exports read. */
export interface DomNode {
  nodeType: number;
  nodeName: string;
  textContent: string | null;
  attributes?: ArrayLike<{ name: string; value: string }>;
  childNodes: ArrayLike<DomNode>;
  getAttribute?(name: string): string | null;
}

// Controls that XML 1.0 (DOCX) cannot hold or no font draws: C0, and C1 (U+0080–U+009F), which text
// mis-decoded from Windows-1252 carries. Tabs and line ends are whitespace, and so is NEL (U+0085),
// a line end.
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
const controls = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u0084\u0086-\u009f\ufffe\uffff]/g;
/** Text as the documents can hold and draw it: controls removed, NEL a line end. */
export const withoutControls = (text: string) => text.replace(controls, '').replaceAll('\u0085', '\n');
const textOf = (node: DomNode) => withoutControls(node.textContent ?? '');

// The largest start a Markdown list can have (CommonMark: nine digits), so that DOCX, PDF and
// WordPress number every Markdown list as the HTML export does, 0 included; a raw HTML list's start
// may say anything ("1e400", "-1", "1.5"), and what is not such a number starts at 1.
const listStartDigits = /^\s*(\d{1,9})\s*$/;
export const listStart = (start: string | null | undefined) =>
  Number(listStartDigits.exec(start ?? '')?.[1] ?? 1);

const children = (node: DomNode) => Array.from(node.childNodes);
const attribute = (node: DomNode, name: string) => node.getAttribute?.(name) ?? null;

const inlineStyles: Record<string, Style> = {
  STRONG: { bold: true },
  EM: { italic: true },
  CODE: { code: true },
  DEL: { strike: true },
  S: { strike: true },
};

function runsIn(nodes: readonly DomNode[], style: Style, out: Run[]): Run[] {
  for (const child of nodes) {
    if (child.nodeType === textNode) {
      const text = textOf(child).replace(/\s+/g, ' ');
      if (text) out.push({ text, ...style });
    } else if (child.nodeType === elementNode) {
      const tag = child.nodeName;
      if (tag === 'BR') out.push({ text: '\n', ...style });
      else if (tag === 'IMG') {
        // Exports fetch nothing: an image is its description, linked to where it is.
        const src = attribute(child, 'src') ?? '';
        out.push({ text: withoutControls(attribute(child, 'alt') || src), ...style, link: src });
      } else if (tag === 'A') {
        const href = attribute(child, 'href') ?? '';
        runsIn(children(child), /^(https?|mailto):/i.test(href) ? { ...style, link: href } : style, out);
      } else runsIn(children(child), { ...style, ...inlineStyles[tag] }, out);
    }
  }
  return out;
}

const runsOf = (node: DomNode) => trimmed(runsIn(children(node), {}, []));

/** A block's runs without the spaces that only separated it from its neighbours in the HTML. */
function trimmed(runs: Run[]): Run[] {
  const first = runs[0];
  if (first) first.text = first.text.trimStart();
  const last = runs.at(-1);
  if (last) last.text = last.text.trimEnd();
  return runs.filter((run) => run.text !== '');
}

const headingTag = /^H([1-6])$/;

function blockOf(node: DomNode): Block | undefined {
  const tag = node.nodeName;
  const heading = headingTag.exec(tag);
  if (heading) return { type: 'heading', level: Number(heading[1]) as HeadingLevel, runs: runsOf(node) };
  switch (tag) {
    case 'P':
      return { type: 'paragraph', runs: runsOf(node) };
    case 'UL':
    case 'OL':
      return {
        type: 'list',
        ordered: tag === 'OL',
        start: listStart(attribute(node, 'start')),
        items: children(node)
          .filter((child) => child.nodeName === 'LI')
          .map(blocksOf),
      };
    case 'BLOCKQUOTE':
      return { type: 'quote', blocks: blocksOf(node) };
    case 'PRE':
      return { type: 'code', text: textOf(node).replace(/\n$/, '') };
    case 'TABLE':
      return {
        type: 'table',
        rows: children(node)
          .flatMap((part) => (part.nodeName === 'TR' ? [part] : children(part)))
          .filter((row) => row.nodeName === 'TR')
          .map((row) => {
            const cells = children(row).filter((cell) => cell.nodeName === 'TD' || cell.nodeName === 'TH');
            return {
              header: cells.length > 0 && cells.every((cell) => cell.nodeName === 'TH'),
              cells: cells.map((cell) => runsOf(cell)),
            };
          }),
      };
    case 'HR':
      return { type: 'rule' };
    default:
      return undefined;
  }
}

/** The blocks inside a container (the body, a list item, a quote); loose inline content is a paragraph. */
function blocksOf(container: DomNode): Block[] {
  const blocks: Block[] = [];
  let loose: DomNode[] = [];
  const flush = () => {
    const runs = trimmed(runsIn(loose, {}, []));
    if (runs.length > 0) blocks.push({ type: 'paragraph', runs });
    loose = [];
  };
  for (const child of children(container)) {
    const block = child.nodeType === elementNode ? blockOf(child) : undefined;
    if (block) {
      flush();
      blocks.push(block);
    } else loose.push(child);
  }
  flush();
  return blocks;
}

/** Parses sanitized article HTML (linkedom) into its blocks. */
export function parseArticleHtml(html: string): DomNode {
  const { document } = linkedom().parseHTML(`<!doctype html><html><body>${html}</body></html>`);
  return document.body as unknown as DomNode;
}

export function articleBlocks(html: string): Block[] {
  return blocksOf(parseArticleHtml(html));
}

/** A block's text, styles dropped. */
export const plainRuns = (runs: readonly Run[]) => runs.map((run) => run.text).join('');
