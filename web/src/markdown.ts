// Model and source text is untrusted: Markdown is rendered with marked — raw HTML in it is shown as
// text, never parsed — then sanitized with DOMPurify (links, images, anything marked emits) before it
// touches the DOM. Citation markers like [2] or [1, 3] become buttons.
import DOMPurify from 'dompurify';
import { Marked } from 'marked';

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

export function sanitize(html: string): string {
  return DOMPurify.sanitize(html, { USE_PROFILES: { html: true } });
}

/**
 * Markdown → safe HTML. With `citations`, each marker becomes a button carrying `data-cite`;
 * markers that `unsupported(numbers, paragraphText)` flags get the `unsupported` class.
 */
export function renderMarkdown(
  markdown: string,
  citations?: { unsupported?: (numbers: number[], context: string) => boolean },
): string {
  const html = sanitize(marked.parse(markdown) as string);
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
  for (const text of texts) {
    const value = text.nodeValue ?? '';
    const fragment = document.createDocumentFragment();
    let last = 0;
    for (const m of value.matchAll(citationMarker)) {
      fragment.append(value.slice(last, m.index));
      const numbers = citationNumbers(m[1]!);
      const button = document.createElement('button');
      button.type = 'button';
      const flagged = citations.unsupported?.(numbers, text.parentElement?.textContent ?? value) ?? false;
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
  }
  return template.innerHTML;
}

/** Plain text of untrusted content for places that need no markup at all. */
export function plain(markdownOrHtml: string): string {
  const template = document.createElement('template');
  template.innerHTML = sanitize(markdownOrHtml);
  return template.content.textContent ?? '';
}
