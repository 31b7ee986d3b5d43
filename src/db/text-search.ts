// Full-text search stems each row with the PostgreSQL text-search configuration of its language
// (german for "de", french for "fr"…; `simple` where PostgreSQL has none, e.g. Japanese), and a
// query is stemmed with the configuration of the row it is matched against, so a word is stemmed
// the same way when stored and when searched ("Wärmepumpen" → "warmepump" on both sides).
// The row's configuration is a generated `regconfig` column computed from its language tag by the
// SQL below; the tsvector is generated from the same expression (a generated column cannot read
// another generated column). User text always goes through websearch_to_tsquery, which accepts
// any input (quotes, "or", "-word") without syntax errors.
// Scripts written without spaces between words (Chinese, Japanese, Thai…) have no word boundary
// PostgreSQL's parser can see: a whole clause was one token, so no word in it could be found. Each
// of their characters is its own token when stored, and a run of them in a query is a phrase of its
// characters (`searchableQuery`), so a query finds the run wherever it is written, as Ctrl-F would,
// and the same on PGlite and PostgreSQL whatever their locale (no dictionary to segment with).
import { type AnyColumn, type SQL, sql } from 'drizzle-orm';

// Primary language subtag → configuration. Only configurations that ship with PostgreSQL 13+
// (and PGlite): a missing one would fail the migration.
export const textSearchConfigs: Readonly<Record<string, string>> = {
  ar: 'arabic',
  da: 'danish',
  de: 'german',
  el: 'greek',
  en: 'english',
  es: 'spanish',
  fi: 'finnish',
  fr: 'french',
  ga: 'irish',
  hu: 'hungarian',
  id: 'indonesian',
  it: 'italian',
  lt: 'lithuanian',
  nb: 'norwegian',
  ne: 'nepali',
  nl: 'dutch',
  nn: 'norwegian',
  no: 'norwegian',
  pt: 'portuguese',
  ro: 'romanian',
  ru: 'russian',
  sv: 'swedish',
  ta: 'tamil',
  tr: 'turkish',
};

/** The configuration for a BCP 47 tag: "de-AT" → "german", "ja" → "simple". */
export function textSearchConfigFor(language: string): string {
  const primary = language.split('-')[0]?.toLowerCase() ?? '';
  return textSearchConfigs[primary] ?? 'simple';
}

/** SQL text of the `regconfig` for the language tag `expression` evaluates to (immutable: usable in generated columns). */
export function searchConfigSql(languageExpression: string): string {
  const cases = Object.entries(textSearchConfigs)
    .map(([tag, config]) => `WHEN '${tag}' THEN '${config}'::regconfig`)
    .join(' ');
  return `(CASE lower(split_part(coalesce(${languageExpression}, ''), '-', 1)) ${cases} ELSE 'simple'::regconfig END)`;
}

// Han (with its extensions and compatibility forms), kana, Hangul syllables, Thai, Lao, Khmer and
// Myanmar: the code point ranges whose characters are indexed one by one.
const unspacedRanges: ReadonlyArray<readonly [number, number]> = [
  [0x0e00, 0x0eff],
  [0x1000, 0x109f],
  [0x1780, 0x17ff],
  [0x3040, 0x30ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xac00, 0xd7af],
  [0xf900, 0xfaff],
  [0xff66, 0xff9f],
  [0x20000, 0x3134f],
];
const hex = (n: number) => n.toString(16).padStart(4, '0');
const pgEscape = (n: number) => (n > 0xffff ? `\\U${hex(n).padStart(8, '0')}` : `\\u${hex(n)}`);
/** The ranges as a PostgreSQL regular-expression bracket (ARE escapes; plain ASCII in the SQL text). */
const unspacedClassSql = `[${unspacedRanges.map(([from, to]) => `${pgEscape(from)}-${pgEscape(to)}`).join('')}]`;
const unspacedClass = `[${unspacedRanges.map(([from, to]) => `\\u{${hex(from)}}-\\u{${hex(to)}}`).join('')}]`;
const unspacedRun = new RegExp(`${unspacedClass}+`, 'gu');
const unspacedChar = new RegExp(unspacedClass, 'u');
// A hyphen between a non-blank and a run of unspaced characters, on either side of the run.
const hyphenAtRun = new RegExp(`(?<=${unspacedClass})-(?=\\S)|(?<=\\S)-(?=${unspacedClass})`, 'gu');

/** SQL text of a tsvector over `expression`, stemmed in the language `languageExpression` evaluates to. */
export const toTsvectorSql = (languageExpression: string, expression: string) =>
  `to_tsvector(${searchConfigSql(languageExpression)}, regexp_replace(${expression}, '(${unspacedClassSql})', ' \\1 ', 'g'))`;

/**
 * User text as the stored rows are indexed: each run of characters of an unspaced script becomes a
 * quoted phrase of its characters ("東京都" → `"東 京 都"`), inside a phrase the user quoted just its
 * characters spaced; everything else is left to websearch_to_tsquery as typed.
 */
export function searchableQuery(text: string): string {
  let quoted = false;
  let out = '';
  for (const match of text.matchAll(/"|[^"]+/g)) {
    const part = match[0];
    if (part === '"') {
      quoted = !quoted;
      out += part;
      continue;
    }
    // A hyphen joining a run to what is before or after it ("東京-大阪") would follow a closing
    // quote once the run is quoted, and websearch reads "-" there as NOT: it joins, so it is a blank.
    const joined = quoted ? part : part.replace(hyphenAtRun, ' ');
    out += joined.replace(unspacedRun, (run) => {
      const spaced = [...run].join(' ');
      return quoted ? ` ${spaced} ` : `"${spaced}"`;
    });
  }
  return out;
}

const wordPattern = /[\p{L}\p{M}\p{N}]+/gu;
const wordOrCharacter = new RegExp(`${unspacedClass}|(?:(?!${unspacedClass})[\\p{L}\\p{M}\\p{N}])+`, 'gu');

/**
 * The text's words in lower case as search sees them: letters and digits between other characters,
 * each character of an unspaced script a word of its own ("東京 tower" → 東, 京, tower).
 */
export function searchWords(text: string): string[] {
  const words: string[] = [];
  for (const [word] of text.toLowerCase().matchAll(wordPattern)) {
    if (!unspacedChar.test(word)) words.push(word);
    else for (const [part] of word.matchAll(wordOrCharacter)) words.push(part);
  }
  return words;
}

/**
 * `searchWords` with where each word is in `text` (`starts[i]`..`ends[i]`), for a caller that shows
 * the text as written around what it matched. Lower-cased word by word, not the text at once: a
 * character whose lower case is longer ("İ") would shift every offset after it.
 */
export function searchWordRanges(text: string): { words: string[]; starts: number[]; ends: number[] } {
  const words: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  const add = (word: string, at: number) => {
    words.push(word.toLowerCase());
    starts.push(at);
    ends.push(at + word.length);
  };
  for (const match of text.matchAll(wordPattern)) {
    const word = match[0];
    if (!unspacedChar.test(word)) add(word, match.index);
    else for (const part of word.matchAll(wordOrCharacter)) add(part[0], match.index + part.index);
  }
  return { words, starts, ends };
}

/** Whether a word of `searchWords` is a character of an unspaced script. */
export const isUnspacedCharacter = (word: string): boolean => unspacedChar.test(word);

const everyConfig = [...new Set([...Object.values(textSearchConfigs), 'simple'])];

/**
 * The configurations a library's rows are stemmed with, from its documents' languages (null: a
 * document from before languages were detected, whose chunks were stemmed in English).
 */
export function searchConfigsFor(languages: ReadonlyArray<string | null>): string[] {
  return [...new Set(languages.map((language) => textSearchConfigFor(language ?? 'en')))].sort();
}

/**
 * Raw SQL: rows of alias `c` (with `tsv` and `search_config`) matching the user text bound to
 * `placeholder` (e.g. `$2`, bound as `searchableQuery` makes it) stemmed in each row's own configuration. The first condition — the
 * text in each of `configs` (the configurations the rows may have), OR-ed into one constant
 * tsquery — is what the GIN index on tsv can serve (a query that depends on the row cannot use
 * it); the second keeps each row to its own stemming. With one configuration the first alone says
 * it, and the planner estimates it from the words' statistics (a condition on the row's own
 * configuration it can only guess, and it then guesses "few rows" for every query). The caller
 * names the configurations its rows have (a workspace's, read from its rows): the index's work grows
 * with each one OR-ed (161 vs 30 ms for one at 200k chunks, bench/RESULTS.md "Full-text search on the
 * library's own configurations").
 */
export function userMatchSql(c: string, placeholder: string, configs: readonly string[]): string {
  const [only, ...others] = known(configs);
  if (only === undefined) return 'FALSE';
  if (others.length === 0) return `${c}.tsv @@ ${userTsquerySql(c, placeholder, configs)}`;
  const anyConfig = configs.map((cfg) => `websearch_to_tsquery('${cfg}', ${placeholder})`).join(' || ');
  return `${c}.tsv @@ (${anyConfig}) AND ${c}.tsv @@ ${userTsquerySql(c, placeholder, configs)}`;
}

/** Raw SQL: the row's own tsquery of the user text, for ranking a matched row (a constant when all rows share `configs`' one). */
export function userTsquerySql(c: string, placeholder: string, configs: readonly string[]): string {
  const [only, ...others] = known(configs);
  return only !== undefined && others.length === 0
    ? `websearch_to_tsquery('${only}', ${placeholder})`
    : `websearch_to_tsquery(${c}.search_config, ${placeholder})`;
}

/** `configs`, checked: they are written into SQL text, so only the configurations above pass. */
function known(configs: readonly string[]): readonly string[] {
  for (const config of configs) {
    if (!everyConfig.includes(config)) throw new Error(`unknown text-search configuration: ${config}`);
  }
  return configs;
}

/**
 * Drizzle: rows of `tsv`/`config` matching `text` in their own configuration, `configs` being the
 * ones the rows may have (see userMatchSql, whose shape this is).
 */
export function userMatch(tsv: AnyColumn, config: AnyColumn, text: string, configs: readonly string[]): SQL {
  const [only, ...others] = known(configs);
  const searchable = searchableQuery(text);
  const query = (cfg: string) => sql`websearch_to_tsquery(${sql.raw(`'${cfg}'`)}, ${searchable})`;
  if (only === undefined) return sql`FALSE`;
  if (others.length === 0) return sql`${tsv} @@ ${query(only)}`;
  return sql`${tsv} @@ (${sql.join(configs.map(query), sql` || `)}) AND ${tsv} @@ websearch_to_tsquery(${config}, ${searchable})`;
}
