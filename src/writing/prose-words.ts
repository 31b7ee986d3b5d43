// An article's prose as words, for comparing its wording with other texts: the sentences of its
// Markdown (headings, code, tables and raw HTML are not prose; front matter and the references list
// are blanked), each as plain text without citation markers, read into `searchWords`' words. Each
// word knows its sentence (whose place in the Markdown is kept, to show and select it) and whether
// it is quoted: inside quotation marks closed in the same paragraph, or in a blockquote.
import { searchWordRanges } from '../db/text-search.ts';
import { stripCitations, withoutReferences } from './citations.ts';
import { inlinePlain } from './inline-plain.ts';
import { splitSentences } from './sentences.ts';

export interface ProseWords {
  words: string[];
  /** Where each word is in `plain`. */
  starts: number[];
  ends: number[];
  /** Each word's sentence (an index of `sentences`). */
  sentence: number[];
  quoted: Uint8Array;
  /** Each sentence's place in the Markdown. */
  sentences: Array<{ start: number; end: number }>;
  /** The prose as plain text: a paragraph's sentences on one line, paragraphs apart. */
  plain: string;
}

const frontMatter = /^---[ \t]*\r?\n[\s\S]*?\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/;
const blank = (text: string) => text.replace(/[^\n]/g, ' ');
const quoteLine = /^\s{0,3}>/;
// Between two sentences of one paragraph there is no blank line and no new list item.
const newBlock = /\n\s*\n|\n\s*(?:[-*+]|\d{1,9}[.)])\s/;

// Quotation marks, opening → closing ("„…“" in German, "«…»" in French, "「…」" in Japanese).
const closers: Readonly<Record<string, string>> = {
  '"': '"',
  '“': '”',
  '„': '“”',
  '«': '»',
  '「': '」',
  '『': '』',
};

/** The ranges of `text` inside quotation marks that close, in one pass (an unclosed mark quotes nothing). */
function quotedRanges(text: string): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  let open: string | undefined;
  let openAt = 0;
  for (let k = 0; k < text.length; k++) {
    const c = text[k]!;
    if (open !== undefined && closers[open]!.includes(c)) {
      ranges.push([openAt + 1, k]);
      open = undefined;
    } else if (open === undefined && c in closers) {
      open = c;
      openAt = k;
    }
  }
  return ranges;
}

export function proseWords(markdown: string): ProseWords {
  const head = frontMatter.exec(markdown)?.[0];
  const body = withoutReferences(head ? blank(head) + markdown.slice(head.length) : markdown);
  const found = splitSentences(body);
  // Offsets of the lines that are blockquote lines, walked beside the sentences (both in order).
  const quoteLines: Array<[number, number]> = [];
  let lineStart = 0;
  for (const line of body.split('\n')) {
    if (quoteLine.test(line)) quoteLines.push([lineStart, lineStart + line.length]);
    lineStart += line.length + 1;
  }
  let quoteLineAt = 0;
  const inBlockquote = (offset: number) => {
    while (quoteLineAt < quoteLines.length && quoteLines[quoteLineAt]![1] < offset) quoteLineAt++;
    const line = quoteLines[quoteLineAt];
    return line !== undefined && line[0] <= offset;
  };

  const out: ProseWords = {
    words: [],
    starts: [],
    ends: [],
    sentence: [],
    quoted: new Uint8Array(0),
    sentences: [],
    plain: '',
  };
  const quoted: number[] = [];
  // One paragraph at a time: its sentences' plain text on a line, then its words and quotations.
  let paragraph: Array<{ index: number; text: string; blockquote: boolean }> = [];
  const flush = () => {
    if (paragraph.length === 0) return;
    if (out.plain) out.plain += '\n\n';
    const offset = out.plain.length;
    const bounds: number[] = [];
    let line = '';
    for (const s of paragraph) {
      if (line) line += ' ';
      line += s.text;
      bounds.push(line.length);
    }
    out.plain += line;
    const { words, starts, ends } = searchWordRanges(line);
    const marks = quotedRanges(line);
    let s = 0;
    let m = 0;
    for (let w = 0; w < words.length; w++) {
      while (bounds[s]! <= starts[w]!) s++;
      while (m < marks.length && marks[m]![1] <= starts[w]!) m++;
      const inMarks = m < marks.length && marks[m]![0] <= starts[w]!;
      out.words.push(words[w]!);
      out.starts.push(offset + starts[w]!);
      out.ends.push(offset + ends[w]!);
      out.sentence.push(paragraph[s]!.index);
      quoted.push(inMarks || paragraph[s]!.blockquote ? 1 : 0);
    }
    paragraph = [];
  };
  let previousEnd = -1;
  for (const s of found) {
    const text = stripCitations(inlinePlain(s.text));
    if (previousEnd >= 0 && newBlock.test(body.slice(previousEnd, s.offset))) flush();
    previousEnd = s.offset + s.text.length;
    out.sentences.push({ start: s.offset, end: previousEnd });
    if (text.trim())
      paragraph.push({ index: out.sentences.length - 1, text, blockquote: inBlockquote(s.offset) });
  }
  flush();
  out.quoted = Uint8Array.from(quoted);
  return out;
}
