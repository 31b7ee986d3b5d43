// Sentence splitting for Markdown prose. Headings, tables, code and raw HTML are not prose and are skipped;
// each list item and blockquote line group is its own block, so a bullet without a full stop still ends.
import { sentenceEnds } from './sentence-ends.ts';

export interface Sentence {
  // The sentence as written (inline Markdown and citation markers kept), list/quote markers removed.
  text: string;
  // Offset of `text` in the input, so callers can map a sentence back to the source Markdown.
  offset: number;
}

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
  for (const end of sentenceEnds(text)) push(end);
  push(text.length);
  return sentences;
}

export function splitSentences(markdown: string): Sentence[] {
  return blocksOf(markdown.replaceAll('\r\n', '\n')).flatMap(splitBlock);
}
