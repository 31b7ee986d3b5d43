// Markdown through marked's lexer: headings build the path, lists keep one block per item.
import type { Token, Tokens } from 'marked';
import { lexMarkdown } from '../../writing/markdown-lexer.ts';
import { markdownEmphasisProblem, markdownNestingProblem } from '../../writing/markdown-limits.ts';
import { rejected } from '../errors.ts';
import type { Block, ParsedDocument } from '../types.ts';
import { HeadingTrail } from './heading-path.ts';
import { collapseWhitespace } from './text.ts';

/** The readable text of inline tokens, without Markdown markup. */
function inlineText(tokens: Token[] | undefined, fallback = ''): string {
  if (!tokens) return fallback;
  return tokens
    .map((t): string => {
      switch (t.type) {
        case 'br':
          return '\n';
        case 'html':
          // A `<br>` is a line break; other inline tags (`<b>`, `</span>`) stand for nothing.
          return /^<br\b/i.test((t as Tokens.HTML).text) ? '\n' : '';
        case 'image':
          return (t as Tokens.Image).text;
        case 'codespan':
        case 'escape':
          return (t as Tokens.Codespan).text;
        default:
          return 'tokens' in t && Array.isArray(t.tokens)
            ? inlineText(t.tokens)
            : 'text' in t
              ? String(t.text)
              : '';
      }
    })
    .join('');
}

/** The words of a raw HTML block (`<details>`, `<p align>`, an HTML table): tags, scripts and comments out. */
const htmlBlockText = (html: string) =>
  collapseWhitespace(
    html
      .replace(/<!--[\s\S]*?-->/g, ' ')
      .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, ' ')
      .replace(/<[^>]*>/g, ' ')
      .replace(/&nbsp;/g, ' ')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&'),
  );

/**
 * YAML front matter (`---` … `---` opening the file, as static-site generators write it): not
 * text of the document; its `title`, if any, is the document's title.
 */
function frontMatter(source: string): { body: string; title?: string } {
  const m = /^---[ \t]*\r?\n([\s\S]{0,65536}?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/.exec(source);
  if (!m) return { body: source };
  const title = /^title:[ \t]*(.+?)[ \t]*$/m
    .exec(m[1]!)?.[1]
    ?.replace(/^(['"])(.*)\1$/, '$2')
    .trim();
  return { body: source.slice(m[0].length), ...(title ? { title } : {}) };
}

export function parseMarkdown(document: string): ParsedDocument {
  const { body: source, title: declaredTitle } = frontMatter(document);
  // marked recurses per nesting level: refuse what would exhaust its stack (400, not a RangeError).
  const tooDeep = markdownNestingProblem(source);
  if (tooDeep) throw rejected('too_nested', tooDeep);
  const tooCostly = markdownEmphasisProblem(source);
  if (tooCostly) throw rejected('too_complex', tooCostly);
  const blocks: Block[] = [];
  const trail = new HeadingTrail();
  let title: string | undefined = declaredTitle;
  const push = (block: Omit<Block, 'headingPath'>, headingPath = trail.path()) => {
    if (block.kind === 'code' ? block.text.trim() : collapseWhitespace(block.text))
      blocks.push({ ...block, headingPath });
  };

  const walk = (tokens: Token[], listDepth: number) => {
    for (const token of tokens) {
      switch (token.type) {
        case 'heading': {
          const t = token as Tokens.Heading;
          const text = collapseWhitespace(inlineText(t.tokens, t.text));
          if (!text) break;
          if (t.depth === 1 && title === undefined) title = text;
          push({ kind: 'heading', text, level: t.depth }, trail.enter(t.depth, text));
          break;
        }
        case 'paragraph':
        case 'text': {
          const t = token as Tokens.Paragraph;
          push({ kind: 'paragraph', text: collapseWhitespace(inlineText(t.tokens, t.text)) });
          break;
        }
        case 'code':
          push({ kind: 'code', text: (token as Tokens.Code).text });
          break;
        case 'blockquote':
          walk((token as Tokens.Blockquote).tokens, listDepth);
          break;
        case 'list':
          for (const item of (token as Tokens.List).items) {
            const own = item.tokens.filter((t) => t.type !== 'list');
            const text = collapseWhitespace(
              own
                .map((t) =>
                  inlineText('tokens' in t ? t.tokens : undefined, 'text' in t ? String(t.text) : ''),
                )
                .join(' '),
            );
            push({ kind: 'list_item', text, level: listDepth + 1 });
            walk(
              item.tokens.filter((t) => t.type === 'list'),
              listDepth + 1,
            );
          }
          break;
        case 'table': {
          const t = token as Tokens.Table;
          const row = (cells: Tokens.TableCell[]) =>
            cells.map((c) => collapseWhitespace(inlineText(c.tokens, c.text))).join(' | ');
          push({ kind: 'table', text: [row(t.header), ...t.rows.map(row)].join('\n') });
          break;
        }
        case 'html': {
          const text = htmlBlockText((token as Tokens.HTML).text);
          if (text) push({ kind: 'paragraph', text });
          break;
        }
        default:
          // hr, space, def: no readable text of their own.
          break;
      }
    }
  };
  walk(lexMarkdown(source), 0);
  return { type: 'markdown', ...(title === undefined ? {} : { title }), blocks };
}
