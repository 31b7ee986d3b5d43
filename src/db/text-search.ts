// One text-search configuration for every full-text index and every query built from user text,
// so a word is stemmed the same way when stored and when searched ("idempotency" → "idempot" on
// both sides). User text always goes through websearch_to_tsquery, which accepts any input
// (quotes, "or", "-word") without syntax errors.
import { type SQL, sql } from 'drizzle-orm';

export const textSearchConfig = 'english';
const config = `'${textSearchConfig}'`;

/** SQL text of a tsvector over `expression` (for generated columns and raw SQL). */
export const toTsvectorSql = (expression: string) => `to_tsvector(${config}, ${expression})`;

/** Raw SQL: the tsquery of the user text bound to `placeholder` (e.g. `$2`). */
export const userTsquerySql = (placeholder: string) => `websearch_to_tsquery(${config}, ${placeholder})`;

/** Drizzle: the tsquery of `text`, bound as a parameter. */
export const userTsquery = (text: string): SQL => sql`websearch_to_tsquery(${sql.raw(config)}, ${text})`;
