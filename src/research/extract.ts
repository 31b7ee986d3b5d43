// Reduces a fetched page to the text worth citing: Readability over linkedom for HTML,
// passthrough for plain text; anything else is not a research source. The app runs it on worker
// threads (extract-pool.ts); this module is what those threads load.
import type { Readability } from '@mozilla/readability';
import { declaredCharset, decodeBytes, decodeText } from '../decode-text.ts';
import { AppError } from '../errors.ts';
import { storableText, textHead } from '../input/storable-text.ts';
import { lazyModule } from '../lazy-module.ts';
import { mediaType } from '../security/ssrf/media-type.ts';
import { words } from '../writing/words.ts';
import { believableCanonical } from './canonical-url.ts';

const linkedom = lazyModule<typeof import('linkedom')>('linkedom');
const readabilityLib = lazyModule<typeof import('@mozilla/readability')>('@mozilla/readability');

/** Loads the HTML parser and Readability (150–250 ms of one core): an extractor process does so as it starts. */
export function loadExtractor(): void {
  linkedom();
  readabilityLib();
}

export type ExtractedPage = {
  title: string;
  byline?: string;
  publishedAt?: string;
  text: string;
  canonicalUrl: string;
  language?: string;
  wordCount: number;
};

export const extractableTypes = ['text/html', 'application/xhtml+xml', 'text/plain', 'text/markdown'];

// Chinese, Japanese and Thai put no spaces between words: ICU's dictionary segmentation counts
// them (a page of Japanese would otherwise be a handful of "words" and rejected as empty).
const unspacedScript = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]/u;
const countWords = (text: string) =>
  unspacedScript.test(text) ? words(text, 'ja').length : (text.match(/\S+/g) ?? []).length;

// Block-level breaks survive as blank lines so paragraphs stay separable for excerpts.
const blockElements = new Set('p li h1 h2 h3 h4 h5 h6 blockquote pre tr br div'.split(' '));

/**
 * The text of Readability's article element. It is given the element itself (its `serializer`),
 * not the element's HTML to parse again: that round trip was a fifth of each page's extraction.
 */
function readableText(article: Element): string {
  const document = article.ownerDocument;
  // A walk of the elements instead of a selector list, which linkedom compiles on every call.
  const blocks: Element[] = [];
  const visit = (parent: Element) => {
    for (const el of parent.children) {
      if (blockElements.has(el.localName)) blocks.push(el);
      visit(el);
    }
  };
  visit(article);
  for (const el of blocks) el.after(document.createTextNode('\n\n'));
  return (article.textContent ?? '')
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function resolveUrl(href: string | null | undefined, base: string): string | undefined {
  if (!href) return undefined;
  try {
    const url = new URL(href, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function metaContent(document: Document, selectors: string[]): string | undefined {
  for (const s of selectors) {
    const value = document.querySelector(s)?.getAttribute('content')?.trim();
    if (value) return value;
  }
  return undefined;
}

// A doctype and the tags HTML lets a page leave out: what wraps its content. `[^<>]`, not `[^>]`: a
// tag left open stops at the next `<`, so a page of unclosed ones is read in linear time.
const structureTags = /<!doctype[^<>]*>|<\/?(?:html|head|body)(?:\s[^<>]*)?>/gi;
// What goes in <head>, found at the top of a page that wrote none.
const headElements = new Set(['title', 'meta', 'link', 'base']);

type ParsedPage = ReturnType<ReturnType<typeof linkedom>['parseHTML']>['document'];

const hasBody = (document: ParsedPage) => {
  const root = document.documentElement;
  return root?.localName === 'html' && [...root.children].some((el) => el.localName === 'body');
};

/**
 * The page as a document with <html>, <head> and <body>. HTML5 lets a page leave each of them out
 * (minified pages do) and linkedom does not add them as a browser does: its `body` is an empty one it
 * makes up on first use, so such a page read as no words or failed Readability, and one without any
 * element (text served as HTML) was no document at all. Such a page is parsed again inside the
 * three, its head's elements moved to the head, its language kept. (Ask for `head` or `body` only
 * once it has them.)
 */
function parsePage(html: string): ParsedPage {
  const { parseHTML } = linkedom();
  const { document } = parseHTML(html);
  if (hasBody(document)) return document;
  const lang = document.querySelector('html')?.getAttribute('lang');
  const inner = html.replace(structureTags, '');
  const wrapped = parseHTML(`<!doctype html><html><head></head><body>${inner}</body></html>`).document;
  if (lang) wrapped.documentElement.setAttribute('lang', lang);
  for (const el of [...wrapped.body.children]) if (headElements.has(el.localName)) wrapped.head.append(el);
  return wrapped;
}

type Article = ReturnType<Readability<Element>['parse']>;

/**
 * Readability's article (null when it finds none), or `unreadable` when it fails on the page: that
 * page has no text to offer and is skipped for want of words, not failed as an internal error.
 */
function readArticle(document: ParsedPage): Article | 'unreadable' {
  try {
    return new (readabilityLib().Readability)(document as unknown as Document, {
      serializer: (node) => node as Element,
    }).parse();
  } catch {
    return 'unreadable';
  }
}

function extractHtml(html: string, url: string): Omit<ExtractedPage, 'wordCount'> {
  const document = parsePage(html);
  const canonicalUrl = believableCanonical(
    resolveUrl(document.querySelector('link[rel~="canonical"]')?.getAttribute('href'), url),
    url,
  );
  const language =
    document.documentElement?.getAttribute('lang')?.trim() ||
    metaContent(document, ['meta[http-equiv="content-language"]']);
  const published = metaContent(document, [
    'meta[property="article:published_time"]',
    'meta[name="date"]',
    'meta[name="pubdate"]',
    'meta[itemprop="datePublished"]',
  ]);
  const fallbackTitle = document.querySelector('title')?.textContent?.trim() ?? '';
  // Readability mutates the document, so everything above is read first.
  const read = readArticle(document);
  const article = read === 'unreadable' ? null : read;
  const text = article?.content
    ? readableText(article.content)
    : read === 'unreadable'
      ? ''
      : (document.body?.textContent ?? '').trim();
  const publishedAt = toIsoDate(article?.publishedTime ?? published);
  return {
    title: article?.title?.trim() || fallbackTitle,
    ...(article?.byline ? { byline: article.byline.trim() } : {}),
    ...(publishedAt ? { publishedAt } : {}),
    text,
    canonicalUrl,
    ...(language || article?.lang ? { language: (language || article?.lang) as string } : {}),
  };
}

function toIsoDate(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/**
 * The page's words made storable, counted as stored. A page's NUL byte (or a lone surrogate of a
 * string body) reached the gather step's JSON output, which the database refused on every retry.
 */
function storablePage({
  title,
  byline,
  language,
  text,
  ...rest
}: Omit<ExtractedPage, 'wordCount'>): ExtractedPage {
  // Trimmed again: a control character dropped can leave a space at an end.
  const readable = storableText(text).trim();
  const by = byline && storableText(byline).trim();
  const lang = language && storableText(language).trim();
  return {
    ...rest,
    title: storableText(title).trim(),
    ...(by ? { byline: by } : {}),
    ...(lang ? { language: lang } : {}),
    text: readable,
    wordCount: countWords(readable),
  };
}

/**
 * The page's bytes as text in their charset: the one a byte order mark names, else UTF-8, else the
 * Content-Type's or a `<meta>`'s, else Windows-1252 (decode-text.ts, the knowledge base's rule). Read
 * as UTF-8 whatever they were, Windows-1252, Shift_JIS, GBK and UTF-16 pages were mojibake. Plain
 * text with control characters is binary data (or UTF-16 with neither a mark nor a declaration:
 * every other byte NUL) and refused; in markup, a stray one is dropped with the rest (storablePage).
 */
function decodePage(bytes: Buffer, contentType: string, markup: boolean): string {
  const charset = declaredCharset(bytes, contentType);
  const text = markup ? decodeBytes(bytes, charset)?.text : decodeText(bytes, charset);
  if (text === undefined)
    throw new AppError('unsupported_media_type', 'The page holds binary data, not text');
  return text;
}

/** Extracts readable text from a fetched body; throws unsupported_media_type for non-text. */
export function extractReadable(body: Buffer | string, contentType: string, url: string): ExtractedPage {
  const type = mediaType(contentType);
  const markup = type === 'text/html' || type === 'application/xhtml+xml';
  if (!markup && type !== 'text/plain' && type !== 'text/markdown')
    throw new AppError(
      'unsupported_media_type',
      `Cannot extract readable text from ${type || 'unknown content'}`,
    );
  const source = typeof body === 'string' ? body : decodePage(body, contentType, markup);
  if (markup) return storablePage(extractHtml(source, url));
  const text = source.trim();
  const firstLine =
    text
      .split('\n', 1)[0]
      ?.replace(/^#+\s*/, '')
      .trim() ?? '';
  return storablePage({ title: textHead(firstLine, 200), text, canonicalUrl: url });
}
