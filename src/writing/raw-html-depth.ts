// How deep raw HTML may leave tags open before the sanitizer renders it (render.ts).
import type { Marked, Token } from 'marked';

/** `text` with every `<` escaped: raw HTML shown as text. */
export const lessThan = (text: string) => text.replaceAll('<', '&lt;');

// Raw HTML tags left open nest in the sanitizer, whose time then grows faster than the text (an
// edit of 163,000 unclosed <strong> took half a minute to render): a raw HTML token that would
// leave tags open deeper than this is shown as text. Far past what balanced HTML in an article
// opens; elements whose end tag HTML lets one leave out (p, li, td…) are not counted at all.
const maxOpenHtml = 1000;
const htmlTag = /<(\/?)([A-Za-z][A-Za-z0-9-]*)[^<>]*?(\/?)>/g;
const uncounted = new Set(
  [
    'area base br col embed hr img input link meta source track wbr', // void
    'p li dt dd tr td th thead tbody tfoot colgroup caption option optgroup rb rt rtc rp', // optional end
  ]
    .join(' ')
    .split(' '),
);

interface OpenTags {
  /** Left open by block HTML: stays open across the blocks after it. */
  block: number;
  /** Left open inline: closed with its block (the sanitizer closes them at the block's end tag). */
  inline: number;
}

/** `open` after the tags of one HTML token, or undefined when they would open more than the bound. */
function afterTags(html: string, block: boolean, open: OpenTags): OpenTags | undefined {
  let { block: blockOpen, inline: inlineOpen } = open;
  for (const [, closing, name, selfClosing] of html.matchAll(htmlTag)) {
    if (selfClosing || uncounted.has(name!.toLowerCase())) continue;
    if (closing) {
      // An end tag written inline may close a block's element ("Answer.</details>").
      if (!block && inlineOpen > 0) inlineOpen--;
      else blockOpen = Math.max(0, blockOpen - 1);
    } else if (block) blockOpen++;
    else inlineOpen++;
    if (blockOpen + inlineOpen > maxOpenHtml) return undefined;
  }
  return { block: blockOpen, inline: inlineOpen };
}

/** Shows as text each raw HTML token of `tokens` that would leave more tags open than the bound. */
export function boundOpenHtml(marked: Marked, tokens: Token[]): void {
  const open: OpenTags = { block: 0, inline: 0 };
  for (const top of tokens) {
    open.inline = 0;
    marked.walkTokens([top], (token) => {
      if (token.type !== 'html') return;
      const after = afterTags(token.text, token.block === true, open);
      if (after) Object.assign(open, after);
      else token.text = lessThan(token.text);
    });
  }
}
