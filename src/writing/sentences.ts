// Sentence splitting for Markdown prose. Headings, tables, code and raw HTML are not prose and are skipped;
// each list item and blockquote line group is its own block, so a bullet without a full stop still ends.

export interface Sentence {
  // The sentence as written (inline Markdown and citation markers kept), list/quote markers removed.
  text: string;
  // Offset of `text` in the input, so callers can map a sentence back to the source Markdown.
  offset: number;
}

// Lower-cased, without the final dot. A dot after these does not end a sentence.
const abbreviations = new Set(
  (
    'mr mrs ms mx dr prof sr jr st vs no nos fig figs al approx ca cf inc ltd co corp dept est gen gov ' +
    'jan feb mar apr jun jul aug sep sept oct nov dec mt ft vol vols pp ed eds rev hon lt col sgt capt ' +
    'e.g i.e a.m p.m u.s u.k u.n ph.d'
  ).split(' '),
);

const closers = `"'”’)]*_」』）`;
// Citation groups such as [3] or [1, 2] that a writer places after the full stop still belong to that sentence.
const trailingCitations = /^(?:\s*\[\d+(?:\s*[,–-]\s*\d+)*\])+/;

interface Block {
  text: string;
  offset: number;
}

const fence = /^\s{0,3}(```|~~~)/;
const listItem = /^(\s*)(?:[-*+]|\d{1,9}[.)])\s+/;
const quote = /^\s{0,3}>\s?/;
const skipLine = /^\s{0,3}(?:#{1,6}(?:\s|$)|\||<\/?[a-zA-Z]|(?:[-*_]\s*){3,}$|\[\d+\]:\s)/;

function blocksOf(markdown: string): Block[] {
  const blocks: Block[] = [];
  let current: Block | null = null;
  let inFence = false;
  let offset = 0;
  const flush = () => {
    if (current?.text.trim()) blocks.push(current);
    current = null;
  };
  for (const line of markdown.split('\n')) {
    const lineOffset = offset;
    offset += line.length + 1;
    if (fence.test(line)) {
      flush();
      inFence = !inFence;
      continue;
    }
    if (inFence) continue;
    if (!line.trim() || skipLine.test(line)) {
      flush();
      continue;
    }
    let content = line;
    let start = lineOffset;
    const quoteMarker = quote.exec(content);
    if (quoteMarker) {
      content = content.slice(quoteMarker[0].length);
      start += quoteMarker[0].length;
    }
    const bullet = listItem.exec(content);
    if (bullet) {
      flush();
      content = content.slice(bullet[0].length);
      start += bullet[0].length;
    }
    if (current) {
      // Soft line break inside a paragraph: keep offsets aligned by replacing the newline with a space.
      current.text += ' '.repeat(start - (current.offset + current.text.length)) + content;
    } else {
      current = { text: content, offset: start };
    }
  }
  flush();
  return blocks;
}

function endsSentence(text: string, dotIndex: number): boolean {
  let wordStart = dotIndex;
  while (wordStart > 0 && !/\s/.test(text[wordStart - 1] ?? '')) wordStart--;
  const word = text.slice(wordStart, dotIndex).replace(/^[("'“‘[*_]+/, '');
  if (!word) return true;
  if (abbreviations.has(word.toLowerCase())) return false;
  // An initial ("J. Smith") or a dotted abbreviation ("U.S.", "e.g.").
  if (/^\p{L}$/u.test(word) || /^(?:\p{L}\.)+\p{L}$/u.test(word)) return false;
  return true;
}

function splitBlock(block: Block): Sentence[] {
  const { text } = block;
  const sentences: Sentence[] = [];
  let start = 0;
  const push = (end: number) => {
    const raw = text.slice(start, end);
    const trimmedStart = raw.length - raw.trimStart().length;
    const value = raw.trim();
    if (value) sentences.push({ text: value, offset: block.offset + start + trimmedStart });
    start = end;
  };
  // 。！？ end a sentence by themselves: Japanese and Chinese put no space or capital after them.
  const terminal = /[.!?…]+|[。！？]+/g;
  for (let match = terminal.exec(text); match; match = terminal.exec(text)) {
    let end = match.index + match[0].length;
    while (end < text.length && closers.includes(text[end] ?? '')) end++;
    const cites = trailingCitations.exec(text.slice(end));
    if (cites) end += cites[0].length;
    while (end < text.length && closers.includes(text[end] ?? '')) end++;
    if (end >= text.length) break;
    if (/^[。！？]/.test(match[0])) {
      push(end);
      terminal.lastIndex = end;
      continue;
    }
    const after = text.slice(end);
    // Decimals, URLs and "file.ts" have no space after the dot; a lower-case continuation is not a new sentence.
    if (!/^\s+[\p{Lu}\p{N}"“‘'([*_`]/u.test(after)) continue;
    if (match[0] === '.' && !endsSentence(text, match.index)) continue;
    push(end);
    terminal.lastIndex = end;
  }
  push(text.length);
  return sentences;
}

export function splitSentences(markdown: string): Sentence[] {
  return blocksOf(markdown.replaceAll('\r\n', '\n')).flatMap(splitBlock);
}
