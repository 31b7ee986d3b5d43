// The Markdown export's body. Model text is untrusted, and sites that publish Markdown (Jekyll,
// WordPress importers) keep raw HTML: so raw HTML is shown as text, a `<` that opens a tag for
// browsers is escaped, and a link or image whose target would run script keeps only its text, as
// the HTML export does. Code is left as it is.
//
// The changes are found where they are written, in one pass: the block's tokens are looked up in
// document order from a cursor that only moves forward, and the block is rebuilt once. (Replacing
// each distinct part throughout the block cost the block's length for every part: a paragraph of
// 32,000 distinct "<xN" words, 245 KB, held the serving thread for 35 s.)
import { decodeHTML } from 'entities';
import { Marked, type Token, type Tokens } from 'marked';
import { boundedEmphasis, lexMarkdown } from './markdown-lexer.ts';
import { blockText } from './render.ts';

const tagWord = /<[A-Za-z/!?][^\s<>]*/g;

/** A link or image target a browser would run or that leaves the web (`javascript:`, `data:`, `vbscript:`…). */
function unsafeTarget(href: string, image: boolean): boolean {
  // Every entity a browser decodes ("java&Tab;script&colon;"), then what it drops inside a scheme
  // ("java\tscript:").
  const target = decodeHTML(href)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
    .replace(/[\u0000-\u0020\u007f]/g, '');
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(target)?.[1]?.toLowerCase();
  if (scheme === undefined) return false;
  return image ? !['http', 'https'].includes(scheme) : !['http', 'https', 'mailto'].includes(scheme);
}

const isCode = (token: Token) => token.type === 'code' || token.type === 'codespan';
// A bare address GFM links by itself (`ftp://…`, `www.…`) never runs script, and as text it is that
// same address again.
const unsafeLink = (token: Token) =>
  (token.type === 'link' || token.type === 'image') &&
  /^!?[[<]/.test(token.raw) &&
  unsafeTarget(token.href, token.type === 'image');
// `\<` is an escaped `<` to CommonMark but a backslash and a tag to Python-Markdown.
const escapedLessThan = (token: Token) => token.type === 'escape' && token.raw === '\\<';
// `<svg/onload=…>` is text to CommonMark (no space before its attribute) but a tag to browsers and to
// lenient renderers (Python-Markdown): in text, a `<` that opens a tag is escaped too.
const plainText = (token: Token) => token.type === 'text' && !('tokens' in token && token.tokens);

/** The tokens a token holds, as they are written (a table's cells row by row). */
function childTokens(token: Token): readonly Token[] {
  if (token.type === 'list') return (token as Tokens.List).items;
  if (token.type === 'table') {
    const table = token as Tokens.Table;
    return [...table.header, ...table.rows.flat()].flatMap((cell) => cell.tokens);
  }
  return 'tokens' in token && token.tokens ? token.tokens : [];
}

/** Whether any of `tokens` would show raw HTML, a tag-opening `<` in text or a script link. */
function needsFixing(tokens: readonly Token[]): boolean {
  return tokens.some(
    (token) =>
      !isCode(token) &&
      (token.type === 'html' ||
        (plainText(token) && token.raw.search(tagWord) >= 0) ||
        unsafeLink(token) ||
        escapedLessThan(token) ||
        needsFixing(childTokens(token))),
  );
}

/** A change to the block: the characters from `at` to `end` become `safe`. */
interface Fix {
  at: number;
  end: number;
  safe: string;
}

/** The changes in one line of a token, where the line starts at 0. */
type Escapes = (line: string) => Fix[];

const escapeAt = (at: number, length: number, safe: string): Fix => ({ at, end: at + length, safe });
// Raw HTML becomes text: its `<`s escaped, and its `[`s, which as text could open a link (a script
// link written inside an HTML block is no link until the block is text).
const htmlEscapes: Escapes = (line) =>
  [...line.matchAll(/[<[]/g)].map((m) => escapeAt(m.index, 1, m[0] === '<' ? '&lt;' : '&#91;'));
const tagWordEscapes: Escapes = (line) =>
  [...line.matchAll(tagWord)].map((m) => escapeAt(m.index, 1, '&lt;'));
const lessThanEscape: Escapes = (line) => [escapeAt(line.indexOf('\\<'), 2, '&lt;')];

/**
 * The changes one block needs, found where they are written. A token is looked for from the cursor,
 * which is never past where the token is: what is found is it, or an earlier copy of it — which is
 * why the rebuilt block is checked again before it is used. Inside a quote or a list item a token's
 * lines are not written together (the `> ` and the indents are not in it): it is looked for line by
 * line. `lost` says a change could not be placed, or that searches that found nothing have read the
 * block twice over (so a block costs its length a small number of times, whatever it holds).
 */
class BlockFixes {
  readonly fixes: Fix[] = [];
  lost = false;
  private readonly raw: string;
  private cursor = 0;
  private budget: number;

  constructor(raw: string) {
    this.raw = raw;
    this.budget = 2 * raw.length + 10_000;
  }

  /** Where `part` is next written, or −1. */
  private find(part: string): number {
    if (this.raw.startsWith(part, this.cursor)) return this.cursor;
    const at = this.raw.indexOf(part, this.cursor);
    if (at < 0) {
      this.budget -= this.raw.length - this.cursor;
      if (this.budget < 0) this.lost = true;
    }
    return at;
  }

  /** `inTable`: in a table cell, where a `|` of the text is written `\|`. */
  walk(tokens: readonly Token[], inTable = false): this {
    for (const token of tokens) {
      if (this.lost) break;
      const written = inTable ? token.raw.replaceAll('|', '\\|') : token.raw;
      if (token.type === 'html') this.leaf(written, htmlEscapes);
      else if (plainText(token)) this.leaf(written, tagWordEscapes);
      else if (escapedLessThan(token)) this.leaf(written, lessThanEscape);
      else if (unsafeLink(token)) this.replace(token as Tokens.Link | Tokens.Image, written, inTable);
      else if (isCode(token)) this.leaf(written);
      else {
        const children = childTokens(token);
        if (children.length === 0) this.leaf(written);
        else this.container(written, children, inTable || token.type === 'table');
      }
    }
    return this;
  }

  /** Moves past a token that holds no other, line by line, making the changes `escapes` names. */
  private leaf(raw: string, escapes?: Escapes): void {
    for (const line of raw.split('\n')) {
      const content = line.trimStart();
      if (!content) continue;
      const changes = escapes?.(content) ?? [];
      const at = this.find(content);
      if (at < 0) {
        if (changes.length > 0) this.lost = true;
        if (this.lost) return;
        continue;
      }
      for (const fix of changes) this.fixes.push({ at: at + fix.at, end: at + fix.end, safe: fix.safe });
      this.cursor = at + content.length;
    }
  }

  /** Reads a token's children; when the token is written whole, moves past what follows them (a link's target). */
  private container(raw: string, children: readonly Token[], inTable: boolean): void {
    const written = raw.trimStart();
    const firstLine = written.split('\n', 1)[0] ?? '';
    const at = firstLine ? this.find(firstLine) : -1;
    if (at >= 0) this.cursor = at;
    const whole = at >= 0 && this.raw.startsWith(written, at);
    this.walk(children, inTable);
    if (whole) this.cursor = Math.max(this.cursor, at + written.length);
  }

  /** A script link or image becomes its text, made safe the same way. */
  private replace(token: Tokens.Link | Tokens.Image, written: string, inTable: boolean): void {
    const at = this.find(written);
    const text = new BlockFixes(token.text).walk(token.tokens ?? []);
    // A link spanning lines in a quote or a list is not written as its token says.
    if (at < 0 || text.lost) {
      this.lost = true;
      return;
    }
    const safe = text.rebuilt();
    this.fixes.push({ at, end: at + written.length, safe: inTable ? safe.replaceAll('|', '\\|') : safe });
    this.cursor = at + written.length;
  }

  /** The block with every change made (found in order, so they never overlap). */
  rebuilt(): string {
    let out = '';
    let from = 0;
    for (const fix of this.fixes) {
      out += this.raw.slice(from, fix.at) + fix.safe;
      from = fix.end;
    }
    return out + this.raw.slice(from);
  }
}

// A reader without GFM tables (CommonMark) reads a table as text, and with it what a GFM reader
// drops: the cells past the header's count.
const withoutTables = new Marked({ gfm: true }, boundedEmphasis, { tokenizer: { table: () => undefined } });

/**
 * The block `token` made safe as written, or undefined when that cannot be done: a change spanning
 * lines in a quote or list, or a rebuilt block that a reader still finds unsafe.
 */
function safeBlock(token: Token): string | undefined {
  const found = new BlockFixes(token.raw).walk([token]);
  const block = found.lost ? token.raw : found.rebuilt();
  if (found.lost ? needsFixing([token]) : found.fixes.length > 0 && needsFixing(lexMarkdown(block)))
    return undefined;
  if (/[<[]/.test(block) && block.includes('|') && needsFixing(withoutTables.lexer(block))) return undefined;
  return block;
}

/**
 * Plain text written so that no Markdown reader finds HTML or a link in it: no `<` (raw HTML,
 * `<javascript:…>`) and no `[` (links, images, references) is left. A backslash would not do: the
 * plain text of `\\[x](javascript:…)` is `[x](javascript:…)`, and Python-Markdown does not read `\\<`.
 */
const safeText = (text: string) => text.replaceAll('<', '&lt;').replaceAll('[', '&#91;');

/**
 * The article's Markdown made safe to publish, block by block. It is read as other Markdown
 * readers read it (GFM, without this app's citation markers: to them `[1](javascript:…)` is a
 * link). A block that cannot be made safe as written is exported as its plain text.
 */
export function exportableMarkdown(markdown: string): string {
  const parts: string[] = [];
  // The last two characters written, kept apart: asking the growing text would copy it each time.
  let tail = '';
  const write = (part: string) => {
    parts.push(part);
    tail = part.length >= 2 ? part.slice(-2) : (tail + part).slice(-2);
  };
  // To a reader without tables, a table that touches a paragraph is one paragraph with it — not
  // the text that was checked: a table is kept apart from its neighbours by blank lines.
  let apart = false;
  for (const token of lexMarkdown(markdown)) {
    if (token.type === 'table' || (apart && token.type !== 'space'))
      if (parts.length > 0 && tail !== '\n\n') write(tail.endsWith('\n') ? '\n' : '\n\n');
    apart = token.type === 'table';
    if (token.type === 'def') {
      if (!unsafeTarget(token.href, false)) write(token.raw);
    } else if (token.type === 'code') write(token.raw);
    else write(safeBlock(token) ?? `${safeText(blockText(token))}\n\n`);
  }
  return parts.join('');
}
