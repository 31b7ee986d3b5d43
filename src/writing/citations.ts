// Numbered citations in Markdown: `[n]`, `[n, m]`, `[n][m]` and ranges `[n-m]`, never inside code,
// never a Markdown link (`[1](url)`), a link definition (`[1]: url`) or a footnote (`[^1]`). Models
// also write `【2】` (or `【2†source】`), `(Source 2)`, `(Sources 2 and 3)`, `[Source 2]` and a bare
// `^2`: those are read as citations too, and every rewrite (remapCitations) turns any of them into
// the canonical `[n]`, one bracket per source.
import { isReferencesHeading } from './frame-headings.ts';
import { inlinePlain } from './inline-plain.ts';
import { splitSentences } from './sentences.ts';
import { englishStopWords, isNumberToken, stem, words } from './words.ts';

export interface CitationMarker {
  // Offset and raw text of the marker in the Markdown, e.g. "[1, 2]".
  offset: number;
  raw: string;
  numbers: number[];
}

// A range longer than this is a typo or an attack, not a citation.
const maxRangeLength = 50;
export const citationMarkerPattern = /\[(\d{1,6}(?:\s*[,–-]\s*\d{1,6})*)\](?![(:])/g;

// A list of numbers inside the other spellings: "2", "2, 3", "2 and 3", "2-4", "2; 3".
const numberList = String.raw`\d{1,6}(?:\s*(?:[,;&–-]|and)\s*\d{1,6})*`;
const otherSpellings: RegExp[] = [
  // 【2】, 【2, 3】, 【4†source】, 【4:0†source】 (CJK lenticular brackets, OpenAI file-search style)
  new RegExp(String.raw`【\s*(${numberList})\s*(?:[:†][^】\n]{0,40})?】`, 'g'),
  // (Source 2), (Sources 2 and 3), (source: 2), (Ref. 2)
  new RegExp(String.raw`\(\s*(?:sources?|refs?\.?|references?)\s*:?\s*#?(${numberList})\s*\)`, 'gi'),
  // [Source 2], [Sources 2, 3]
  new RegExp(String.raw`\[\s*(?:sources?|refs?\.?)\s*:?\s*#?(${numberList})\s*\](?![(:])`, 'gi'),
  // ^2 after a word of two or more letters, punctuation or a space — never x^2, 10^3 or [^2] footnotes.
  /(?:(?<=\p{L}{2})|(?<=[\s.,;:!?)"'”’])|^)\^(\d{1,3})(?![\d^])/gmu,
];

// A fenced block, whole: to its closing fence (the opening's character, at least as many, nothing but
// spaces after) or the end of the text. With `$` as the end it stopped at its first line's end (`m`
// makes `$` any line's end), so a bracket on a later line of code — `[2]` in a sample's string —
// was read as a citation and renumbered or removed. The fence's run is taken whole (`(?!`)`): given
// back a character at a time, a long run of backticks on one line cost its length squared.
const fencedBlock =
  /^ {0,3}(`{3,}(?!`)|~{3,}(?!~))[^\n]*(?=\n)[\s\S]*?(?:\n {0,3}\1[`~]*[ \t]*(?=\n|(?![\s\S]))|(?![\s\S]))/gm;

// Code spans and fenced blocks are replaced by spaces so offsets stay valid while their brackets are ignored.
export function maskCode(markdown: string): string {
  const blank = (s: string) => s.replace(/[^\n]/g, ' ');
  return (
    markdown
      .replace(fencedBlock, blank)
      // From the start of a run of backticks only: tried from inside a run too, a run of n backticks
      // cost n² steps (20,000 backticks in an edit: 0.5 s, 500 kB minutes).
      .replace(/(?<!`)(`+)[^`\n]+?\1/g, blank)
  );
}

// The numbers of one marker's inside, "1, 3-5" → [1, 3, 4, 5] ("and", "&" and ";" separate too).
export function markerNumbers(inner: string): number[] {
  const result: number[] = [];
  for (const part of inner.split(/,|;|&|\band\b/)) {
    const range = /^\s*(\d+)\s*[–-]\s*(\d+)\s*$/.exec(part);
    if (range) {
      const from = Number(range[1]);
      const to = Number(range[2]);
      if (to >= from && to - from < maxRangeLength) {
        for (let n = from; n <= to; n++) result.push(n);
      } else {
        result.push(from, to);
      }
    } else {
      result.push(Number(part.trim()));
    }
  }
  return [...new Set(result)];
}

export function parseCitations(markdown: string): CitationMarker[] {
  const masked = maskCode(markdown);
  const markers: CitationMarker[] = [];
  for (const match of masked.matchAll(citationMarkerPattern)) {
    if (masked[match.index - 1] === '!') continue;
    markers.push({ offset: match.index, raw: match[0], numbers: markerNumbers(match[1] ?? '') });
  }
  // Characters already in a marker: an overlapping spelling is skipped (a check per character, not
  // per marker found so far — 50,000 "(Source 1)" compared pairwise took seconds).
  const taken = new Uint8Array(masked.length);
  const take = (m: CitationMarker) => taken.fill(1, m.offset, m.offset + m.raw.length);
  for (const m of markers) take(m);
  for (const pattern of otherSpellings)
    for (const match of masked.matchAll(pattern)) {
      const end = match.index + match[0].length;
      if (taken.subarray(match.index, end).includes(1)) continue;
      const marker = { offset: match.index, raw: match[0], numbers: markerNumbers(match[1] ?? '') };
      markers.push(marker);
      take(marker);
    }
  return markers.sort((a, b) => a.offset - b.offset);
}

export function citedNumbers(markdown: string): number[] {
  return [...new Set(parseCitations(markdown).flatMap((m) => m.numbers))].sort((a, b) => a - b);
}

export interface DanglingCitation {
  n: number;
  offset: number;
  raw: string;
}

// Every cited number must name one of the sources 1..sourceCount.
export function checkCitationsExist(markdown: string, sourceCount: number): DanglingCitation[] {
  return parseCitations(withoutReferences(markdown)).flatMap((marker) =>
    marker.numbers
      .filter((n) => n < 1 || n > sourceCount)
      .map((n) => ({ n, offset: marker.offset, raw: marker.raw })),
  );
}

export function stripCitations(text: string): string {
  let stripped = '';
  let kept = 0;
  for (const marker of parseCitations(text)) {
    stripped += text.slice(kept, marker.offset);
    kept = marker.offset + marker.raw.length;
  }
  return (
    (stripped + text.slice(kept))
      // From the start of a run of spaces only: tried from inside a run too, a long run cost its
      // length squared (40 kB of spaces between two words: 1.2 s in every edit's SEO read).
      .replace(/(?<!\s)\s+([.,;:!?])/g, '$1')
      .replace(/\s{2,}/g, ' ')
      .trim()
  );
}

// A `## ` line and its text. The text is tested, not matched inside one pattern: `\s*#*\s*$` after
// the heading split a run of spaces between its two `\s*` every way when `#*` was empty (40 kB of
// spaces: 2 s in every claim lookup and fact check).
const h2Line = /^##[ \t]+([^\n]*)$/gm;

// The heading's text without a closing `#` sequence ("## References ##").
function headingText(line: string): string {
  let end = line.trimEnd().length;
  while (end > 0 && line[end - 1] === '#') end--;
  return line.slice(0, end);
}

// The references list cites nothing: sentence and dangling checks look at the body before it. It
// is the last `## ` part under such a heading (in any language: frame-headings.ts), to the next
// `# `/`## ` (seo/document.ts): a section named "Sources" before it, or a "### Sources" inside one,
// is writing whose citations are checked.
export function withoutReferences(markdown: string): string {
  const heading = [...markdown.matchAll(h2Line)].findLast((m) => isReferencesHeading(headingText(m[1]!)));
  if (!heading) return markdown;
  const after = heading.index + heading[0].length;
  const next = /^#{1,2}\s/m.exec(markdown.slice(after));
  const end = next ? after + next.index : markdown.length;
  // Blanked rather than cut, so offsets into the original Markdown stay valid.
  return (
    markdown.slice(0, heading.index) +
    markdown.slice(heading.index, end).replace(/[^\n]/g, ' ') +
    markdown.slice(end)
  );
}

export interface CitedSentence {
  // The sentence as plain text, citation markers removed: what a source has to support.
  sentence: string;
  // The sentence as written in the Markdown.
  raw: string;
  offset: number;
  sources: number[];
}

export function citedSentences(markdown: string): CitedSentence[] {
  const body = withoutReferences(markdown);
  const markers = parseCitations(body);
  const cited: CitedSentence[] = [];
  // Sentences and markers both in text order: one walk over the markers, not one per sentence.
  let next = 0;
  for (const { text, offset } of splitSentences(body)) {
    const end = offset + text.length;
    while (next < markers.length && markers[next]!.offset < offset) next++;
    const first = next;
    while (next < markers.length && markers[next]!.offset < end) next++;
    if (next === first) continue;
    const inside = markers.slice(first, next);
    cited.push({
      sentence: stripCitations(inlinePlain(text)),
      raw: text,
      offset,
      sources: [...new Set(inside.flatMap((m) => m.numbers))],
    });
  }
  return cited;
}

/*
 * Lexical support of a sentence by a source text, 0..1, deterministic and explainable:
 * - the sentence's content words (stop words and citation markers dropped) are stemmed;
 * - each distinct stem carries a weight: numbers 3 (a wrong figure is the commonest unsupported claim),
 *   named entities 2 (capitalised not at the start of the sentence, or acronyms), other words 1;
 * - coverage = weight of the stems found / total weight, measured over the whole source ("global") and over
 *   the best window of the source ("local": max(20, 2 × the sentence's distinct stems) content words), since
 *   support means one passage says it, not that the words are scattered over a long page;
 * - score = 0.4 × global + 0.6 × local.
 * It cannot see negation or paraphrase; the checker model covers those.
 */
export function lexicalSupport(sentence: string, sourceText: string, language = 'en'): number {
  return supportScorer(sentence, language)(supportSource(sourceText, language));
}

/**
 * `lexicalSupport` of one sentence, for scoring it against several prepared sources: the sentence
 * is read once, and each source costs its occurrences of the sentence's stems.
 */
export function supportScorer(sentence: string, language = 'en'): (source: SupportSource) => number {
  const weights = new Map<string, number>();
  const sentenceWords = words(stripCitations(inlinePlain(sentence)), language);
  sentenceWords.forEach((word, index) => {
    const lower = word.toLowerCase();
    if (englishStopWords.has(lower)) return;
    const isNumber = isNumberToken(word);
    if (!isNumber && word.length < 2) return;
    const isEntity =
      !isNumber && ((index > 0 && /^\p{Lu}/u.test(word)) || (word.length > 1 && word === word.toUpperCase()));
    const weight = isNumber ? 3 : isEntity ? 2 : 1;
    const key = stem(word, language);
    weights.set(key, Math.max(weights.get(key) ?? 0, weight));
  });
  const total = [...weights.values()].reduce((a, b) => a + b, 0);
  return (source) => (total === 0 || source.length === 0 ? 0 : windowedSupport(weights, total, source));
}

function windowedSupport(weights: ReadonlyMap<string, number>, total: number, source: SupportSource): number {
  // Where the sentence's stems occur in the source, in order: only these positions change what a
  // window covers, so the sentence costs its stems' occurrences, not the source's length.
  const hits: Array<{ at: number; key: string; weight: number }> = [];
  let globalWeight = 0;
  for (const [key, weight] of weights) {
    const positions = source.positions.get(key);
    if (!positions) continue;
    globalWeight += weight;
    for (const at of positions) hits.push({ at, key, weight });
  }
  hits.sort((a, b) => a.at - b.at);

  // The best window of `windowSize` words (ending at each hit; covered only grows when one enters).
  const windowSize = Math.max(20, 2 * weights.size);
  const counts = new Map<string, number>();
  let covered = 0;
  let best = 0;
  let leaving = 0;
  for (const hit of hits) {
    for (; hits[leaving]!.at <= hit.at - windowSize; leaving++) {
      const gone = hits[leaving]!;
      const count = counts.get(gone.key)! - 1;
      counts.set(gone.key, count);
      if (count === 0) covered -= gone.weight;
    }
    const count = counts.get(hit.key) ?? 0;
    if (count === 0) covered += hit.weight;
    counts.set(hit.key, count + 1);
    best = Math.max(best, covered);
  }
  const score = 0.4 * (globalWeight / total) + 0.6 * (best / total);
  return Math.round(Math.min(1, score) * 1000) / 1000;
}

/** A source text as `lexicalSupport` reads it: its content words' stems and where each occurs. */
export interface SupportSource {
  length: number;
  positions: ReadonlyMap<string, readonly number[]>;
}

/** `text` stemmed for `supportScorer`: prepare a source once for all the sentences citing it. */
export function supportSource(text: string, language = 'en'): SupportSource {
  const stems = words(text, language)
    .filter((w) => !englishStopWords.has(w.toLowerCase()))
    .map((w) => stem(w, language));
  const positions = new Map<string, number[]>();
  stems.forEach((key, at) => {
    const list = positions.get(key);
    if (list) list.push(at);
    else positions.set(key, [at]);
  });
  return { length: stems.length, positions };
}

export interface ReferenceSource {
  n: number;
  title: string;
  // A web source: its URL and when it was fetched.
  url?: string;
  accessedAt?: Date | string;
  // A workspace document: where in it the cited text comes from.
  document?: { title?: string; page?: number; heading?: string };
}

function escapeMarkdown(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/([\\`*_[\]<>#|])/g, '\\$1');
}

function isoDate(value: Date | string): string {
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toISOString().slice(0, 10);
}

function referenceLine(source: ReferenceSource): string {
  const parts = [`[${source.n}] ${escapeMarkdown(source.title)}`];
  if (source.url) {
    const url = source.url.replace(/[<>\s]/g, (c) => encodeURIComponent(c));
    const accessed = source.accessedAt ? ` (accessed ${isoDate(source.accessedAt)})` : '';
    parts.push(` — <${url}>${accessed}`);
  } else if (source.document) {
    const where = [
      source.document.title && source.document.title !== source.title
        ? `document “${escapeMarkdown(source.document.title)}”`
        : 'document',
      source.document.page !== undefined ? `p. ${source.document.page}` : undefined,
      source.document.heading ? `section “${escapeMarkdown(source.document.heading)}”` : undefined,
    ].filter(Boolean);
    parts.push(` — ${where.join(', ')}`);
  }
  return parts.join('');
}

// Each entry is its own paragraph, so the renderer can give it the `ref-n` anchor that citations link to.
export function referenceList(sources: readonly ReferenceSource[], heading = 'References'): string {
  if (sources.length === 0) return '';
  const lines = [...sources].sort((a, b) => a.n - b.n).map(referenceLine);
  return `## ${heading}\n\n${lines.join('\n\n')}\n`;
}
