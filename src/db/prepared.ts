// Statements on a hot path (every authenticated request, the busiest lists) are built once per open
// database rather than on every call: Drizzle then skips rebuilding the SQL text, and on PostgreSQL
// the statement is named, so each pooled connection parses and plans it once and afterwards only
// binds and executes it.
import { Column, type DriverValueDecoder, is, SQL } from 'drizzle-orm';
import type { Database } from './client.ts';

/**
 * `build` run once for each database it is asked about (kept while that database is), e.g. a
 * Drizzle query ending in `.prepare('unique_name')` with `sql.placeholder`s for its inputs.
 */
export function preparedPerDatabase<T>(build: (database: Database) => T): (database: Database) => T {
  const built = new WeakMap<Database, T>();
  return (database) => {
    let statements = built.get(database);
    if (!statements) {
      statements = build(database);
      built.set(database, statements);
    }
    return statements;
  };
}

type Row = Record<string, unknown>;
type Field = { path: string[]; field: unknown };
type Decoder = DriverValueDecoder<unknown, unknown>;

/**
 * `prepared` (a Drizzle prepared select of plain columns or sql`…` fields, no nested objects) with its rows built
 * by a loop over the columns' decoders, found once here. Drizzle's own mapping walks each value's
 * path and checks what kind of field it is (a prototype-chain walk) for every column of every
 * row, several times what decoding costs. Any other selection is returned untouched.
 */
export function withPlainRows<P>(prepared: P): P {
  const query = prepared as { fields?: Field[]; customResultMapper?: (rows: unknown[][]) => unknown };
  const fields = query.fields;
  if (!fields || query.customResultMapper) return prepared;
  // Columns decode themselves; an sql`…` field has its decoder (mapWith), as in Drizzle's mapper.
  const decoderOf = (field: unknown): Decoder | undefined =>
    is(field, Column)
      ? field
      : is(field, SQL)
        ? (field as unknown as { decoder: Decoder }).decoder
        : undefined;
  if (!fields.every((f) => f.path.length === 1 && decoderOf(f.field))) return prepared;
  const names = fields.map((f) => f.path[0]!);
  const columns = fields.map((f) => decoderOf(f.field)!);
  query.customResultMapper = (rows) =>
    rows.map((values) => {
      const row: Row = {};
      for (let i = 0; i < names.length; i++) {
        const value = values[i];
        row[names[i]!] = value === null ? null : columns[i]!.mapFromDriverValue(value);
      }
      return row;
    });
  return prepared;
}
