// Markdown (model output: untrusted) → sanitized HTML, plain text and Markdown with front matter for exports.
import { decodeHTML } from 'entities';
import { Marked, type Token, type Tokens } from 'marked';
import type SanitizeHtml from 'sanitize-html';
import { lazyModule } from '../lazy-module.ts';
import { citationMarkerPattern, markerNumbers } from './citations.ts';
import { isReferencesHeading } from './frame-headings.ts';
import { withinNestingLimit } from './markdown-depth.ts';
import { boundedEmphasis, textReach } from './markdown-lexer.ts';
import { boundOpenHtml } from './raw-html-depth.ts';

// HTML sanitising (htmlparser2 + PostCSS) and YAML are loaded on the first render, not at start-up.
const sanitizer = lazyModule<typeof import('sanitize-html')>('sanitize-html');
const yaml = lazyModule<typeof import('yaml')>('yaml');
const sanitizeHtml = (html: string, options: SanitizeHtml.IOptions) => sanitizer()(html, options);

const anchoredMarker = new RegExp(`^${citationMarkerPattern.source}`);

interface CitationToken extends Tokens.Generic {
  type: 'citation';
  raw: string;
  numbers: number[];
}

// A paragraph of the references section that starts with "[n]" is the target of the `#ref-n` links.
interface ReferenceParagraph extends Tokens.Paragraph {
  referenceNumber?: number;
}

function headingId(text: string, used: Map<string, number>): string {
  let base = text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
  if (!base) base = 'section';
  // Keep heading ids out of the citation anchors' namespace.
  if (/^ref-\d/.test(base)) base = `h-${base}`;
  const seen = used.get(base) ?? 0;
  used.set(base, seen + 1);
  return seen === 0 ? base : `${base}-${seen + 1}`;
}

function stripTags(html: string): string {
  // Heading HTML without markup or entities (most headings) is its own text, exactly (checked on
  // 50,000 random strings): sanitize-html costs ~20 µs a call, seconds for a text of 100,000 headings.
  if (!/[<>&"]/.test(html)) return html;
  // One tag alone (most inline HTML tokens) has no text; 163,000 of them took seconds one by one.
  if (/^<[^<>]*>$/.test(html)) return '';
  return sanitizeHtml(html, { allowedTags: [], allowedAttributes: {} });
}

function markReferenceParagraphs(tokens: Token[]): void {
  let inReferences = false;
  for (const token of tokens) {
    if (token.type === 'heading') inReferences = isReferencesHeading(token.text);
    if (inReferences && token.type === 'paragraph') {
      const first = token.tokens?.[0];
      if (first?.type === 'citation') {
        const [n] = (first as CitationToken).numbers;
        if (n !== undefined) (token as ReferenceParagraph).referenceNumber = n;
      }
    }
  }
}

function createMarked(): Marked {
  const usedIds = new Map<string, number>();
  return new Marked(boundedEmphasis, {
    gfm: true,
    extensions: [
      {
        name: 'citation',
        level: 'inline',
        start(src: string) {
          // Only as far as a text run reaches (markdown-lexer.ts): searching the whole rest of the
          // paragraph at every position would cost its length squared.
          const index = src.slice(0, textReach + 1).search(/\[\d/);
          return index < 0 ? undefined : index;
        },
        tokenizer(src: string): CitationToken | undefined {
          const match = anchoredMarker.exec(src);
          if (!match) return undefined;
          return { type: 'citation', raw: match[0], numbers: markerNumbers(match[1] ?? '') };
        },
        renderer(token) {
          const links = (token as CitationToken).numbers.map((n) => `<a href="#ref-${n}">[${n}]</a>`);
          return `<sup>${links.join('')}</sup>`;
        },
      },
    ],
    renderer: {
      heading({ tokens, depth }) {
        const inner = this.parser.parseInline(tokens);
        return `<h${depth} id="${headingId(inlineText(tokens), usedIds)}">${inner}</h${depth}>\n`;
      },
      paragraph(token) {
        const { referenceNumber } = token as ReferenceParagraph;
        if (referenceNumber === undefined) return false;
        const [marker, ...rest] = token.tokens;
        return `<p id="ref-${referenceNumber}">${marker?.raw ?? ''}${this.parser.parseInline(rest)}</p>\n`;
      },
    },
  });
}

const headingTags = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'];

const sanitizeOptions: SanitizeHtml.IOptions = {
  allowedTags: [
    ...headingTags,
    'p',
    'br',
    'hr',
    'ul',
    'ol',
    'li',
    'strong',
    'em',
    'del',
    's',
    'code',
    'pre',
    'blockquote',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
    'a',
    'img',
    'sup',
    'sub',
  ],
  allowedAttributes: {
    ...Object.fromEntries(headingTags.map((tag) => [tag, ['id']])),
    p: ['id'],
    a: ['href', 'title', 'rel'],
    img: ['src', 'alt', 'title'],
    th: ['align'],
    td: ['align'],
    ol: ['start'],
    code: ['class'],
  },
  allowedClasses: { code: ['language-*'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowedSchemesAppliedToAttributes: ['href', 'src'],
  allowProtocolRelative: false,
  // sanitize-html lets relative URLs through; links may only be absolute http(s)/mailto or in-page anchors,
  // images only absolute http(s).
  transformTags: {
    a: (tagName, attribs) => {
      const { rel: _rel, href, ...rest } = attribs;
      const target = (href ?? '').trim();
      if (/^https?:\/\//i.test(target))
        return { tagName, attribs: { ...rest, href: target, rel: 'noopener nofollow' } };
      if (/^(mailto:|#)/i.test(target)) return { tagName, attribs: { ...rest, href: target } };
      return { tagName, attribs: rest };
    },
    img: (tagName, attribs) => {
      const { src, ...rest } = attribs;
      const source = (src ?? '').trim();
      return { tagName, attribs: /^https?:\/\//i.test(source) ? { ...rest, src: source } : rest };
    },
  },
  // An image whose source was removed (data:, javascript:) is dropped rather than left empty.
  exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs.src,
};

export function renderHtml(markdown: string): string {
  const marked = createMarked();
  const tokens = marked.lexer(withinNestingLimit(markdown));
  markReferenceParagraphs(tokens);
  boundOpenHtml(marked, tokens);
  return sanitizeHtml(marked.parser(tokens), sanitizeOptions).trim();
}

/** `targets`: a link's web or mail address follows its text, for a reader who cannot click (the .txt export). */
function inlineText(tokens: readonly Token[] | undefined, targets = false): string {
  if (!tokens) return '';
  return tokens
    .map((token) => {
      switch (token.type) {
        case 'br':
          return '\n';
        case 'html':
          return stripTags(token.raw);
        case 'image':
          return token.text;
        case 'codespan':
        case 'escape':
        case 'citation':
          return token.type === 'citation' ? token.raw : token.text;
        case 'link': {
          const text = inlineText(token.tokens, targets);
          const address = token.href.replace(/^mailto:/i, '');
          return targets && /^(https?|mailto):/i.test(token.href) && text.trim() !== address
            ? `${text} (${address})`
            : text;
        }
        default:
          return 'tokens' in token && token.tokens
            ? inlineText(token.tokens, targets)
            : decodeHTML(token.raw);
      }
    })
    .join('');
}

const indented = (text: string) => text.replace(/^(?=.)/gm, '   ');

/** One block's plain text (`targets`: a link's address after its text). */
export function blockText(token: Token, targets = false): string {
  const blocks = (tokens: readonly Token[] | undefined) => (tokens ?? []).map((t) => blockText(t, targets));
  switch (token.type) {
    case 'heading':
    case 'paragraph':
      return inlineText(token.tokens, targets);
    case 'text':
      return token.tokens ? inlineText(token.tokens, targets) : token.text;
    case 'code':
      return token.text;
    case 'blockquote':
      return blocks(token.tokens).filter(Boolean).join('\n\n');
    case 'list':
      return (token as Tokens.List).items
        .map((item, index) => {
          // marked's start is '' for a bullet list; an ordered list may start at 0.
          const start = token.start === '' ? 1 : Number(token.start);
          const bullet = token.ordered ? `${start + index}. ` : '- ';
          // A nested list stands under its item, indented, not flush with the outer bullets.
          const [first = '', ...rest] = item.tokens.map((t) => {
            const text = blockText(t, targets);
            return t.type === 'list' ? indented(text) : text;
          });
          return [bullet + first, ...rest].filter(Boolean).join('\n');
        })
        .join('\n');
    case 'table': {
      const table = token as Tokens.Table;
      const row = (cells: Tokens.TableCell[]) =>
        cells.map((cell) => inlineText(cell.tokens, targets)).join('\t');
      return [row(table.header), ...table.rows.map(row)].join('\n');
    }
    case 'html':
      return stripTags(token.raw).trim();
    default:
      return '';
  }
}

let plainTextMarked: Marked | undefined;

// Plain text for .txt exports and word counting: block structure kept as blank lines, markup gone;
// with `linkTargets` (the export) a link's address follows its text.
export function toPlainText(markdown: string, { linkTargets = false } = {}): string {
  // One lexer for every call (its heading ids matter only when rendering): the SEO reader calls
  // this once per block, and building a Marked each time cost ~40 µs a block.
  plainTextMarked ??= createMarked();
  return plainTextMarked
    .lexer(withinNestingLimit(markdown))
    .map((token) => blockText(token, linkTargets))
    .filter((text) => text.trim())
    .join('\n\n')
    .trim();
}

export interface ExportMeta {
  title: string;
  description?: string;
  slug?: string;
  keywords?: string[];
  language?: string;
  date?: string;
  sources?: { n: number; title: string; url?: string; documentId?: string }[];
  [field: string]: unknown;
}

/**
 * Loads the YAML writer and writes a small front matter once (together ~25 ms of one core the first
 * time), for a process that will export Markdown soon and is idle now: the CLI while the model
 * writes, so the export at the end of its run does not pay for it.
 */
export function warmFrontMatter(): void {
  frontMatter({ title: 'warm-up', sources: [{ n: 1, title: 'warm-up', url: 'https://warm-up.invalid/' }] });
}

// Markdown export: YAML front matter (values quoted by the YAML library, so no field can break out), then
// the body. Written by YAML 1.1's rules, which quote what 1.1 would read as another type ("no",
// "Yes", "on", "12:30") — Jekyll, PyYAML and python-frontmatter read 1.1 — and is read the same by 1.2.
export function frontMatter(meta: ExportMeta, body = ''): string {
  const defined = Object.fromEntries(Object.entries(meta).filter(([, value]) => value !== undefined));
  const { Document, visit } = yaml();
  const doc = new Document(defined, { version: '1.1' });
  // YAML 1.1's "=" (value) and "<<" (merge) are special to PyYAML, and the writer leaves them bare;
  // "<<" stays bare even quoted unless it is tagged a string.
  visit(doc, {
    Scalar(_key, node) {
      if (node.value !== '=' && node.value !== '<<') return;
      node.type = 'QUOTE_DOUBLE';
      if (node.value === '<<') node.tag = 'tag:yaml.org,2002:str';
    },
  });
  return `---\n${doc.toString({ lineWidth: 0 })}---\n\n${body.trim()}\n`;
}
