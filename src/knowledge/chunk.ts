// Splits a parsed document into retrieval chunks that follow its structure:
// - consecutive blocks under the same heading path are packed together up to a token budget;
// - a block (paragraph, list item, code, table, operation) is never split unless it alone exceeds the
//   budget, and then at sentence (or line, for code and tables) boundaries before words;
// - consecutive chunks of one section overlap by whole trailing sentences of the previous chunk;
// - each chunk's `text` starts with its heading path, for retrieval context; `rawText` is without it.
import { createHash } from 'node:crypto';
import type { Block, Chunk, ParsedDocument } from './types.ts';

export interface ChunkOptions {
  /** Largest chunk `text` (heading line included), in estimated tokens. */
  maxTokens?: number;
  /** Target overlap between consecutive chunks of one section, in estimated tokens. */
  overlapTokens?: number;
}

export const defaultChunkOptions = { maxTokens: 400, overlapTokens: 50 } as const;

/**
 * Estimated token count: one token per 4 characters, the usual rule of thumb for BPE tokenizers on
 * English prose. It errs on the high side for code and on the low side for CJK text; a budget of
 * 400 leaves ample room under every embedding model's input limit either way.
 */
export const estimateTokens = (text: string) => Math.ceil(text.length / 4);

interface Unit {
  text: string;
  block: number;
  kind: Block['kind'];
  page?: number;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

function render(block: Block): string {
  if (block.kind === 'list_item') return `${'  '.repeat(Math.max(0, (block.level ?? 1) - 1))}- ${block.text}`;
  return block.text;
}

const splitSentences = (text: string) => text.split(/(?<=[.!?…]["')\]]?)\s+(?=\S)/);
const splitLines = (text: string) => text.split('\n');
const splitWords = (text: string) => text.split(/(?<=\S)\s+(?=\S)/);

const cjkSentenceEnds = ['。', '！', '？'];

/**
 * Text with no space to cut at (Japanese, Chinese, Thai) in pieces of at most `size` characters:
 * after the last `。！？` of the second half of each piece when there is one, and never between the
 * two halves of a character outside the basic plane (𠮷 was stored as two U+FFFD, in no piece).
 */
function hardCuts(text: string, size: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > size) {
    const window = rest.slice(0, size);
    const sentenceEnd = Math.max(...cjkSentenceEnds.map((end) => window.lastIndexOf(end)));
    let cut = sentenceEnd >= size / 2 ? sentenceEnd + 1 : size;
    const code = rest.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest) out.push(rest);
  return out;
}

/** Cuts text into pieces that each fit `budget`, at the coarsest boundary that works. */
function splitToFit(text: string, budget: number, lineBased: boolean): { text: string; joiner: string }[] {
  const levels: [(s: string) => string[], string][] = lineBased
    ? [
        [splitLines, '\n'],
        [splitWords, ' '],
      ]
    : [
        [splitSentences, ' '],
        [splitLines, '\n'],
        [splitWords, ' '],
      ];
  const go = (piece: string, level: number): string[] => {
    if (estimateTokens(piece) <= budget) return [piece];
    const entry = levels[level];
    if (!entry) return hardCuts(piece, budget * 4);
    const [split, joiner] = entry;
    const parts = split(piece);
    if (parts.length === 1) return go(piece, level + 1);
    const out: string[] = [];
    let current = '';
    for (const part of parts) {
      const candidate = current ? current + joiner + part : part;
      if (estimateTokens(candidate) <= budget) current = candidate;
      else {
        if (current) out.push(current);
        if (estimateTokens(part) <= budget) current = part;
        else {
          out.push(...go(part, level + 1));
          current = '';
        }
      }
    }
    if (current) out.push(current);
    return out;
  };
  const joiner = lineBased ? '\n' : ' ';
  return go(text, 0).map((t) => ({ text: t, joiner }));
}

/** Splits a table between rows, repeating its header row in every piece so each stays readable. */
function splitTable(text: string, budget: number): { text: string; joiner: string }[] {
  const [header = '', ...rows] = text.split('\n');
  const headerTokens = estimateTokens(`${header}\n`);
  if (estimateTokens(text) <= budget || rows.length === 0 || headerTokens > budget / 2)
    return splitToFit(text, budget, true);
  return splitToFit(rows.join('\n'), budget - headerTokens, true).map((p) => ({
    text: `${header}\n${p.text}`,
    joiner: '\n',
  }));
}

function joinUnits(units: Unit[], joiners: Map<number, string>): string {
  let out = '';
  units.forEach((u, i) => {
    const prev = units[i - 1];
    if (prev) {
      out +=
        prev.block === u.block
          ? (joiners.get(u.block) ?? ' ')
          : prev.kind === 'list_item' && u.kind === 'list_item'
            ? '\n'
            : '\n\n';
    }
    out += u.text;
  });
  return out;
}

/** The page of the earliest unit the last `length` characters of the units' joined text reach into. */
function pageWhereTailStarts(units: readonly Unit[], length: number): number | undefined {
  let covered = 0;
  let page: number | undefined;
  for (let i = units.length - 1; i >= 0 && covered < length; i--) {
    covered += units[i]!.text.length + 2; // and the blank line that joins it to the next
    page = units[i]!.page ?? page;
  }
  return page;
}

/** The longest run of whole trailing sentences (or lines) of `text` within `budget` tokens. */
function tailOverlap(text: string, budget: number): string {
  if (budget <= 0) return '';
  const pieces = text.split(/(?<=[.!?…]["')\]]?)\s+(?=\S)|\n+/);
  let tail = '';
  for (let i = pieces.length - 1; i > 0; i--) {
    const candidate = tail ? `${pieces[i]} ${tail}` : pieces[i]!;
    if (estimateTokens(candidate) > budget) break;
    tail = candidate;
  }
  return tail.trim();
}

function headingLine(path: string[], maxTokens: number): string {
  if (path.length === 0) return '';
  const line = path.join(' > ');
  // A runaway heading must not eat the budget: it keeps at most a quarter of it.
  const cap = Math.floor(maxTokens / 4) * 4;
  return line.length > cap ? `${line.slice(0, Math.max(0, cap - 1))}…` : line;
}

export function chunkDocument(doc: ParsedDocument, options: ChunkOptions = {}): Chunk[] {
  const maxTokens = options.maxTokens ?? defaultChunkOptions.maxTokens;
  const overlapTokens = options.overlapTokens ?? defaultChunkOptions.overlapTokens;
  if (maxTokens < 16) throw new RangeError('maxTokens must be at least 16');

  // Headings live on in the heading paths of what follows them; a document of nothing but headings
  // still yields chunks of them.
  const content = doc.blocks.filter((b) => b.kind !== 'heading');
  const blocks = content.length > 0 ? content : doc.blocks;

  // Sections: runs of consecutive blocks with the same heading path.
  const sections: Block[][] = [];
  let key: string | undefined;
  for (const block of blocks) {
    const k = block.headingPath.join('\u0000');
    if (k !== key || sections.length === 0) sections.push([]);
    key = k;
    sections[sections.length - 1]!.push(block);
  }

  const chunks: Chunk[] = [];
  let blockId = 0;
  for (const section of sections) {
    const headingPath = section[0]!.headingPath;
    const prefix = headingLine(headingPath, maxTokens);
    const withPrefix = (raw: string) => (prefix ? `${prefix}\n\n${raw}` : raw);
    const budget = maxTokens - estimateTokens(withPrefix(''));
    const joiners = new Map<number, string>();
    const units: Unit[] = section.flatMap((block) => {
      const id = blockId++;
      const text = render(block);
      const pieces =
        block.kind === 'table' ? splitTable(text, budget) : splitToFit(text, budget, block.kind === 'code');
      joiners.set(id, pieces[0]!.joiner);
      return pieces.map((p): Unit => ({ text: p.text, block: id, kind: block.kind, page: block.page }));
    });

    let current: Unit[] = [];
    let overlap: Unit | undefined;
    const emit = () => {
      if (current.length === 0) return;
      const all = overlap ? [overlap, ...current] : current;
      const rawText = joinUnits(all, joiners);
      const text = withPrefix(rawText);
      const pages = all.map((u) => u.page).filter((p): p is number => p !== undefined);
      chunks.push({
        index: chunks.length,
        text,
        rawText,
        tokenCount: estimateTokens(text),
        headingPath,
        ...(pages.length > 0 ? { pageStart: Math.min(...pages), pageEnd: Math.max(...pages) } : {}),
        contentHash: sha256(text),
      });
      const last = current[current.length - 1]!;
      const tail = tailOverlap(rawText, overlapTokens);
      // Overlap belongs to no block of the next chunk, so it is joined to it as its own paragraph,
      // on the page where it starts: the last unit's page labelled page-1 sentences as page 2.
      overlap = tail
        ? { text: tail, block: -1, kind: last.kind, page: pageWhereTailStarts(all, tail.length) }
        : undefined;
      current = [];
    };
    const fits = (list: Unit[]) => estimateTokens(withPrefix(joinUnits(list, joiners))) <= maxTokens;
    for (const unit of units) {
      if (fits([...(overlap ? [overlap] : []), ...current, unit])) {
        current.push(unit);
        continue;
      }
      if (current.length > 0) emit();
      // After a cut, drop the overlap if it and the next unit do not fit together.
      if (overlap && !fits([overlap, unit])) overlap = undefined;
      current.push(unit);
    }
    emit();
  }
  return chunks;
}
