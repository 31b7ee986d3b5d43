// Model and source text is untrusted: Markdown is rendered with marked — raw HTML in it is shown as
// text, never parsed — then sanitized with DOMPurify (links, images, anything marked emits) before it
// touches the DOM. Citation markers like [2] or [1, 3] become buttons.
import DOMPurify from 'dompurify';
import { Marked } from 'marked';
import { sentenceAt } from './sentences.ts';

const escapeHtml = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

const marked = new Marked({
  gfm: true,
  breaks: false,
  async: false,
  renderer: { html: ({ text }) => escapeHtml(text) },
});

const citationMarker = /\[(\d{1,4}(?:\s*[,–-]\s*\d{1,4})*)\](?![(:])/g;

/** Expands "1, 3-5" into [1, 3, 4, 5]. */
export function citationNumbers(inner: string): number[] {
  const out: number[] = [];
  for (const part of inner.split(',')) {
    const [a, b] = part.split(/[–-]/).map((s) => Number.parseInt(s.trim(), 10));
    if (a === undefined || Number.isNaN(a)) continue;
    if (b === undefined || Number.isNaN(b)) out.push(a);
    else for (let n = a; n <= b && n - a < 50; n++) out.push(n);
  }
  return out;
}

/** Words only: citation markers, punctuation and case dropped, to compare a sentence as written. */
const comparable = (s: string) =>
  s
    .replace(/\[[\d,\s–-]+\]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .toLowerCase();

/**
 * Whether a marker citing `numbers` at the end of (or in) `sentence` cites for one of the checked
 * sentences found unsupported: one citing any of those sources whose text starts the sentence.
 */
export function citesUnsupported(
  unsupported: readonly { sentence: string; sources: readonly number[] }[],
  numbers: readonly number[],
  sentence: string,
): boolean {
  const words = comparable(sentence);
  return unsupported.some(
    (c) => c.sources.some((n) => numbers.includes(n)) && words.includes(comparable(c.sentence).slice(0, 60)),
  );
}

// Where the sentences of a marker are looked for: the block of text around it, not only the
// element it is in (an <em> inside a paragraph).
const textBlock = 'p, li, td, th, dt, dd, blockquote, figcaption, h1, h2, h3, h4, h5, h6';

/** Where `node` starts in `block`'s textContent. */
function offsetIn(block: Element, node: Text): number {
  let offset = 0;
  const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n && n !== node; n = walker.nextNode()) offset += n.nodeValue?.length ?? 0;
  return offset;
}

export function sanitize(html: string): string {
  return DOMPurify.sanitize(html, { USE_PROFILES: { html: true } });
}

/**
 * Markdown → safe HTML. With `citations`, each marker becomes a button carrying `data-cite`;
 * markers that `unsupported(numbers, sentence)` flags get the `unsupported` class. `sentence` is
 * the plain text of the sentence the marker belongs to (a marker after the full stop belongs to
 * the sentence before it), not its whole paragraph: a paragraph with one unsupported sentence
 * citing [1] flagged every [1] in it.
 */
export function renderMarkdown(
  markdown: string,
  citations?: { unsupported?: (numbers: number[], sentence: string) => boolean },
): string {
  // A code block wider than the text scrolls: keyboard users reach it to scroll it (an integration
  // guide's samples have long lines). Raw `<pre>` in the Markdown was escaped to text above.
  const html = sanitize(marked.parse(markdown) as string).replaceAll('<pre>', '<pre tabindex="0">');
  if (!citations) return html;
  const template = document.createElement('template');
  template.innerHTML = html;
  const walker = document.createTreeWalker(template.content, NodeFilter.SHOW_TEXT);
  const texts: Text[] = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (parent?.closest('code, pre, a')) continue;
    citationMarker.lastIndex = 0;
    if (citationMarker.test(node.nodeValue ?? '')) texts.push(node as Text);
  }
  // Where each text node sits in its block, read before any node is split into buttons.
  const places = texts.map((text) => {
    const block = text.parentElement?.closest(textBlock) ?? text.parentElement;
    return block ? { text: block.textContent ?? '', offset: offsetIn(block, text) } : null;
  });
  texts.forEach((text, i) => {
    const value = text.nodeValue ?? '';
    const place = places[i] ?? { text: value, offset: 0 };
    const fragment = document.createDocumentFragment();
    let last = 0;
    for (const m of value.matchAll(citationMarker)) {
      fragment.append(value.slice(last, m.index));
      const numbers = citationNumbers(m[1]!);
      const button = document.createElement('button');
      button.type = 'button';
      const sentence = sentenceAt(place.text, place.offset + m.index);
      const flagged = citations.unsupported?.(numbers, sentence) ?? false;
      button.className = flagged ? 'cite unsupported' : 'cite';
      button.dataset.cite = numbers.join(',');
      button.setAttribute(
        'aria-label',
        `Show source ${numbers.join(', ')}${flagged ? ' (unsupported)' : ''}`,
      );
      button.textContent = m[0];
      fragment.append(button);
      last = m.index + m[0].length;
    }
    fragment.append(value.slice(last));
    text.replaceWith(fragment);
  });
  return template.innerHTML;
}

/** Plain text of untrusted content for places that need no markup at all. */
export function plain(markdownOrHtml: string): string {
  const template = document.createElement('template');
  template.innerHTML = sanitize(markdownOrHtml);
  return template.content.textContent ?? '';
}
