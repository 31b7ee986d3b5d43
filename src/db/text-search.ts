// Full-text search stems each row with the PostgreSQL text-search configuration of its language
// (german for "de", french for "fr"…; `simple` where PostgreSQL has none, e.g. Japanese), and a
// query is stemmed with the configuration of the row it is matched against, so a word is stemmed
// the same way when stored and when searched ("Wärmepumpen" → "warmepump" on both sides).
// The row's configuration is a generated `regconfig` column computed from its language tag by the
// SQL below; the tsvector is generated from the same expression (a generated column cannot read
// another generated column). User text always goes through websearch_to_tsquery, which accepts
// any input (quotes, "or", "-word") without syntax errors.
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

/** SQL text of a tsvector over `expression`, stemmed in the language `languageExpression` evaluates to. */
export const toTsvectorSql = (languageExpression: string, expression: string) =>
  `to_tsvector(${searchConfigSql(languageExpression)}, ${expression})`;

const everyConfig = [...new Set([...Object.values(textSearchConfigs), 'simple'])];

/**
 * Raw SQL: a FROM item `q(cfg, query)` with the user text bound to `placeholder` (e.g. `$2`) as a
 * tsquery in every configuration. Join rows with `c.search_config = q.cfg AND c.tsv @@ q.query`:
 * each row meets the query stemmed its own way, and the GIN index on tsv stays usable (one
 * index probe per configuration) where a per-row `websearch_to_tsquery(c.search_config, …)` is not.
 */
export const userTsqueriesSql = (placeholder: string) =>
  `(SELECT cfg, websearch_to_tsquery(cfg, ${placeholder}) AS query FROM unnest(ARRAY[${everyConfig
    .map((c) => `'${c}'`)
    .join(', ')}]::regconfig[]) AS cfg) q`;

/** Drizzle: the tsquery of `text`, bound as a parameter, for rows of configuration `configColumn`. */
export const userTsquery = (configColumn: AnyColumn | SQL, text: string): SQL =>
  sql`websearch_to_tsquery(${configColumn}, ${text})`;
