// node-postgres parses string arrays (`text[]`, `varchar[]`, `uuid[]`) with postgres-array, which
// walks the text one character at a time and allocates an object per character: on PostgreSQL it
// was a tenth of the CPU of the API-key list (one `scopes` array per row). What PostgreSQL prints
// for an array of plain words needs no such walk: no element is quoted or escaped and there is one
// dimension, so splitting on commas gives the same elements. Anything else (a quote, a backslash, a
// brace inside, dimension bounds) goes to the original parser, so results never differ.
import pg from 'pg';

type TypeId = Parameters<typeof pg.types.getTypeParser>[0];
// text[], varchar[], uuid[]: pg's typings list scalar types only, hence the cast.
const stringArrayOids = [1009, 1015, 2951] as unknown as TypeId[];
const braces = /["\\{}]/;

/** The elements of a one-dimensional array with no quoted element, else `fallback(value)`. */
export function parseStringArray(value: string, fallback: (value: string) => unknown): unknown {
  if (value.length < 2 || value[0] !== '{' || value[value.length - 1] !== '}') return fallback(value);
  const inner = value.slice(1, -1);
  if (inner === '') return [];
  if (braces.test(inner)) return fallback(value);
  const elements: Array<string | null> = [];
  // PostgreSQL quotes an empty string, so an empty piece never occurs in its output; postgres-array
  // skips one, and so does this.
  for (const piece of inner.split(',')) if (piece !== '') elements.push(piece === 'NULL' ? null : piece);
  return elements;
}

let installed = false;

/**
 * Makes node-postgres use parseStringArray for string arrays, process-wide: Drizzle's queries fall
 * back to pg's global parsers, so a per-pool parser would not reach them.
 */
export function installStringArrayParser(): void {
  if (installed) return;
  installed = true;
  for (const oid of stringArrayOids) {
    const original = pg.types.getTypeParser(oid, 'text') as (value: string) => unknown;
    pg.types.setTypeParser(oid, 'text', (value: string) => parseStringArray(value, original));
  }
}
