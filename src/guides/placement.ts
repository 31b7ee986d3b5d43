// Where an integration guide's code samples go. The model writes the prose and places a sample by
// its marker (`{{sample:S2}}`) only: code it writes itself is removed, and each marker becomes the
// sample generated from the spec — once in the article, a repeated or unknown marker dropped. A
// sample no marker placed is added at the end of the section that explains its operation, so every
// operation's samples are in the guide whatever the model did. Pure.
import { fencedLines } from '../writing/code-fences.ts';
import { languageInfo, type SampleLanguage } from './languages.ts';

export interface PlacedSample {
  /** What the model names it by: S1, S2… */
  id: string;
  /** The operation's key (operationId or `METHOD /path`). */
  operation: string;
  method: string;
  path: string;
  summary: string;
  /** The number of the operation's source, cited by the sample's caption. */
  source: number;
  env: string[];
  files: string[];
  code: Array<{ language: SampleLanguage; code: string }>;
  /** The server address the samples use when the spec names none (a placeholder to replace). */
  assumedBase?: string | undefined;
}

/** A sample's marker, as a model may space or case it. */
const markerPattern = /\{\{\s*sample\s*:\s*([A-Za-z]\d{1,3})\s*\}\}/gi;

export const sampleMarker = (id: string) => `{{sample:${id}}}`;

// The spec's words in the caption are Markdown text, not markup: `[1]` in a summary is no citation.
const escapeInline = (text: string) => text.replace(/[\\`*_[\]<>#|~!]/g, '\\$&');

function codeSpan(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const ticks = '`'.repeat(longest + 1);
  return longest > 0 ? `${ticks} ${text} ${ticks}` : `${ticks}${text}${ticks}`;
}

function fenced(info: string, code: string): string {
  const longest = Math.max(0, ...(code.match(/^ {0,3}`{3,}/gm) ?? []).map((run) => run.trim().length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${code}\n${fence}`;
}

const list = (items: readonly string[]) =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;

/** The sample as the article shows it, its caption citing source `citation`. */
export function sampleBlock(sample: PlacedSample, citation = sample.source): string {
  const endpoint = `**${codeSpan(`${sample.method} ${sample.path}`)}**`;
  const named = sample.operation !== `${sample.method} ${sample.path}` ? sample.operation : '';
  const what = sample.summary
    ? ` — ${escapeInline(sample.summary)}`
    : named
      ? ` (${escapeInline(named)})`
      : '';
  const needs = [
    sample.env.length > 0
      ? `read ${list(sample.env.map((e) => codeSpan(e)))} from the environment`
      : undefined,
    sample.files.length > 0 ? `upload ${list(sample.files.map((f) => codeSpan(f)))}` : undefined,
  ].filter(Boolean);
  const placeholder = sample.assumedBase
    ? ` The spec names no server address: replace ${codeSpan(sample.assumedBase)} with yours.`
    : '';
  const caption = `${endpoint}${what} [${citation}].${needs.length > 0 ? ` The samples ${needs.join(' and ')}.` : ''}${placeholder}`;
  const blocks = sample.code.map(
    ({ language, code }) =>
      `*${languageInfo[language].label}*\n\n${fenced(languageInfo[language].fence, code)}`,
  );
  return [caption, ...blocks].join('\n\n');
}

/** The text without the fenced code blocks a model wrote (only the spec's samples are code here). */
export function withoutModelCode(markdown: string): string {
  const lines = markdown.split('\n');
  const code = fencedLines(lines);
  return lines.filter((_, i) => !code[i]).join('\n');
}

const tidy = (text: string) => text.replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n');

/** Model text that places no sample (an intro, a conclusion, an FAQ answer): no code, no markers. */
export const withoutSamples = (markdown: string) =>
  tidy(withoutModelCode(markdown).replace(new RegExp(`[ \\t]*${markerPattern.source}`, 'gi'), '')).trim();

/**
 * The sections' texts with their samples in: each marker replaced by its sample (the first time it
 * appears), the samples no marker placed appended to their owner section (`owners`: sample id →
 * section index; the last section when it names none).
 */
export function placeSamples(
  bodies: readonly string[],
  samples: readonly PlacedSample[],
  owners: ReadonlyMap<string, number>,
  /** Samples that must not be placed again (already in the article outside these bodies). */
  elsewhere: ReadonlySet<string> = new Set(),
): string[] {
  const byId = new Map(samples.map((s) => [s.id, s]));
  const placed = new Set(elsewhere);
  const out = bodies.map((body) => {
    // split with a capture group: prose at even indexes, marker ids at odd ones.
    const pieces = withoutModelCode(body).split(markerPattern);
    const parts: string[] = [];
    let prose = '';
    pieces.forEach((piece, i) => {
      if (i % 2 === 0) {
        // Where a dropped marker stood before punctuation, the space before it goes too.
        prose = /^[.,;:!?]/.test(piece) ? prose.trimEnd() + piece : prose + piece;
        return;
      }
      const sample = byId.get(piece.toUpperCase());
      if (!sample || placed.has(sample.id)) return;
      placed.add(sample.id);
      parts.push(tidy(prose).trim(), sampleBlock(sample));
      prose = '';
    });
    parts.push(tidy(prose).trim());
    return parts.filter(Boolean);
  });
  for (const sample of samples) {
    if (placed.has(sample.id)) continue;
    placed.add(sample.id);
    const owner = Math.min(owners.get(sample.id) ?? out.length - 1, out.length - 1);
    out[owner]?.push(sampleBlock(sample));
  }
  return out.map((parts) => parts.join('\n\n'));
}

/**
 * Each sample's section: the first whose sources include the sample's operation, else the one the
 * caller names as closest (`fallback`), else the last.
 */
export function sampleOwners(
  sections: ReadonlyArray<{ sourceIds: readonly number[] }>,
  samples: readonly PlacedSample[],
  fallback?: (sample: PlacedSample) => number | undefined,
): Map<string, number> {
  const owners = new Map<string, number>();
  for (const sample of samples) {
    const index = sections.findIndex((s) => s.sourceIds.includes(sample.source));
    owners.set(sample.id, index >= 0 ? index : (fallback?.(sample) ?? sections.length - 1));
  }
  return owners;
}

/** The samples a section owns (its prompt offers these). */
export const samplesOf = (
  samples: readonly PlacedSample[],
  owners: ReadonlyMap<string, number>,
  section: number,
) => samples.filter((s) => owners.get(s.id) === section);

/**
 * A part's text with the samples in it (as `sampleBlock` wrote them, citing `citation(sample)`)
 * back as their markers: what a model revising the part is shown. The ids found are returned too.
 */
export function samplesToMarkers(
  markdown: string,
  samples: readonly PlacedSample[],
  citation: (sample: PlacedSample) => number | undefined,
): { markdown: string; found: string[] } {
  let text = markdown;
  const found: string[] = [];
  for (const sample of samples) {
    const n = citation(sample);
    const block = n === undefined ? undefined : sampleBlock(sample, n);
    if (block && text.includes(block)) {
      text = text.replace(block, sampleMarker(sample.id));
      found.push(sample.id);
    }
  }
  return { markdown: text, found };
}
